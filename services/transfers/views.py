"""Portal pages of transfers, mounted at "transfers/" on institution sites. Managers only. The
batch pages (a transfer of many people at once) are in batch_views.py.

Views parse, authorize and call one selector or service. An object outside the user's scope is
a 404 (never a 403 that would confirm it exists); a user who manages nothing gets a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.inputs import Text
from services.kernel.web import run_and_redirect, run_service
from services.members.models import Member
from services.members.record import masked
from services.organization.scope import Scope, scope_for
from services.transfer_exchange.models import ExchangeLetter

from . import selectors, services
from .forms import AcceptForm, ExternalForm, InternalForm, PlatformForm, RejectForm, StubForm
from .models import IncomingLetter, Transfer, TransferArrival

LIST_SHOWN = 200
PICK_Q = Text("q", max_length=50)


def _manager(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能办理组织关系转接。"))
    return scope


def _member(request: HttpRequest, pk: int) -> Member:
    _manager(request)
    try:
        return selectors.managed_member_get(acting_user=request.user, pk=pk)
    except Member.DoesNotExist:
        raise Http404 from None


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    _manager(request)
    try:
        return selectors.transfer_get(acting_user=request.user, pk=pk)
    except Transfer.DoesNotExist:
        raise Http404 from None


def _incoming(request: HttpRequest, pk: int) -> selectors.Incoming:
    _manager(request)
    try:
        return selectors.incoming_get(acting_user=request.user, pk=pk)
    except IncomingLetter.DoesNotExist:
        raise Http404 from None


def _summary(member: Member) -> dict[str, Any]:
    return {"member": member, **masked(member)}


@login_required
@never_cache
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Outgoing letters (platform and PDF), incoming letters, and internal transfers."""
    scope = _manager(request)
    today = timezone.localdate()
    transfers = list(selectors.transfer_list(acting_user=request.user, scope=scope)[:LIST_SHOWN])
    for transfer in transfers:
        transfer.overdue = selectors.is_overdue(transfer, today=today)  # type: ignore[attr-defined]
    incoming = selectors.incoming_list(acting_user=request.user, scope=scope)
    return render(
        request,
        "transfers/transfer_list.html",
        {
            "outgoing": [t for t in transfers if t.kind != Transfer.Kind.INTERNAL],
            "internal": [t for t in transfers if t.kind == Transfer.Kind.INTERNAL],
            "incoming": incoming[:LIST_SHOWN],
            "incoming_pending": sum(1 for i in incoming if i.letter.status == ExchangeLetter.Status.PENDING),
            "pending_batches": selectors.pending_batches(incoming),
            "batches": selectors.batch_list(acting_user=request.user)[:10],
        },
    )


@login_required
def member_pick(request: HttpRequest) -> HttpResponse:
    """Find the person to transfer (name prefix or student/staff number)."""
    _manager(request)
    q = PICK_Q.read(request.GET)
    members = list(selectors.managed_members(acting_user=request.user, q=q)) if q else []
    return render(request, "transfers/pick.html", {"q": q, "members": members})


def _new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    member = _member(request, pk)
    form: Form
    if kind == Transfer.Kind.INTERNAL:
        branches = selectors.open_branches().exclude(pk=member.branch_id)
        form = InternalForm(request.POST or None, branches=branches)
    elif kind == Transfer.Kind.PLATFORM:
        form = PlatformForm(request.POST or None, institutions=selectors.other_institutions())
    else:
        form = ExternalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: _send(kind, member=member, data=form.cleaned_data, acting_user=request.user),
            form=form,
            success=lambda sent: sent[1],
            redirect_to=lambda sent: redirect("transfers:detail", pk=sent[0].pk),
        )
        if done.response:
            return done.response
    return render(request, "transfers/new.html", {**_summary(member), "form": form, "kind": kind})


def _send(kind: str, *, member: Member, data: dict[str, Any], acting_user: Any) -> tuple[Transfer, str]:
    """The transfer of ``kind``, and what the page says of it."""
    if kind == Transfer.Kind.INTERNAL:
        transfer = services.transfer_internal(
            member=member, to_branch=data["to_branch"], reason=data["reason"], acting_user=acting_user
        )
        return transfer, _("已转入“%(b)s”。") % {"b": data["to_branch"].name}
    if kind == Transfer.Kind.PLATFORM:
        transfer = services.transfer_letter_send(
            member=member, to_institution=data["to_institution"], reason=data["reason"], acting_user=acting_user
        )
        return transfer, _("介绍信 %(n)s 已发出，等待对方学校接收。") % {"n": transfer.number}
    transfer = services.transfer_letter_issue(
        member=member, to_organization=data["to_organization"], reason=data["reason"], acting_user=acting_user
    )
    return transfer, _("介绍信 %(n)s 已开具，可下载打印。") % {"n": transfer.number}


@login_required
def internal_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _new(request, pk, Transfer.Kind.INTERNAL)


@login_required
def platform_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _new(request, pk, Transfer.Kind.PLATFORM)


@login_required
def external_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _new(request, pk, Transfer.Kind.EXTERNAL)


@login_required
@never_cache
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    return render(
        request,
        "transfers/detail.html",
        {
            **_summary(transfer.member),
            "transfer": transfer,
            "overdue": selectors.is_overdue(transfer),
            "stub_form": StubForm() if transfer.status == Transfer.Status.ISSUED else None,
        },
    )


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    transfer = _transfer(request, pk)
    if not transfer.pdf_key:
        raise Http404
    try:
        handle = services.transfer_letter_open(transfer=transfer, acting_user=request.user)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=f"介绍信-{transfer.number}.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def stub_return(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = StubForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.transfer_stub_return(
                transfer=transfer,
                returned_on=form.cleaned_data["returned_on"],
                receiving_org=form.cleaned_data["receiving_org"],
                acting_user=request.user,
            ),
            success=_("已登记回执。"),
            joined="；",
        )
    else:
        messages.error(request, _("请填写回执日期和接收党组织。"))
    return redirect("transfers:detail", pk=transfer.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    return run_and_redirect(
        request,
        lambda: services.transfer_letter_cancel(transfer=transfer, acting_user=request.user),
        success=_("介绍信已撤回。"),
        to=redirect("transfers:detail", pk=transfer.pk),
        joined="；",
    )


@login_required
@never_cache
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the receiver sees before deciding: the envelope only."""
    item = _incoming(request, pk)
    return render(
        request,
        "transfers/incoming.html",
        {
            "item": item,
            "letter": item.letter,
            "expired": item.letter.valid_until < timezone.localdate(),
            "arrival": TransferArrival.objects.filter(letter_id=item.letter.pk).first(),
            "accept_form": AcceptForm(branches=selectors.open_branches(acting_user=request.user, manage=True)),
            "reject_form": RejectForm(),
        },
    )


def _accept(request: HttpRequest, entries: list[IncomingLetter]) -> tuple[int, dict[str, str]]:
    form = AcceptForm(request.POST, branches=selectors.open_branches(acting_user=request.user, manage=True))
    if not form.is_valid():
        raise ValidationError(_("请选择您管理的接收支部。"))
    ids, problems = services.incoming_accept(
        incoming=entries, target_branch=form.cleaned_data["target_branch"], acting_user=request.user
    )
    return len(ids), problems


@login_required
@require_POST
def incoming_accept(request: HttpRequest, pk: int) -> HttpResponse:
    item = _incoming(request, pk)
    # A refusal (not the receiving side's manager) is said on the letter's page, not as a 403.
    done = run_service(request, lambda: _accept(request, [item.entry]), joined="；", refusals=True)
    if done.value is not None:
        accepted, problems = done.value
        for problem in problems.values():
            messages.error(request, problem)
        if accepted:
            messages.success(request, _("已接收，档案正在转入，稍后刷新即可看到。"))
    return redirect("transfers:incoming", pk=item.entry.pk)


@login_required
@require_POST
def incoming_reject(request: HttpRequest, pk: int) -> HttpResponse:
    item = _incoming(request, pk)
    form = RejectForm(request.POST)
    back = redirect("transfers:incoming", pk=item.entry.pk)
    if not form.is_valid():
        messages.error(request, _("请填写退回原因。"))
        return back
    return run_and_redirect(
        request,
        lambda: services.incoming_reject(
            incoming=item.entry, reason=form.cleaned_data["reason"], acting_user=request.user
        ),
        success=_("已退回，转出学校会看到退回原因。"),
        to=back,
        joined="；",
        refusals=True,
    )


@login_required
def incoming_batch(request: HttpRequest, batch_id: str) -> HttpResponse:
    """Accept every pending letter of one sender's batch into one branch."""
    _manager(request)
    items = selectors.incoming_of_batch(acting_user=request.user, batch_id=batch_id)
    if request.method == "POST" and items:
        done = run_service(request, lambda: _accept(request, [i.entry for i in items]), joined="；", refusals=True)
        if done.value is not None:
            accepted, problems = done.value
            messages.success(request, _("已接收 %(n)s 封介绍信，档案正在转入。") % {"n": accepted})
            for number, problem in list(problems.items())[:20]:
                messages.error(request, f"{number}：{problem}")
            return redirect("transfers:transfer_list")
    return render(
        request,
        "transfers/incoming_batch.html",
        {
            "items": items,
            "batch_id": batch_id,
            "accept_form": AcceptForm(branches=selectors.open_branches(acting_user=request.user, manage=True)),
        },
    )
