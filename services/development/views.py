"""Portal pages of member development: the pipeline board, a person's timeline with the guards of
the next stage, and the forms that record steps, assign contact persons and sponsors, advance the
stage, extend or end probation. The procedure template with the institution's local steps is in
template_views.py.

Views parse, authorize through the Scope (a dossier outside it is a 404) and call one selector or
service; the services check permissions again and hold every rule.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel import inputs
from services.kernel.web import run_and_redirect, run_service
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for
from services.procedures.models import Stage

from . import contacts, selectors, services
from . import guards as g
from .common import can_manage_development
from .forms import ContactForm, DateForm, DossierForm, EndForm, ExtendForm, ReviewForm, StepForm
from .models import Dossier, DossierContact, DossierDocument, DossierStep, LocalStep


def _dossier_or_404(request: HttpRequest, pk: int) -> Dossier:
    try:
        return selectors.dossier_get(acting_user=request.user, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _require_manage(request: HttpRequest, dossier: Dossier) -> None:
    """Checked before a form is shown; the services check the same (``can_manage_development``)."""
    if not can_manage_development(acting_user=request.user, branch=dossier.branch):
        raise PermissionDenied(_("您无权管理“%(unit)s”的发展党员工作。") % {"unit": dossier.branch.name})


def _managed_branches(scope: Scope) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        scope.units_q(manage=True), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True
    ).order_by("path")


def _full_members(dossier: Dossier) -> QuerySet[Member]:
    """Full members of the dossier's branch: who may be a contact person or a sponsor."""
    return Member.objects.filter(branch=dossier.branch, status=Member.Status.NORMAL).order_by("name", "id")


def _votes_url() -> str:
    try:
        return reverse("votes:list")
    except NoReverseMatch:
        return ""


# --- board and timeline ---------------------------------------------------------------------------


BOARD_BRANCH = inputs.Id("branch", allow_empty=True)
BOARD_Q = inputs.Text("q", max_length=50)
STEP = inputs.Text("step", max_length=40)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    branch_id = BOARD_BRANCH.read(request.GET)
    q = BOARD_Q.read(request.GET)
    columns = selectors.board(acting_user=request.user, today=timezone.localdate(), branch_id=branch_id, q=q)
    branches = OrgUnit.objects.filter(scope.units_q(), kind=OrgUnit.Kind.BRANCH).order_by("path")
    return render(
        request,
        "development/board.html",
        {
            "columns": columns,
            "branches": branches,
            "branch_id": str(branch_id or ""),
            "q": q,
            "can_create": scope.is_manager,
            "is_admin": scope.everything,
            "total": sum(column.count for column in columns),
        },
    )


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    scope = scope_for(request.user)
    today = timezone.localdate()
    next_stage = g.NEXT_STAGE.get(Stage(dossier.stage)) if dossier.stage != Stage.ENDED else None
    guards = g.current_guards(dossier, today=today)
    steps = list(dossier.steps.all())
    rows = selectors.procedure_rows(on=dossier.applied_on)
    done = {s.code for s in steps if s.review != DossierStep.Review.REJECTED}
    return render(
        request,
        "development/dossier.html",
        {
            "dossier": dossier,
            "steps": steps,
            "guards": guards,
            "next_stage": Stage(next_stage).label if next_stage else "",
            "by_vote": next_stage in (Stage.PROBATIONARY, Stage.FULL),
            "manages": can_manage_development(acting_user=request.user, branch=dossier.branch, scope=scope),
            "contacts": list(dossier.contacts.all()),
            "contact_form": ContactForm(members=_full_members(dossier), initial={"assigned_on": today}),
            "checklist": [
                (row, row.template_step is not None and row.local_step is None and row.template_step.code in done)
                for row in rows
            ],
            "votes_url": _votes_url(),
        },
    )


# --- writes ----------------------------------------------------------------------------------------


@login_required
def dossier_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_manager:
        raise PermissionDenied(_("您无权新建发展档案。"))
    form = DossierForm(
        request.POST or None, branches=_managed_branches(scope), initial={"applied_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.dossier_create(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=lambda dossier: _("已新建“%(name)s”的发展档案。") % {"name": dossier.name},
            redirect_to=lambda dossier: redirect("development:dossier", pk=dossier.pk),
        )
        if done.response:
            return done.response
    return render(request, "development/form.html", {"form": form, "title": _("登记入党申请"), "multipart": False})


@login_required
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    _require_manage(request, dossier)
    rows = selectors.recordable_rows(dossier, selectors.procedure_rows(on=dossier.applied_on))
    # The label names the documents the step produces, so the secretary knows what to upload.
    choices = [
        (row.value, f"{row.number}. {row.title}" + (f"（{'、'.join(row.documents)}）" if row.documents else ""))
        for row in rows
    ]
    initial_step = STEP.read(request.GET)
    form = StepForm(
        request.POST or None,
        request.FILES or None,
        choices=choices,
        members=Member.objects.filter(branch=dossier.branch).order_by("name", "id"),
        initial={"occurred_on": timezone.localdate(), "step": initial_step},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data["step"]
        kind = (data["document_kind"] or "").strip()
        if not kind:
            row = next((r for r in rows if r.value == chosen), None)
            kind = row.documents[0] if row and row.documents else ""
        uploads = [services.Upload(kind=kind, filename=f.name, stream=f) for f in data["documents"]]
        target: dict[str, Any] = {}
        if chosen.startswith("local:"):
            target["local_step"] = get_object_or_404(LocalStep, pk=int(chosen.split(":", 1)[1]), active=True)
        else:
            target["code"] = chosen.split(":", 1)[1]
        done = run_service(
            request,
            lambda: services.dossier_step_record(
                dossier=dossier,
                acting_user=request.user,
                occurred_on=data["occurred_on"],
                ends_on=data["ends_on"],
                hours=data["hours"],
                days=data["days"],
                note=data["note"],
                actor_members=data["actor_members"],
                uploads=uploads,
                **target,
            ),
            form=form,
            success=_("步骤已记录，待审核。"),
            redirect_to=redirect("development:dossier", pk=dossier.pk),
        )
        if done.response:
            return done.response
    return render(
        request,
        "development/form.html",
        {
            "form": form,
            "title": _("记录步骤：%(name)s") % {"name": dossier.name},
            "multipart": True,
            "dossier": dossier,
        },
    )


@login_required
@require_POST
def step_review(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        step = DossierStep.objects.select_related("dossier").get(pk=pk)
        dossier = _dossier_or_404(request, step.dossier_id)
    except DossierStep.DoesNotExist:
        raise Http404 from None
    form = ReviewForm(request.POST)
    back = redirect("development:dossier", pk=dossier.pk)
    if not form.is_valid():
        return back
    return run_and_redirect(
        request,
        lambda: services.dossier_step_review(
            step=step,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        success=_("审核已记录。"),
        to=back,
        joined="；",
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = get_object_or_404(DossierDocument.objects.select_related("step"), pk=pk)
    _dossier_or_404(request, document.step.dossier_id)  # the reader must see the dossier
    stream = services.dossier_document_open(document=document, acting_user=request.user)
    return FileResponse(stream, as_attachment=True, filename=document.filename, content_type=document.content_type)


@login_required
@require_POST
def contact_assign(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    form = ContactForm(request.POST, members=_full_members(dossier))
    if form.is_valid():
        run_service(
            request,
            lambda: contacts.dossier_contact_assign(dossier=dossier, acting_user=request.user, **form.cleaned_data),
            success=_("已确定%(role)s。") % {"role": DossierContact.Role(form.cleaned_data["role"]).label},
            joined="；",
        )
    else:
        messages.error(request, _("请选择正式党员和日期。"))
    return redirect("development:dossier", pk=dossier.pk)


@login_required
@require_POST
def contact_end(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(DossierContact, pk=pk)
    dossier = _dossier_or_404(request, contact.dossier_id)
    contacts.dossier_contact_end(contact=contact, ended_on=timezone.localdate(), acting_user=request.user)
    messages.success(request, _("已解除。"))
    return redirect("development:dossier", pk=dossier.pk)


@login_required
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the guards of the next stage on the chosen date, then a confirmation; POST: advance."""
    dossier = _dossier_or_404(request, pk)
    _require_manage(request, dossier)
    next_stage = g.NEXT_STAGE.get(Stage(dossier.stage)) if dossier.stage != Stage.ENDED else None
    if next_stage is None:
        raise Http404
    today = timezone.localdate()
    form = DateForm(request.POST or request.GET or None, initial={"on_date": today})
    on_date = form.cleaned_data["on_date"] if form.is_bound and form.is_valid() else today
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.dossier_advance(
                dossier=dossier, to_stage=next_stage, on_date=on_date, acting_user=request.user
            ),
            form=form,
            success=_("已转为“%(stage)s”。") % {"stage": Stage(next_stage).label},
            redirect_to=redirect("development:dossier", pk=dossier.pk),
        )
        if done.response:
            return done.response
    guards = g.guards_for(dossier, to_stage=next_stage, on=on_date, today=today)
    return render(
        request,
        "development/advance.html",
        {
            "dossier": dossier,
            "form": form,
            "guards": guards,
            "next_stage": Stage(next_stage).label,
            "by_vote": next_stage in (Stage.PROBATIONARY, Stage.FULL),
            "ready": not g.blocking_failures(guards),
            "on_date": on_date.isoformat(),
            "votes_url": _votes_url(),
        },
    )


@login_required
def probation_extend(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    _require_manage(request, dossier)
    if dossier.stage != Stage.PROBATIONARY:
        raise Http404
    form = ExtendForm(request.POST or None, initial={"on_date": timezone.localdate(), "months": 6})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.dossier_probation_extend(dossier=dossier, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("已延长预备期。"),
            redirect_to=redirect("development:dossier", pk=dossier.pk),
        )
        if done.response:
            return done.response
    rule = g.extension_guard(dossier, months=0, on=timezone.localdate())  # its title and citation state the rule
    return render(
        request,
        "development/form.html",
        {
            "form": form,
            "title": _("延长预备期：%(name)s") % {"name": dossier.name},
            "multipart": False,
            "dossier": dossier,
            "rule_note": f"{rule.title}（{rule.citation}）",
        },
    )


@login_required
def dossier_end(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    _require_manage(request, dossier)
    form = EndForm(request.POST or None, initial={"on_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.dossier_end(
                dossier=dossier,
                reason=form.cleaned_data["reason"],
                on_date=form.cleaned_data["on_date"],
                acting_user=request.user,
            ),
            form=form,
            success=_("发展档案已终止。"),
            redirect_to=redirect("development:dossier", pk=dossier.pk),
        )
        if done.response:
            return done.response
    title = _("取消预备党员资格") if dossier.stage == Stage.PROBATIONARY else _("终止发展")
    return render(
        request,
        "development/form.html",
        {"form": form, "title": f"{title}：{dossier.name}", "multipart": False, "dossier": dossier, "danger": True},
    )
