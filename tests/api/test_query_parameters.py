"""Query parameters are read by one helper (services/kernel/inputs.py): an id that is not ASCII
digits ("²" passed ``isdigit()`` and failed ``int()``), a choice outside its set, a date outside
the supported range or text over its length is a 400 naming the parameter, in Chinese."""

from __future__ import annotations

import pytest

from tenants.models import Institution
from tests.api.helpers import admin_client, assert_problem
from tests.conftest import in_schema

SUPERSCRIPT_TWO = "%C2%B2"


@pytest.mark.parametrize(
    ("url", "param"),
    [
        (f"/api/members/?branch={SUPERSCRIPT_TWO}", "branch"),
        (f"/api/development/dossiers/?branch={SUPERSCRIPT_TWO}", "branch"),
        (f"/api/documents/?unit={SUPERSCRIPT_TWO}", "unit"),
        (f"/api/votes/eligible/?branch={SUPERSCRIPT_TWO}", "branch"),
        ("/api/members/?branch=99999999999999999999", "branch"),
        ("/api/members/?branch=-1", "branch"),
    ],
)
def test_a_non_ascii_digit_or_an_out_of_range_id_filter_is_a_400_naming_it(
    inst_a: Institution, url: str, param: str
) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get(url), code="invalid_parameter", mentions=f"参数 {param}")


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/members/?status=nonsense", "status"),
        ("/api/documents/?kind=nonsense", "kind"),
        ("/api/transfers/?kind=nonsense", "kind"),
        ("/api/reminders/?state=nonsense", "state"),
        ("/api/search/?q=x&kind=nonsense", "kind"),
        ("/api/members/?q=" + "王" * 51, "q"),
    ],
)
def test_a_choice_outside_its_set_or_text_over_its_length_is_a_400_naming_it(
    inst_a: Institution, url: str, param: str
) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get(url), code="invalid_parameter", mentions=f"参数 {param}")


def test_a_guard_date_out_of_range_is_a_400(inst_a: Institution) -> None:
    from tests.development.helpers import apply, build_world

    client, _ = admin_client(inst_a)
    with in_schema(inst_a):
        dossier = apply(build_world())
    for value in ("9999-12-31", "0001-01-01", "2026-13-40", "²"):
        response = client.get(f"/api/development/dossiers/{dossier.pk}/guards/", {"on": value})
        assert_problem(response, code="invalid_parameter", mentions="参数 on")
    assert client.get(f"/api/development/dossiers/{dossier.pk}/guards/", {"on": "2026-12-01"}).status_code == 200


def test_a_page_with_a_non_ascii_digit_in_its_filter_is_the_400_page_not_a_500(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    response = client.get(f"/development/?branch={SUPERSCRIPT_TWO}")
    assert response.status_code == 400
    assert "参数 branch" in response.content.decode()


def test_the_audit_page_with_a_date_at_the_end_of_time_shows_the_error_not_a_500(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    response = client.get("/audit/", {"date_to": "9999-12-31"})
    assert response.status_code == 200
    assert "日期必须在" in response.content.decode()


def test_a_mangled_audit_cursor_starts_from_the_first_page(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    for cursor in ("2026-01-01T00:00:00+00:00_99999999999999999999", "2026-01-01T00:00:00+00:00_²", "x"):
        assert client.get("/audit/", {"cursor": cursor}).status_code == 200


def test_a_vote_count_with_a_non_ascii_digit_is_a_form_error_not_a_500() -> None:
    from services.kernel.inputs import ascii_int

    assert ascii_int("²") is None and ascii_int("12") == 12 and ascii_int("1" * 20) is None
