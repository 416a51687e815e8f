"""Transfer pages and API: managers only, and the receiver sees the envelope only until it accepts."""

from __future__ import annotations

from django.urls import reverse

from services.audit.models import AuditEvent
from services.members import national_id
from services.members.models import Member
from services.storage.backends import get_storage
from services.transfers import moves
from services.transfers.models import IncomingLetter, Transfer
from services.transfers.services import transfer_letter_send
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.members.helpers import person
from tests.transfers.helpers import graduate, side


def test_a_plain_member_is_refused_the_transfer_pages(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        plain = person(s.tree.branch_x, "plain")
    client = client_for(inst_a, plain)
    assert client.get(reverse("transfers:transfer_list")).status_code == 403
    assert client.get("/api/transfers/").status_code == 403


def test_before_acceptance_b_sees_no_id_number_phone_family_or_history(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        sa = side("a")
        member = graduate(sa.tree.branch_x)
        transfer = transfer_letter_send(
            member=member, to_institution=inst_b, reason="保密原因甲", acting_user=sa.secretary
        )
    with in_schema(inst_b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
    client = client_for(inst_b, sb.secretary)
    secrets = [
        member.national_id,
        national_id.mask(member.national_id),
        "13800138000",
        "家属甲",
        "优秀党员",
        "保密原因甲",
    ]
    for url in (
        reverse("transfers:transfer_list"),
        reverse("transfers:incoming", kwargs={"pk": entry.pk}),
        "/api/transfers/incoming/",
        f"/api/transfers/incoming/{entry.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert member.name in body and transfer.number in body
        for secret in secrets:
            assert secret not in body, (url, secret)

    # After acceptance the record is B's: the member page shows it (masked, as any record).
    response = client.post(
        reverse("transfers:incoming_accept", kwargs={"pk": entry.pk}), {"target_branch": sb.tree.branch_x.pk}
    )
    assert response.status_code == 302
    with in_schema("public"):
        moves.move_letters(letter_ids=[str(transfer.letter_id)])
    with in_schema(inst_b):
        arrived = Member.objects.get(national_id_index=member.national_id_index)
    page = client.get(reverse("members:detail", kwargs={"pk": arrived.pk})).content.decode()
    assert "家属甲" in page


def test_the_sender_lists_its_letters_and_downloads_the_pdf_audited(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = MemberFactory(branch=s.tree.branch_x)
    client = client_for(inst_a, s.secretary)
    response = client.post(
        reverse("transfers:external_new", kwargs={"pk": member.pk}),
        {"to_organization": "中共某某公司委员会", "reason": "就业"},
    )
    assert response.status_code == 302
    with in_schema(inst_a):
        transfer = Transfer.objects.get(member=member)
    assert transfer.number in client.get(reverse("transfers:transfer_list")).content.decode()
    assert client.get(reverse("transfers:detail", kwargs={"pk": transfer.pk})).status_code == 200
    pdf = client.get(reverse("transfers:letter_pdf", kwargs={"pk": transfer.pk}))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    with in_schema(inst_a):
        assert AuditEvent.objects.filter(detail__action="transfer.letter_downloaded").count() == 1
    stub = client.post(
        reverse("transfers:stub_return", kwargs={"pk": transfer.pk}),
        {"returned_on": transfer.issued_on.isoformat(), "receiving_org": "中共某某公司委员会"},
    )
    assert stub.status_code == 302
    with in_schema(inst_a):
        assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.STUB_RETURNED
    get_storage().delete(transfer.pdf_key)


def test_internal_transfer_page_and_api(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = MemberFactory(branch=s.tree.branch_x)
        other = MemberFactory(branch=s.tree.branch_x)
    client = client_for(inst_a, s.secretary)
    page = client.get(reverse("transfers:internal_new", kwargs={"pk": member.pk}))
    assert page.status_code == 200 and "Z支部" in page.content.decode()
    response = client.post(
        reverse("transfers:internal_new", kwargs={"pk": member.pk}), {"to_branch": s.tree.branch_y.pk, "reason": "调整"}
    )
    assert response.status_code == 302
    api = client.post(
        "/api/transfers/",
        {"kind": "internal", "member": other.pk, "to_branch": s.tree.branch_z.pk, "reason": "调整"},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    with in_schema(inst_a):
        assert Member.objects.get(pk=member.pk).branch == s.tree.branch_y
        assert Member.objects.get(pk=other.pk).branch == s.tree.branch_z
    listing = client.get("/api/transfers/?kind=internal").json()
    assert listing["count"] == 2


def test_batch_pages_preview_then_run_with_a_polled_status(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        for i in range(3):
            graduate(s.tree.branch_x, number=f"S{i}")
    client = client_for(inst_a, s.secretary)
    form = {
        "destination": "external",
        "to_organization": "中共某市人才中心委员会",
        "reason": "毕业",
        "branch": s.tree.branch_x.pk,
        "category": "student",
        "numbers": "",
    }
    preview = client.post(reverse("transfers:batch_new"), form)
    assert preview.status_code == 200 and "将转接 3 人" in preview.content.decode()
    from unittest import mock

    from services.transfers import tasks

    with mock.patch("tenants.queueing.publish"):
        confirmed = client.post(reverse("transfers:batch_new"), {**form, "confirmed": "1"})
    assert confirmed.status_code == 302
    batch_id = confirmed.url.rstrip("/").rsplit("/", 1)[1]
    status = client.get(reverse("transfers-batch-status", kwargs={"pk": batch_id})).json()
    assert (status["status"], status["total"], status["processed"]) == ("queued", 3, 0)
    page = client.get(reverse("transfers:batch", kwargs={"pk": batch_id})).content.decode()
    assert "data-batch-status" in page
    with in_schema(inst_a):
        tasks.run_batch.run(inst_a.schema_name, batch_id)
    assert client.get(reverse("transfers-batch-status", kwargs={"pk": batch_id})).json()["ok_count"] == 3
    csv = client.get(reverse("transfers:batch_export", kwargs={"pk": batch_id})).content.decode()
    assert csv.count("成功") == 3
    with in_schema(inst_a):
        for t in Transfer.objects.filter(batch_id=batch_id):
            get_storage().delete(t.pdf_key)


def test_the_senders_record_page_shows_the_transfer_in_its_history(inst_a: Institution, inst_b: Institution) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        sa = side("a")
        member = graduate(sa.tree.branch_x)
        transfer = transfer_letter_send(member=member, to_institution=inst_b, reason="毕业", acting_user=sa.secretary)
    with in_schema(inst_b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
    client_for(inst_b, sb.secretary).post(
        reverse("transfers:incoming_accept", kwargs={"pk": entry.pk}), {"target_branch": sb.tree.branch_x.pk}
    )
    with in_schema("public"):
        moves.move_letters(letter_ids=[str(transfer.letter_id)])
    page = client_for(inst_a, sa.secretary).get(reverse("members:detail", kwargs={"pk": member.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    assert transfer.number in body and "已转出" in body
