"""会议程序模板: the published procedure of every meeting type in force today, its steps with the
records they need and the institution's own steps after them; the institution's administrators
add a step of their own or switch one off (minutes already started keep their checklist)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.procedures.models import MeetingStep
from services.procedures.selectors import meeting_variants

from .minutes_checklist import can_set_local_steps, checklist, local_meeting_step_save
from .models import LocalMeetingStep, Meeting


class LocalStepForm(forms.Form):
    after_step = forms.ModelChoiceField(label=gettext_lazy("位于哪一步之后"), queryset=MeetingStep.objects.none())
    title = forms.CharField(label=gettext_lazy("步骤"), max_length=100)
    record_required = forms.BooleanField(label=gettext_lazy("须有记录（未记录不能定稿）"), required=False)
    record_hint = forms.CharField(label=gettext_lazy("记录内容"), max_length=200, required=False)

    def __init__(self, *args: Any, steps: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["after_step"].queryset = steps  # type: ignore[attr-defined]
        self.fields["after_step"].label_from_instance = (  # type: ignore[attr-defined]
            lambda step: f"{step.template.title} · {step.number}. {step.title}"
        )


def _templates() -> list[Any]:
    return [template for kind in Meeting.Kind.values for template in meeting_variants(kind=kind)]


@login_required
def templates_page(request: HttpRequest) -> HttpResponse:
    templates = _templates()
    steps = (
        MeetingStep.objects.filter(template__in=templates)
        .select_related("template")
        .order_by("template__kind", "template__variant", "number")
    )
    can_edit = can_set_local_steps(acting_user=request.user)
    form = LocalStepForm(request.POST if request.method == "POST" else None, steps=steps)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有学校管理员可以设置本校会议步骤。"))
        if form.is_valid():
            done = run_service(
                request,
                lambda: local_meeting_step_save(acting_user=request.user, **form.cleaned_data),
                form=form,
                success=_("已添加本校会议步骤。"),
                redirect_to="orglife_templates:page",
            )
            if done.response:
                return done.response
    rows = [(template, checklist(template)) for template in templates]
    switched_off = LocalMeetingStep.objects.filter(active=False, after_step__template__in=templates).select_related(
        "after_step__template"
    )
    return render(
        request,
        "orglife/templates.html",
        {"rows": rows, "form": form, "can_edit": can_edit, "switched_off": list(switched_off) if can_edit else []},
    )


@login_required
@require_POST
def local_step_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_set_local_steps(acting_user=request.user):
        raise PermissionDenied(_("只有学校管理员可以设置本校会议步骤。"))
    step = LocalMeetingStep.objects.filter(pk=pk).select_related("after_step").first()
    if step is None:
        raise Http404
    return run_and_redirect(
        request,
        lambda: local_meeting_step_save(
            acting_user=request.user,
            after_step=step.after_step,
            title=step.title,
            record_required=step.record_required,
            record_hint=step.record_hint,
            description=step.description,
            local_step=step,
            active=not step.active,
        ),
        to=redirect("orglife_templates:page"),
        success=_("已停用该步骤。") if step.active else _("已启用该步骤。"),
    )
