"""Schemathesis against both OpenAPI schemas, as part of ``make test``.

Each schema is loaded from the running app (the WSGI application, in-process) and every operation
is run with a bounded number of generated requests — valid ones and invalid ones, the same each
run (a fixed seed, derandomized) — signed in with a bearer token: an institution administrator on
an institution's host, a platform operator on the console. Checked: no 5xx; the status code, the
content type and the body are what the schema documents; invalid input is refused and valid input
accepted (a request body may still be refused with a 400 for a rule the schema cannot state: a
referenced row that does not exist or is out of scope, an ID number's check digit, a state).

Every request runs in a savepoint rolled back after it, inside the test's transaction: the
shared test institutions stay as they were, nothing is committed, nothing reaches the broker
(work queued on commit never runs). The console's lifecycle actions (suspend, resume, archive,
delete) are left out: archive queues a worker task at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import set_urlconf
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.specs.openapi import checks as openapi_checks

from services.accounts.services import api_token_create
from tenants.models import Institution
from tests.api.world import build_world
from tests.conftest import host_of, in_schema, make_user

EXAMPLES_PER_OPERATION = 8
# The institution's operations by tag, one test each, so that parallel workers share the run.
GROUPS = {
    "members": "^members$",
    "development-votes": "^(development|votes|vote-electors)$",
    "documents-search": "^(documents|committee-documents|search)$",
    "transfers": "^transfers$",
}
LIFECYCLE = r"^/api/institutions/\{code\}/(suspend|resume|archive|delete)/$"
BODY_RULES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]

CONFIG: dict[str, Any] = {
    "seed": 2026,
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
    # The coverage phase's boundary cases tripled the run (40-odd requests per operation); the
    # boundaries that broke the API have their own tests (tests/api/test_*.py).
    "phases": {"coverage": {"enabled": False}},
    "checks": {
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
        "positive_data_acceptance": {"enabled": True},
        "ignored_auth": {"enabled": True},
        "unsupported_method": {"enabled": True},
        # Re-sends outside the request's savepoint (a created object fetched again): not here.
        "use_after_free": {"enabled": False},
        "ensure_resource_availability": {"enabled": False},
    },
    "operations": [
        {
            "include-method": ["POST", "PUT", "PATCH"],
            "checks": {"positive_data_acceptance": {"expected-statuses": BODY_RULES}},
        }
    ],
}

FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
)


@pytest.fixture(autouse=True)
def _no_constants_from_the_source() -> Iterator[None]:
    """Hypothesis mixes string constants found in the project's modules into what it draws, and
    re-filters thousands of them for every new string shape: most of the run's time, and nothing
    an HTTP API needs (its own values are found from the schema)."""
    from hypothesis.internal.conjecture import providers

    original = providers._get_local_constants
    providers._get_local_constants = providers.Constants  # type: ignore[assignment]
    yield
    providers._get_local_constants = original  # type: ignore[assignment]


@contextmanager
def _one_connection() -> Iterator[None]:
    """Requests run on the test's own connection and transaction: Django would otherwise close
    a connection in a transaction when each request starts and ends (its test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        # The WSGI transport does not always close a response, so Django's own reset on
        # request_finished may not run: the console's URLs would stay this thread's for the next test.
        set_urlconf(None)


def _schema(host: str, token: str) -> Any:
    base_url = f"http://{host}"
    config = schemathesis.Config.from_dict(
        {**CONFIG, "base-url": base_url, "auth": {"openapi": {"bearerAuth": {"bearer": token}}}}
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=config, base_url=base_url)


def _call(case: Any) -> None:
    base_url = case.operation.schema.get_base_url()
    with transaction.atomic():
        response = case.call(base_url=base_url)
        case.validate_response(response, transport_kwargs={"base_url": base_url})
        transaction.set_rollback(True)


def _fuzz(schema: Any) -> list[str]:
    """Run every operation; the failures found, one entry per operation."""
    failures = []
    for result in get_all_tests(schema=schema, test_func=_call, settings=FUZZ, given_kwargs={}):
        if not isinstance(result, Ok):
            failures.append(f"schema error: {result.err()}")
            continue
        operation, test = result.ok()
        try:
            test()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # schemathesis' FailureGroup is an exception group
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.fixture
def institution_api(inst_a: Institution) -> Iterator[Any]:
    with in_schema(inst_a):
        world = build_world()
        _, raw = api_token_create(user=world.admin, name="fuzz")
    with _one_connection():
        yield _schema(host_of(inst_a), raw)


@pytest.fixture
def console_api(db: None) -> Iterator[Any]:
    operator = make_user(None, username="fuzz-operator", platform_role="operator", is_staff=True)
    with in_schema("public"):
        _, raw = api_token_create(user=operator, name="fuzz")
    with _one_connection():
        yield _schema(host_of(None), raw)


@pytest.mark.parametrize("group", [*GROUPS, "the rest"])
def test_the_institution_api_gives_no_server_error_and_answers_as_its_schema_says(
    institution_api: Any, group: str
) -> None:
    if group in GROUPS:
        operations = institution_api.include(tag_regex=GROUPS[group])
    else:
        operations = institution_api.exclude(tag_regex="|".join(GROUPS.values()))
    failures = _fuzz(operations)
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_the_console_api_gives_no_server_error_and_answers_as_its_schema_says(console_api: Any) -> None:
    failures = _fuzz(console_api.exclude(path_regex=LIFECYCLE))
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


# What an answer is checked for (the fuzzer's checks that re-send a request are its own business).
ANSWER_CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


def _real_ids() -> dict[str, dict[str, int]]:
    """Path prefix → path parameters naming an object the world really has (the fuzzer's ids
    rarely hit one, so the answers about real objects are checked here, every run)."""
    from services.development.models import Dossier
    from services.documents.models import DocumentVersion
    from services.members.models import Member
    from services.organization.models import OrgUnit
    from services.votes.models import BranchVote

    version = DocumentVersion.objects.order_by("pk").first()
    assert version is not None
    return {
        "/api/development/dossiers/{id}/": {"id": Dossier.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "/api/documents/{id}/": {"id": version.document_id, "number": version.number},
        "/api/members/{id}/": {"id": Member.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "/api/org-units/{id}/": {"id": OrgUnit.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "/api/votes/{id}/": {"id": BranchVote.objects.order_by("pk").values_list("pk", flat=True)[0]},
    }


def test_the_answers_about_real_objects_are_what_the_schema_says(institution_api: Any, inst_a: Institution) -> None:
    from services.accounts.models import User

    with in_schema(inst_a):
        ids = _real_ids()
        _, token = api_token_create(user=User.objects.get(username="admin"), name="real objects")
    headers = {"Authorization": f"Bearer {token}"}
    base_url = institution_api.get_base_url()
    checked, failures = [], []
    for result in institution_api.get_all_operations():
        operation = result.ok()
        prefix = next((p for p in ids if operation.path.startswith(p)), None)
        if operation.method.upper() != "GET" or prefix is None:
            continue
        case = operation.Case(path_parameters={k: v for k, v in ids[prefix].items() if f"{{{k}}}" in operation.path})
        with transaction.atomic():
            response = case.call(base_url=base_url, headers=headers)
            try:
                case.validate_response(response, checks=ANSWER_CHECKS, transport_kwargs={"base_url": base_url})
            except BaseException as exc:  # schemathesis' FailureGroup is an exception group
                failures.append(f"{operation.label}: {exc}")
            transaction.set_rollback(True)
        checked.append((operation.path, response.status_code))
    assert not failures, "\n\n".join(failures)
    # Each path was answered about its object, not refused (a 404 would prove nothing).
    assert len(checked) >= 10 and all(status in (200, 302) for _path, status in checked), checked
