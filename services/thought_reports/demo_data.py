"""Demo data of 思想汇报: in the demo secretary's branch, an activist who signs in as ``activist``
(the demo password), whose contact person in charge (培养联系人) is the demo ``member`` (a full
member; otherwise a full member of the branch signing in as ``contact``). The activist has one
report already accepted (filed into the dossier) and one waiting for the contact person, so that
`make run` shows history, due dates and a review queue at once; the activist then writes another
and the contact person returns it with a note. Idempotent: nothing is added once ``activist``
exists."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.development.models import Dossier, DossierContact
from services.members.models import Member
from services.organization.models import Position
from services.procedures.models import Stage

from . import services

ACCEPTED_BODY = (
    "近三个月来，我认真学习了党章和习近平新时代中国特色社会主义思想，参加了支部组织的党课和主题党日活动。"
    "通过学习，我对党的性质和宗旨有了更深的认识，也看到了自己在理论联系实际方面的不足。"
    "今后我将继续加强学习，在学习和工作中以党员标准严格要求自己。"
)
WAITING_BODY = (
    "本季度我参加了学院组织的志愿服务活动，在服务同学的过程中体会到了“全心全意为人民服务”的含义。"
    "我将把这份体会落实到日常学习和生活中，请党组织继续考察。"
)


def _account(username: str, *, like: User, name: str) -> User:
    """A demo account with the same (demo) password as ``like``, already activated."""
    user = User(username=username, display_name=name, password=like.password, activated_at=timezone.now())
    user.save()
    return user


def _contact(branch_id: int, demo_member_user: User) -> tuple[Member, User] | None:
    member = Member.objects.filter(user=demo_member_user).first()
    if member is not None and member.status == Member.Status.NORMAL and member.branch_id == branch_id:
        return member, demo_member_user
    other = Member.objects.filter(branch_id=branch_id, status=Member.Status.NORMAL, user__isnull=True).first()
    if other is None:
        return None
    return other, _account("contact", like=demo_member_user, name=other.name)


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    if User.objects.filter(username="activist").exists():
        return
    position = Position.objects.filter(kind=Position.Kind.SECRETARY, member__user__username="secretary").first()
    secretary = User.objects.filter(username="secretary").first()
    demo_member = User.objects.filter(username="member").first()
    if position is None or secretary is None or demo_member is None:
        return
    dossier = (
        Dossier.objects.filter(branch_id=position.unit_id, stage=Stage.ACTIVIST, user__isnull=True)
        .order_by("activist_on", "pk")
        .first()
    )
    found = _contact(position.unit_id, demo_member)
    if dossier is None or found is None:
        return
    contact_member, contact_user = found
    activist = _account("activist", like=demo_member, name=dossier.name)
    Dossier.objects.filter(pk=dossier.pk).update(user=activist)
    DossierContact.objects.filter(dossier=dossier, role=DossierContact.Role.CONTACT, ended_on__isnull=True).update(
        ended_on=date.today()
    )
    DossierContact.objects.create(
        dossier=dossier,
        member=contact_member,
        role=DossierContact.Role.CONTACT,
        assigned_on=dossier.activist_on or date.today(),
    )
    first = services.report_save(acting_user=activist, title="第一季度思想汇报", body=ACCEPTED_BODY, submit=True)
    first = services.report_review(acting_user=contact_user, report=first, accept=True, note="学习认真，体会真实。")
    services.report_review(acting_user=secretary, report=first, accept=True, note="同意。")
    services.report_save(acting_user=activist, title="参加志愿服务的体会", body=WAITING_BODY, submit=True)
