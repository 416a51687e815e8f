"""Member pages of the portal: my record, the roster, a member's record with its history, the
editor, audited reveals and status changes.

Views parse, authorize and call one selector or service. Who may see what is the Scope of
services/organization/scope.py: a member outside it is a 404 (never a 403 that would confirm
it exists); a member in sight but not managed gets a 403 on every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.web import run_service
from services.organization.models import OrgUnit, Position
from services.organization.scope import Scope, scope_for

from . import selectors, services
from .forms import MemberForm, RevealForm, RosterFilterForm, StatusChangeForm
from .models import AppraisalResult, Member, MemberChange
from .record import masked

ROSTER_PAGE_SIZE = 50
HISTORY_SHOWN = 100
# Statuses nothing leads out of (services.TRANSITIONS): they are confirmed before they are set.
TERMINAL_STATUSES = frozenset(status for status, targets in services.TRANSITIONS.items() if not targets)

HISTORY_KINDS = {
    "created": gettext_lazy("新建档案"),
    "updated": gettext_lazy("修改档案"),
    "status": gettext_lazy("党籍状态变更"),
    "imported": gettext_lazy("导入"),
    "transferred": gettext_lazy("组织关系转接"),
    "branch_merged": gettext_lazy("支部合并"),
    "appraisal": gettext_lazy("民主评议"),
}
# History entries carry these besides Member fields.
HISTORY_EXTRA_FIELDS = {
    "effective_on": gettext_lazy("生效日期"),
    "retained_since": gettext_lazy("保留组织关系起始日期"),  # imports.columns.RETAINED_SINCE
    "appraisal": gettext_lazy("民主评议结果"),  # appraisals.py, with AppraisalResult.Grade's codes
}


# --- helpers ------------------------------------------------------------------------------------


def _sees_roster(scope: Scope) -> bool:
    """A roster is for those who see some part of the tree (committee members, admins); a plain
    member's scope is their own record only. (Scope has no such property yet.)"""
    return scope.everything or bool(scope.seen_paths)


def _member_or_404(request: HttpRequest, pk: int) -> Member:
    try:
        return selectors.member_get(acting_user=request.user, pk=pk)
    except Member.DoesNotExist:
        raise Http404 from None


def _require_manage(request: HttpRequest, member: Member, scope: Scope) -> None:
    """Checked before a form is shown or a confirmation asked; the services check the same
    (``can_manage_members``) again."""
    if not services.can_manage_members(acting_user=request.user, branch=member.branch, scope=scope):
        raise PermissionDenied(_("您无权管理“%(unit)s”的党员。") % {"unit": member.branch.name})


def _managed_branches(scope: Scope, *, keep: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Branches the user may put a member in: open branches they manage (and the member's
    current branch, so that a record in a closed branch can still be edited)."""
    open_or_kept = Q(closed_on__isnull=True)
    if keep is not None:
        open_or_kept |= Q(pk=keep.pk)
    units = OrgUnit.objects.filter(scope.units_q(manage=True), open_or_kept, kind=OrgUnit.Kind.BRANCH)
    return units.order_by("path")


def _load_record_sets(member: Member) -> Member:
    prefetch_related_objects(
        [member],
        Prefetch("positions", queryset=Position.objects.select_related("unit")),
        "rewards",
        "appraisals",
        "time_abroad",
        "hardships",
        "family",
    )
    return member


def _record_context(member: Member) -> dict[str, Any]:
    """What members/_record.html shows: the record with its sets, masked values, and for a
    retained graduate the day the retention began (None: not recorded)."""
    retained = member.status == Member.Status.RETAINED
    return {
        "member": _load_record_sets(member),
        **masked(member),
        "retained_since": selectors.retained_since([member.pk]).get(member.pk) if retained else None,
    }


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    change: MemberChange
    kind: str
    fields: list[FieldChange]


def _member_field(name: str) -> Any:
    try:
        return Member._meta.get_field(name)
    except FieldDoesNotExist:  # effective_on, or a field removed since the entry was written
        return None


def _field_value(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field == "appraisal":
        choices = dict(AppraisalResult.Grade.choices)
    else:
        choices = dict(getattr(_member_field(field), "flatchoices", None) or [])
    return str(choices.get(value, value))


def _field_label(field: str) -> str:
    if field in HISTORY_EXTRA_FIELDS:
        return str(HISTORY_EXTRA_FIELDS[field])
    model_field = _member_field(field)
    return str(model_field.verbose_name) if model_field is not None else field


def _field_changes(changes: dict[str, Any]) -> list[FieldChange]:
    rows = []
    for field, values in changes.items():
        if not (isinstance(values, list) and len(values) == 2):
            continue
        row = FieldChange(_field_label(field), _field_value(field, values[0]), _field_value(field, values[1]))
        if row.before != row.after:  # a "created" entry lists every field, most of them empty
            rows.append(row)
    return rows


def _history(member: Member) -> list[HistoryEntry]:
    """The record's history for display: labels and choice values in the reader's language.
    (The history stores status/gender/category codes; sensitive values are stored masked.)"""
    return [
        HistoryEntry(
            change=change,
            kind=str(HISTORY_KINDS.get(change.kind, change.kind)),
            fields=_field_changes(change.changes or {}),
        )
        for change in selectors.member_history(member=member)[:HISTORY_SHOWN]
    ]


def _allowed_statuses(member: Member) -> list[tuple[str, str]]:
    allowed = services.TRANSITIONS[member.status]
    return [(value, str(label)) for value, label in Member.Status.choices if value in allowed]


def _render_detail(
    request: HttpRequest,
    member: Member,
    *,
    scope: Scope | None = None,
    status_form: StatusChangeForm | None = None,
    reveal_form: RevealForm | None = None,
    revealed: dict[str, str] | None = None,
) -> HttpResponse:
    scope = scope or scope_for(request.user)
    manages = services.can_manage_members(acting_user=request.user, branch=member.branch, scope=scope)
    context: dict[str, Any] = {
        **_record_context(member),
        "manages": manages,
        "sees_roster": _sees_roster(scope),
    }
    if manages:
        allowed = _allowed_statuses(member)
        context |= {
            "history": _history(member),
            "history_limit": HISTORY_SHOWN,
            "reveal_form": reveal_form or RevealForm(),
            "revealed": revealed,
            "allowed_statuses": allowed,
            "status_form": status_form or StatusChangeForm(allowed=[value for value, _label in allowed]),
        }
    return render(request, "members/detail.html", context)


# --- pages --------------------------------------------------------------------------------------


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """The signed-in member's own record, masked like everywhere else: the full ID number and
    phone are shown only through an audited reveal, which is for those who manage the record."""
    own = getattr(request.user, "member", None)  # None: this account has no member record
    context: dict[str, Any] = {"member": None}
    if own is not None:
        context = _record_context(selectors.member_get(acting_user=request.user, pk=own.pk))
    return render(request, "members/me.html", context)


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """The members the user may see, searchable and filtered, 50 a page. A constant number of
    queries per page: the branch comes with its member (select_related), masking is in Python."""
    scope = scope_for(request.user)
    if not _sees_roster(scope):
        raise PermissionDenied(_("党员名册仅对支部委员和组织管理员开放。"))
    units = OrgUnit.objects.filter(scope.units_q()).order_by("path")
    form = RosterFilterForm(request.GET, units=units)
    filters = form.filters()
    members = selectors.member_list(acting_user=request.user, scope=scope, **filters)
    page = Paginator(members, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"member": member, **masked(member)} for member in page]
    return render(
        request,
        "members/roster.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "can_create": scope.is_manager,
            "filters_open": any(filters[key] for key in ("branch_id", "status", "category")),
        },
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _member_or_404(request, pk))


@login_required
@require_POST
@never_cache  # the answer may hold a revealed value: no copy in any cache or history
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a full ID number or phone once, for a reason; services.member_reveal audits it.
    Only for those who manage the record: its own member is refused before the form is read."""
    member = _member_or_404(request, pk)
    _require_manage(request, member, scope_for(request.user))
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        field = form.cleaned_data["field"]
        done = run_service(
            request,
            lambda: services.member_reveal(
                member=member,
                field=field,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            ),
            form=form,
        )
        if done.value is not None:
            revealed = {"label": _field_label(field), "value": done.value}
            form = RevealForm()  # the next reveal asks for its own reason
    return _render_detail(request, member, reveal_form=form, revealed=revealed)


@login_required
@require_POST
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A status change; moving to a status with no way back (停止党籍, 已故, 已转出) is confirmed
    on a second page first."""
    member = _member_or_404(request, pk)
    scope = scope_for(request.user)
    _require_manage(request, member, scope)
    allowed = _allowed_statuses(member)
    form = StatusChangeForm(request.POST, allowed=[value for value, _label in allowed])
    if form.is_valid():
        data = form.cleaned_data
        to_status = data["to_status"]
        needs_confirmation = to_status in TERMINAL_STATUSES and to_status in services.TRANSITIONS[member.status]
        # Without a reason the service refuses anyway: no point in confirming first.
        if needs_confirmation and not data["confirmed"] and data["reason"]:
            return render(
                request,
                "members/status_confirm.html",
                {"member": member, "data": data, "to_label": Member.Status(to_status).label},
            )
        done = run_service(
            request,
            lambda: services.member_status_change(
                member=member,
                to_status=to_status,
                on_date=data["on_date"],
                reason=data["reason"],
                acting_user=request.user,
            ),
            form=form,
            success=_("已将 %(name)s 的党籍状态变更为“%(status)s”。")
            % {"name": member.name, "status": Member.Status(to_status).label},
            redirect_to=redirect("members:detail", pk=member.pk),
        )
        if done.response:
            return done.response
    return _render_detail(request, member, scope=scope, status_form=form)


@login_required
def member_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_manager:
        raise PermissionDenied(_("您没有新建党员档案的权限。"))
    form = MemberForm(request.POST or None, branches=_managed_branches(scope))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.member_create(acting_user=request.user, **form.service_fields()),
            form=form,
            success=lambda member: _("已新建 %(name)s 的党员档案。") % {"name": member.name},
            redirect_to=lambda member: redirect("members:detail", pk=member.pk),
        )
        if done.response:
            return done.response
    return render(request, "members/edit.html", {"form": form, "member": None})


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(request, pk)
    scope = scope_for(request.user)
    _require_manage(request, member, scope)
    form = MemberForm(request.POST or None, branches=_managed_branches(scope, keep=member.branch), member=member)
    if request.method == "POST" and form.is_valid():
        if not form.has_record_changes():
            messages.info(request, _("档案没有变化，未保存。"))
            return redirect("members:detail", pk=member.pk)
        done = run_service(
            request,
            lambda: services.member_update(
                member=member,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                **form.service_fields(),
            ),
            form=form,
            success=lambda _updated: _("已保存 %(name)s 的档案修改。") % {"name": member.name},  # the new name
            redirect_to=redirect("members:detail", pk=member.pk),
        )
        if done.response:
            return done.response
    return render(request, "members/edit.html", {"form": form, "member": member, **masked(member)})
