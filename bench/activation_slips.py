"""Activation slips for 20,000 members in one run, as the worker does it: accounts made for
those without one, one code each (keyed hashes, bulk), the batch and audit rows, and the PDF
with a QR code per slip, stored. Goal: under 20 s. Companion figures split the run: making the
accounts, issuing the codes, and rendering and storing the PDF."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.demo import _members
from console.services import institution_create
from services.accounts.models import User
from services.activation import slips
from services.activation.models import SlipJob
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create

FIGURES = (
    "accounts_sheet_20k_s",
    "accounts_sheet_20k_accounts_s",
    "accounts_sheet_20k_codes_s",
    "accounts_sheet_20k_pdf_s",
    "accounts_sheet_20k_cpu_s",
    "accounts_sheet_20k_accounts_cpu_s",
    "accounts_sheet_20k_codes_cpu_s",
    "accounts_sheet_20k_pdf_cpu_s",
)
MEMBERS = 20_000
BRANCHES = 40


def _seed() -> OrgUnit:
    committee = org_unit_create(name="党委", kind=OrgUnit.Kind.COMMITTEE)
    colleges = [org_unit_create(name=f"学院{i}", kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee) for i in range(8)]
    branches = [
        org_unit_create(name=f"第{i}党支部", kind=OrgUnit.Kind.BRANCH, parent=colleges[i % 8]) for i in range(BRANCHES)
    ]
    rng = random.Random(1)
    taken: set[str] = set()
    for _batch in range(MEMBERS // 5000):
        Member.objects.bulk_create(_members(rng, branches, 5000, taken=taken), batch_size=1000)
    return committee


def _timed(spent: dict[str, float], name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func``, adding its wall time to ``spent[name]`` and this process's CPU time to
    ``spent[name + "_cpu"]``."""

    def run(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
            spent[f"{name}_cpu"] = spent.get(f"{name}_cpu", 0.0) + time.process_time() - cpu

    return run


def run() -> list[Figure]:
    spent: dict[str, float] = {}
    with cleanup("bslip"):
        institution, _ = institution_create(code="bslip", name="激活单基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            committee = _seed()
            admin = User.objects.get(username="admin")
            job = SlipJob.objects.create(created_by=admin, unit=committee, valid_days=14, language="zh-hans")
            with (
                mock.patch.object(
                    slips, "member_accounts_ensure", _timed(spent, "accounts", slips.member_accounts_ensure)
                ),
                mock.patch.object(slips, "_issue", _timed(spent, "codes", slips._issue)),
                mock.patch.object(slips, "_render", _timed(spent, "pdf", slips._render)),
            ):
                started, cpu = time.perf_counter(), time.process_time()
                job = slips.slip_job_run(job=job)
                total, cpu = time.perf_counter() - started, time.process_time() - cpu
            if job.status != SlipJob.Status.READY or job.total != MEMBERS:
                raise RuntimeError(f"slips: {job.status} {job.total} {job.failure}")
    return [
        ("accounts_sheet_20k_s", total, "s"),
        ("accounts_sheet_20k_accounts_s", spent["accounts"], "s"),
        ("accounts_sheet_20k_codes_s", spent["codes"], "s"),
        ("accounts_sheet_20k_pdf_s", spent["pdf"], "s"),
        # This process's CPU time (the database's is not in it): the wall time above stretches
        # with whatever else the machine runs.
        ("accounts_sheet_20k_cpu_s", cpu, "s"),
        ("accounts_sheet_20k_accounts_cpu_s", spent["accounts_cpu"], "s"),
        ("accounts_sheet_20k_codes_cpu_s", spent["codes_cpu"], "s"),
        ("accounts_sheet_20k_pdf_cpu_s", spent["pdf_cpu"], "s"),
    ]
