"""The reminder sources of the member record (docs/domain.md#reminders); the tree's are in
services/organization/reminders.py.

Each source runs a couple of set-based queries for the whole institution (no query per member)
and yields ``Due`` items for everything due within the lead time or already overdue:

- ``members.probation_ending``: a probationary member's probation ends ``probation.months``
  after the joining date (the admission meeting), the rule in force on that date; listed from
  ``reminders.lead_days`` before the end. Recipients: the member and the branch's managers.
  Members whose development dossier is in the probationary stage are left to the pipeline's
  own ``development.probation_end`` source (services/development/reminders.py).
- ``members.abroad_contact``: a member abroad (an open ``TimeAbroad`` row) is contacted at
  least every ``abroad.contact_months``, counted from the last contact (else the departure);
  listed from ``reminders.lead_days`` before. Recipients: the member and the branch's managers.
- ``members.retained_limit``: a graduate keeps the relationship at the school for at most
  ``retained.max_years`` from the day they became retained (the effective date of the latest
  status change to ``retained`` in the member's history); listed from ``reminders.lead_days``
  before. A member marked retained with no such history row (imported without the
  保留组织关系起始日期 column) has no known start: the branch's managers get one item asking for
  it, due on the scan date, until an import records it.

An item is overdue when ``due_on`` is before the scan date. Each ``Due`` carries the rule key
that produced its date and the rule's citation (``RuleValue.explanation``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.apps import apps
from django.utils.translation import gettext as _

from services.reminders.dates import add_months, add_years, rule_by_date
from services.reminders.recipients import managers
from services.reminders.registry import Due, reminder_source, url_maker
from services.rules.resolver import rule

from .models import Member, TimeAbroad
from .selectors import retained_since
from .status import OFF_ROLL_STATUSES

LEAD_DAYS = "reminders.lead_days"
PROBATION_MONTHS = "probation.months"
ABROAD_CONTACT_MONTHS = "abroad.contact_months"
RETAINED_MAX_YEARS = "retained.max_years"

PROBATION_ENDING = "members.probation_ending"
ABROAD_CONTACT = "members.abroad_contact"
RETAINED_LIMIT = "members.retained_limit"


def _horizon(today: date) -> date:
    return today + timedelta(days=rule(LEAD_DAYS, on=today).number)


@reminder_source(PROBATION_ENDING)
def probation_ending(today: date) -> Iterator[Due]:
    # Translated once, formatted per item (thousands of items per scan).
    title, detail = (
        _("%(name)s的预备期届满，应讨论转正"),
        _("%(branch)s · 入党日期 %(joined)s · 预备期 %(months)s 个月"),
    )
    horizon = _horizon(today)
    months_on = rule_by_date(PROBATION_MONTHS, today=today)
    who = managers(on=today)
    url = url_maker("members:detail")
    probationary = Member.objects.filter(status=Member.Status.PROBATIONARY, joined_on__isnull=False)
    if apps.is_installed("services.development"):
        # A probationary member whose development dossier is in the probationary stage is the
        # development pipeline's ``development.probation_end`` (it knows extensions): one
        # reminder per probation, not two.
        probationary = probationary.exclude(dossier__stage="probationary")
    rows = probationary.values_list("pk", "name", "joined_on", "branch_id", "branch__name", "user_id").order_by("pk")
    for pk, name, joined_on, branch_id, branch_name, user_id in rows:
        assert joined_on is not None  # filtered above
        months = months_on(joined_on)
        ends_on = add_months(joined_on, months.number)
        if ends_on > horizon:
            continue
        yield Due(
            key=f"{PROBATION_ENDING}:{pk}:{ends_on.isoformat()}",
            kind=PROBATION_ENDING,
            title=title % {"name": name},
            detail=detail % {"branch": branch_name, "joined": joined_on.isoformat(), "months": months.number},
            due_on=ends_on,
            recipient_ids=who.with_member(branch_id, user_id),
            url=url(pk),
            rule_key=months.key,
            citation=months.explanation,
            member_id=pk,
        )


@reminder_source(ABROAD_CONTACT)
def abroad_contact(today: date) -> Iterator[Due]:
    # Translated once, formatted per item (thousands of items per scan).
    title, detail = (
        _("%(name)s在国（境）外，应与党组织联系"),
        _("%(branch)s · %(country)s · 最近联系 %(last)s · 至少每 %(months)s 个月联系一次"),
    )
    horizon = _horizon(today)
    months_on = rule_by_date(ABROAD_CONTACT_MONTHS, today=today)
    who = managers(on=today)
    url = url_maker("members:detail")
    rows = (
        TimeAbroad.objects.filter(returned_on__isnull=True)
        .exclude(member__status__in=OFF_ROLL_STATUSES)
        .values_list(
            "pk",
            "country",
            "left_on",
            "last_contact_on",
            "member_id",
            "member__name",
            "member__branch_id",
            "member__branch__name",
            "member__user_id",
        )
        .order_by("pk")
    )
    for pk, country, left_on, last_contact_on, member_id, name, branch_id, branch_name, user_id in rows:
        last = last_contact_on or left_on
        months = months_on(last)
        due_on = add_months(last, months.number)
        if due_on > horizon:
            continue
        yield Due(
            key=f"{ABROAD_CONTACT}:{pk}:{due_on.isoformat()}",
            kind=ABROAD_CONTACT,
            title=title % {"name": name},
            detail=detail
            % {"branch": branch_name, "country": country, "last": last.isoformat(), "months": months.number},
            due_on=due_on,
            recipient_ids=who.with_member(branch_id, user_id),
            url=url(member_id),
            rule_key=months.key,
            citation=months.explanation,
            member_id=member_id,
        )


@reminder_source(RETAINED_LIMIT)
def retained_limit(today: date) -> Iterator[Due]:
    # Translated once, formatted per item (thousands of items per scan).
    title, detail = (
        _("%(name)s毕业后在校保留组织关系将满 %(years)s 年"),
        _("%(branch)s · 自 %(since)s 起保留，期满前应转出组织关系"),
    )
    unknown_title, unknown_detail = (
        _("%(name)s在校保留组织关系的起始日期未登记"),
        _("%(branch)s · 无法计算 %(years)s 年期满日期：请在导入名册的“保留组织关系起始日期”列补登"),
    )
    horizon = _horizon(today)
    years_on = rule_by_date(RETAINED_MAX_YEARS, today=today)
    rows = list(
        Member.objects.filter(status=Member.Status.RETAINED)
        .values_list("pk", "name", "branch_id", "branch__name", "user_id")
        .order_by("pk")
    )
    if not rows:
        return
    since = retained_since()
    who = managers(on=today)
    url = url_maker("members:detail")
    for pk, name, branch_id, branch_name, user_id in rows:
        start = since.get(pk)
        if start is None:
            # Imported as retained without the start date: asked of the managers (the member
            # cannot record it), keyed once per member so it is sent once, and gone once recorded.
            years = years_on(today)
            yield Due(
                key=f"{RETAINED_LIMIT}:{pk}:unknown",
                kind=RETAINED_LIMIT,
                title=unknown_title % {"name": name},
                detail=unknown_detail % {"branch": branch_name, "years": years.number},
                due_on=today,
                recipient_ids=who.of_unit(branch_id),
                url=url(pk),
                rule_key=years.key,
                citation=years.explanation,
                member_id=pk,
            )
            continue
        years = years_on(start)
        limit_on = add_years(start, years.number)
        if limit_on > horizon:
            continue
        yield Due(
            key=f"{RETAINED_LIMIT}:{pk}:{limit_on.isoformat()}",
            kind=RETAINED_LIMIT,
            title=title % {"name": name, "years": years.number},
            detail=detail % {"branch": branch_name, "since": start.isoformat()},
            due_on=limit_on,
            recipient_ids=who.with_member(branch_id, user_id),
            url=url(pk),
            rule_key=years.key,
            citation=years.explanation,
            member_id=pk,
        )
