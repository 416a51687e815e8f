"""Portal pages of the procedure template of member development: the standard steps and the
institution's local steps, which only its administrators set (views as in views.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_service
from services.organization.scope import scope_for
from services.procedures.models import TemplateStep
from services.procedures.selectors import template_in_force

from . import selectors, services
from .common import can_set_local_steps
from .forms import LocalStepForm
from .models import LocalStep


@login_required
def template_page(request: HttpRequest) -> HttpResponse:
    """The standard steps (read-only) and, for the institution's administrators, the local steps."""
    scope = scope_for(request.user)
    template = template_in_force()
    steps = (
        TemplateStep.objects.filter(template=template).order_by("number") if template else TemplateStep.objects.none()
    )
    form = LocalStepForm(request.POST or None, steps=steps)
    if request.method == "POST":
        if not can_set_local_steps(acting_user=request.user, scope=scope):
            raise PermissionDenied(_("只有学校管理员可以设置本校步骤。"))
        if form.is_valid():
            done = run_service(
                request,
                lambda: services.local_step_save(
                    acting_user=request.user,
                    after_step=form.cleaned_data["after_step"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    documents=form.document_list(),
                ),
                form=form,
                success=_("已添加本校步骤。"),
                redirect_to="development:template",
            )
            if done.response:
                return done.response
    return render(
        request,
        "development/template.html",
        {
            "template": template,
            "rows": selectors.procedure_rows(include_inactive=True),
            "form": form,
            "is_admin": can_set_local_steps(acting_user=request.user, scope=scope),
        },
    )


@login_required
@require_POST
def local_step_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    local = get_object_or_404(LocalStep.objects.select_related("after_step"), pk=pk)
    services.local_step_save(
        acting_user=request.user,
        local_step=local,
        after_step=local.after_step,
        title=local.title,
        description=local.description,
        documents=list(local.documents),
        active=not local.active,
    )
    messages.success(request, _("已更新本校步骤。"))
    return redirect("development:template")
