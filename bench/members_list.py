"""Member list API latency with 20,000 members: a page of 50, filtered by branch and by name
prefix, through the whole stack (routing, bearer auth, scope, serializer)."""

from __future__ import annotations

import random
import statistics

from django.test import Client
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup, timed_gets
from console.demo import SURNAMES, _members
from console.services import institution_create
from services.accounts.models import User
from services.accounts.services import api_token_create
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create

FIGURES = ("member_list_p50_ms", "member_list_p95_ms")
MEMBERS = 20_000
BRANCHES = 40
REQUESTS = 200


def seed(schema: str) -> tuple[list[int], str]:
    with schema_context(schema):
        committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
        colleges = [
            org_unit_create(name=f"学院{i}", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee) for i in range(8)
        ]
        branches = [
            org_unit_create(
                name=f"支部{i}",
                kind=OrgUnit.Kind.BRANCH,
                parent=colleges[i % 8],
                branch_kind=OrgUnit.BranchKind.TEACHER if i % 2 else OrgUnit.BranchKind.UNDERGRADUATE,
            )
            for i in range(BRANCHES)
        ]
        rng = random.Random(1)
        taken: set[str] = set()
        for _batch in range(MEMBERS // 5000):
            Member.objects.bulk_create(_members(rng, branches, 5000, taken=taken), batch_size=1000)
        admin = User.objects.get(username="admin")
        _, token = api_token_create(user=admin, name="bench")
        return [b.pk for b in branches], token


def measure(host: str, branch_ids: list[int], token: str) -> tuple[float, float]:
    """The median and 95th percentile (ms) of REQUESTS pages of the list at ``host``, half by
    branch and half by a surname."""
    client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(2)
    urls = [
        f"/api/members/?branch={rng.choice(branch_ids)}&limit=50"
        if i % 2 == 0
        else f"/api/members/?q={rng.choice(SURNAMES)}&limit=50"
        for i in range(REQUESTS)
    ]
    timings = sorted(timed_gets(client, urls, warm_up=10))
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def run() -> list[Figure]:
    with cleanup("blist"):
        institution, _ = institution_create(code="blist", name="名册基准大学", admin_password="Bench-pass-2026!")
        branch_ids, token = seed(institution.schema_name)
        p50, p95 = measure("blist.localhost", branch_ids, token)
    return [
        ("member_list_p50_ms", p50, "ms"),
        ("member_list_p95_ms", p95, "ms"),
    ]
