"""Democratic appraisal (民主评议党员): self-assessment and peer ratings by the branch's members,
counts seen by the branch committee alone, and a conclusion that goes onto the member records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from services.audit.models import AuditEvent
from services.members.models import AppraisalResult, Member, MemberChange
from services.organization.models import AdminGrant
from services.orglife import appraisal as service
from services.orglife.models import Appraisal, PeerRating
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import MemberFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db

YEAR = 2026
EXCELLENT, QUALIFIED, BASIC = "excellent", "qualified", "basic"


def open_appraisal(branch: Branch, **fields) -> Appraisal:  # type: ignore[no-untyped-def]
    return service.appraisal_open(
        acting_user=fields.pop("acting_user", branch.secretary),
        branch=branch.unit,
        year=fields.pop("year", YEAR),
        rating_closes_on=fields.pop("rating_closes_on", timezone.localdate() + timedelta(days=7)),
    )


def user_of(inst: Institution, member: Member) -> object:
    member.user = make_user(inst, username=f"ap_{member.pk}")
    member.save(update_fields=["user"])
    return member.user


def subject_id(appraisal: Appraisal, member: Member) -> int:
    return appraisal.subjects.get(member=member).pk


def test_the_branch_members_on_the_roll_are_appraised(branch: Branch) -> None:
    MemberFactory(branch=branch.unit, status=Member.Status.TRANSFERRED_OUT, name="已转出者")
    appraisal = open_appraisal(branch)
    names = set(appraisal.subjects.values_list("name", flat=True))
    assert names == {m.name for m in branch.members + branch.probationary}
    with pytest.raises(ValidationError) as refused:
        open_appraisal(branch)
    assert "已经开始" in str(refused.value)


def test_a_plain_member_cannot_open_one(branch: Branch, inst_a: Institution) -> None:
    with pytest.raises(PermissionDenied):
        open_appraisal(branch, acting_user=user_of(inst_a, branch.members[5]))
    assert not Appraisal.objects.exists()


def test_members_assess_themselves_and_rate_the_others_but_not_themselves(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    rater = user_of(inst_a, branch.members[4])
    service.appraisal_self_submit(acting_user=rater, appraisal=appraisal, text="  认真学习，按时交纳党费。 ")
    assert appraisal.subjects.get(member=branch.members[4]).self_assessment == "认真学习，按时交纳党费。"
    other = subject_id(appraisal, branch.members[5])
    assert service.appraisal_rate(acting_user=rater, appraisal=appraisal, grades={other: QUALIFIED}) == 1
    service.appraisal_rate(acting_user=rater, appraisal=appraisal, grades={other: EXCELLENT})  # changes it
    assert list(PeerRating.objects.values_list("grade", flat=True)) == [EXCELLENT]
    with pytest.raises(ValidationError) as refused:
        service.appraisal_rate(
            acting_user=rater, appraisal=appraisal, grades={subject_id(appraisal, branch.members[4]): EXCELLENT}
        )
    assert "不能评议自己" in str(refused.value)
    with pytest.raises(ValidationError):
        service.appraisal_rate(acting_user=rater, appraisal=appraisal, grades={other: "superb"})
    rated = AuditEvent.objects.filter(event="appraisal.rated").last()
    assert rated is not None and rated.after == {"rated": 1}  # how many, never the grades


def test_someone_not_on_the_list_and_a_late_rating_are_refused(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    outsider = make_user(inst_a, username="ap_outsider")
    with pytest.raises(PermissionDenied):
        service.appraisal_self_submit(acting_user=outsider, appraisal=appraisal, text="自评")
    Appraisal.objects.filter(pk=appraisal.pk).update(rating_closes_on=timezone.localdate() - timedelta(days=1))
    appraisal.refresh_from_db()
    rater = user_of(inst_a, branch.members[4])
    with pytest.raises(ValidationError) as refused:
        service.appraisal_rate(
            acting_user=rater, appraisal=appraisal, grades={subject_id(appraisal, branch.members[5]): QUALIFIED}
        )
    assert "截止" in str(refused.value)


def test_only_the_branch_committee_sees_the_counts(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    target = subject_id(appraisal, branch.members[6])
    for member, grade in ((branch.members[4], EXCELLENT), (branch.members[5], EXCELLENT), (branch.members[7], BASIC)):
        service.appraisal_rate(acting_user=user_of(inst_a, member), appraisal=appraisal, grades={target: grade})
    tally = {row.subject.pk: row for row in service.appraisal_tally(acting_user=branch.secretary, appraisal=appraisal)}
    assert tally[target].counts == {EXCELLENT: 2, QUALIFIED: 0, BASIC: 1, "unqualified": 0}
    assert (tally[target].rated_by, tally[target].suggested) == (3, EXCELLENT)
    peer = branch.members[4].user
    admin = make_user(inst_a, username="ap_admin")
    AdminGrant.objects.create(user=admin, role=AdminGrant.Role.UNIT_ADMIN, unit=branch.unit)  # manages, not on it
    for outsider in (peer, admin):
        with pytest.raises(PermissionDenied):
            service.appraisal_tally(acting_user=outsider, appraisal=appraisal)
    url = reverse("orglife_appraisal:detail", kwargs={"pk": appraisal.pk})
    assert "互评汇总" in client_for(inst_a, branch.secretary).get(url).content.decode()
    as_peer = client_for(inst_a, peer).get(url).content.decode()
    assert "互评汇总" not in as_peer and "评议其他党员" in as_peer


def test_the_conclusion_goes_onto_the_records_and_closes_the_appraisal(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    subjects = list(appraisal.subjects.all())
    partial = {s.pk: (QUALIFIED, "") for s in subjects[1:]}
    with pytest.raises(ValidationError) as refused:
        service.appraisal_conclude(
            acting_user=branch.secretary, appraisal=appraisal, conclusions=partial, concluded_on=timezone.localdate()
        )
    assert subjects[0].name in str(refused.value) and not AppraisalResult.objects.exists()
    everyone = {**partial, subjects[0].pk: (EXCELLENT, "表现突出")}
    service.appraisal_conclude(
        acting_user=branch.secretary, appraisal=appraisal, conclusions=everyone, concluded_on=timezone.localdate()
    )
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.CONCLUDED
    assert AppraisalResult.objects.count() == len(subjects)
    best = AppraisalResult.objects.get(member=subjects[0].member)
    assert (best.year, best.grade, best.note, best.branch_name) == (YEAR, EXCELLENT, "表现突出", branch.unit.name)
    assert MemberChange.objects.filter(kind="appraisal").count() == len(subjects)
    with pytest.raises(ValidationError):
        service.appraisal_rate(
            acting_user=user_of(inst_a, branch.members[4]),
            appraisal=appraisal,
            grades={subject_id(appraisal, branch.members[5]): QUALIFIED},
        )
    record = client_for(inst_a, branch.secretary).get(reverse("members:detail", kwargs={"pk": subjects[0].member.pk}))
    assert "民主评议" in record.content.decode() and "优秀" in record.content.decode()


def test_pages_open_rate_and_conclude(branch: Branch, inst_a: Institution) -> None:
    secretary = client_for(inst_a, branch.secretary)
    response = secretary.post(
        reverse("orglife_appraisal:open"),
        {
            "branch": branch.unit.pk,
            "year": YEAR,
            "rating_closes_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302
    member_user = user_of(inst_a, branch.members[4])
    target = subject_id(appraisal, branch.members[5])
    client_for(inst_a, member_user).post(
        reverse("orglife_appraisal:rate", kwargs={"pk": appraisal.pk}), {f"s{target}": QUALIFIED}
    )
    assert PeerRating.objects.get().grade == QUALIFIED
    body = {"concluded_on": timezone.localdate().isoformat()}
    body |= {f"g{s.pk}": QUALIFIED for s in appraisal.subjects.all()}
    secretary.post(reverse("orglife_appraisal:conclude", kwargs={"pk": appraisal.pk}), body)
    assert AppraisalResult.objects.filter(grade=QUALIFIED).count() == appraisal.subjects.count()


def test_the_list_shows_my_appraisals_and_my_scopes_not_another_branchs(branch: Branch, inst_a: Institution) -> None:
    from tests.factories import OrgUnitFactory

    mine = open_appraisal(branch)
    elsewhere = OrgUnitFactory(name="第九党支部")
    Appraisal.objects.create(branch=elsewhere, year=YEAR, rating_closes_on=timezone.localdate())
    member_user = user_of(inst_a, branch.members[4])
    seen = set(service.appraisals_seen(acting_user=member_user))
    assert seen == {mine}
    assert set(service.appraisals_seen(acting_user=branch.secretary)) == {mine}
    page = client_for(inst_a, member_user).get(reverse("orglife_appraisal:list")).content.decode()
    assert branch.unit.name in page and "第九党支部" not in page
