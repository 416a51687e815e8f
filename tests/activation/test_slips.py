"""Activation slips: who may issue them for whom, what a slip carries (read back from the PDF,
the QR code decoded), codes stored as keyed hashes that verify, earlier codes replaced, the
batch and audit rows, one download by the issuer only, and the sweep of undownloaded files."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.accounts.codes import code_digest
from services.accounts.models import ActivationBatch, ActivationCode
from services.activation import audit_events
from services.activation.links import SLIP_PATH, site_address, slip_link
from services.activation.models import SlipJob
from services.activation.selection import Selection
from services.activation.slips import slip_download, slip_job_start, slips_count, slips_sweep
from services.audit.models import AuditEvent
from services.members.models import Member
from services.organization.models import Position
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree, person, unit_admin

from .helpers import cid, link_parts, page_streams, pdf_text, qr_links


@pytest.fixture
def world(inst_a: Institution):  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, name="书记")
        dean = unit_admin(tree.college, "college_admin")
        x_members = [MemberFactory(branch=tree.branch_x, name=f"甲{i}", number=f"2026{i:04d}") for i in range(3)]
        y_member = MemberFactory(branch=tree.branch_y, name="乙一", number="20269001")
        z_member = MemberFactory(branch=tree.branch_z, name="丙一", number="20269002")
        gone = MemberFactory(branch=tree.branch_x, name="已转出", status=Member.Status.TRANSFERRED_OUT)
    return SimpleNamespace(tree=tree, secretary=secretary, dean=dean, x=x_members, y=y_member, z=z_member, gone=gone)


def _start(user, unit, **filters):  # type: ignore[no-untyped-def]
    return slip_job_start(
        acting_user=user,
        selection=Selection(unit_id=unit.pk, **filters),
        valid_days=14,
        schema_name="unused",
        language="zh-hans",
    )


def _pdf(job: SlipJob) -> bytes:
    with slip_download(acting_user=job.created_by, job=job) as content:
        return content.read()


def test_slip_link_is_the_slip_page_with_username_and_bare_code() -> None:
    link = slip_link(site="https://a.example", username="2026 01", code="ABCDE-FGH23")
    assert link == f"https://a.example{SLIP_PATH}?u=2026+01&c=ABCDEFGH23"


def test_a_secretary_issues_for_their_branch_only(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        # X's three on the roll (the secretary too: four); the transferred-out member never.
        assert slips_count(acting_user=world.secretary, selection=Selection(unit_id=world.tree.branch_x.pk)) == 4
        for unit in (world.tree.branch_y, world.tree.college, world.tree.branch_z):
            with pytest.raises(PermissionDenied):
                _start(world.secretary, unit)
        assert not SlipJob.objects.exists() and not ActivationCode.objects.exists()


def test_a_unit_admin_issues_in_their_college_only(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        assert slips_count(acting_user=world.dean, selection=Selection(unit_id=world.tree.college.pk)) == 5
        with pytest.raises(PermissionDenied):
            _start(world.dean, world.tree.branch_z)
        with pytest.raises(PermissionDenied):
            _start(world.dean, world.tree.committee)


def test_bad_days_and_filters_are_refused(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        for days in (0, 61):
            with pytest.raises(ValidationError) as refused:
                slip_job_start(
                    acting_user=world.dean,
                    selection=Selection(unit_id=world.tree.college.pk),
                    valid_days=days,
                    schema_name="x",
                    language="zh-hans",
                )
            assert "valid_days" in refused.value.message_dict
        with pytest.raises(ValidationError):
            slips_count(
                acting_user=world.dean,
                selection=Selection(unit_id=world.tree.college.pk, statuses=(Member.Status.DECEASED,)),
            )


def test_slips_carry_a_working_code_and_link(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        job = _start(world.secretary, world.tree.branch_x)
        assert job.status == SlipJob.Status.READY  # small: rendered at once
        assert job.total == 4 and job.accounts_made == 3  # the secretary had an account already
        pdf = _pdf(job)
        links = qr_links(pdf)
        assert len(links) == 4
        users = dict(Member.objects.filter(branch=world.tree.branch_x).values_list("user__username", "user_id"))
        stream = b"".join(page_streams(pdf))
        text = pdf_text(pdf)
        expires = timezone.localtime(ActivationCode.objects.filter(batch=job.batch).first().expires_at).date()  # type: ignore[union-attr]
        assert f"有效期至 {expires.isoformat()}" in text and f"{inst_a.name} · 账号激活单" in text
        for link in links:
            path, username, code = link_parts(link)
            assert path == SLIP_PATH and link.startswith(site_address()) and f"//{inst_a.code}." in link
            user_id = users[username]
            row = ActivationCode.objects.get(user_id=user_id, kind="sheet")
            assert row.digest == code_digest(user_id=user_id, kind="sheet", code=code)
            assert code not in row.digest and row.used_at is None and row.replaced_at is None
            assert row.expires_at > timezone.now() + timedelta(days=13)
            assert f"用户名：{username}" in text
            assert f"激活码：{code[:5]}-{code[5:]}" in text  # printed in two groups
        for member in world.x:
            assert f"姓名：{member.name}" in text
        assert text.count("支部：X支部") == 4 and "已转出" not in text
        assert cid("X支部") in stream
        assert not Member.objects.get(pk=world.gone.pk).user_id


def test_batch_audit_and_replaced_codes(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        first = _start(world.dean, world.tree.college)
        assert first.batch is not None and first.batch.count == 5
        again = _start(world.dean, world.tree.branch_y)
        y_user = Member.objects.get(pk=world.y.pk).user_id
        codes = ActivationCode.objects.filter(user_id=y_user).order_by("created_at", "pk")
        assert [c.replaced_at is not None for c in codes] == [True, False]
        assert ActivationBatch.objects.count() == 2
        assert ActivationBatch.objects.get(pk=again.batch_id).created_by_id == world.dean.pk
        issued = AuditEvent.objects.filter(event=audit_events.SLIPS_ISSUED)
        assert issued.count() == 2
        per_user = AuditEvent.objects.filter(event=audit_events.SLIP_ISSUED, detail__batch=first.batch_id)
        assert per_user.count() == 5


def test_only_the_not_activated_by_default(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        world.secretary.activated_at = timezone.now()
        world.secretary.save(update_fields=["activated_at"])
        selection = Selection(unit_id=world.tree.branch_x.pk)
        assert slips_count(acting_user=world.secretary, selection=selection) == 3
        everyone = Selection(unit_id=world.tree.branch_x.pk, not_activated=False)
        assert slips_count(acting_user=world.secretary, selection=everyone) == 4
        students = Selection(unit_id=world.tree.branch_x.pk, not_activated=False, category="student")
        assert slips_count(acting_user=world.secretary, selection=students) == 0


def test_one_download_by_the_issuer_then_the_file_is_gone(  # type: ignore[no-untyped-def]
    inst_a: Institution, world, django_capture_on_commit_callbacks
) -> None:
    with in_schema(inst_a):
        job = _start(world.secretary, world.tree.branch_x)
        key = job.file_key
        assert get_storage().exists(key)
        with pytest.raises(PermissionDenied):
            slip_download(acting_user=world.dean, job=job)
        with django_capture_on_commit_callbacks(execute=True):
            assert _pdf(job).startswith(b"%PDF")
        job.refresh_from_db()
        assert job.status == SlipJob.Status.DOWNLOADED and not get_storage().exists(key)
        with pytest.raises(ValidationError):
            slip_download(acting_user=world.secretary, job=job)
        assert AuditEvent.objects.filter(event=audit_events.SLIPS_DOWNLOADED).count() == 1


def test_the_sweep_deletes_what_nobody_downloaded(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        job = _start(world.secretary, world.tree.branch_x)
        assert slips_sweep() == 0 and get_storage().exists(job.file_key)
        assert slips_sweep(now=timezone.now() + timedelta(hours=25)) == 1
        assert not get_storage().exists(job.file_key)
        job.refresh_from_db()
        assert job.status == SlipJob.Status.EXPIRED
