"""Console pages where the municipal committee keeps indicator systems for standardized branches
(services/standards): the list, the tree editor of a draft, publishing, new versions, .xlsx export
and import, and a preview against one institution's de-identified facts. Committee users and
operators only."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.inputs import ascii_int, posted_id, report_year
from services.kernel.web import run_and_redirect, run_service
from services.oversight.models import UnitFact
from services.standards import selectors, services, spot_checks, workbook
from services.standards.forms import NodeForm, SystemCreateForm, SystemSettingsForm
from services.standards.models import IndicatorNode, IndicatorSystem, SpotCheck
from services.standards.preview import preview
from services.standards.scoring import Figure
from services.storage.uploads import max_upload_bytes
from tenants.models import Institution

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def publisher_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not selectors.may_publish(request.user):
            raise PermissionDenied(_("只有市教育工委或平台运维人员可以管理指标体系。"))
        return view(request, *args, **kwargs)

    return wrapper


def _system_url(system: IndicatorSystem) -> str:
    return reverse("console:standards_system", kwargs={"pk": system.pk})


@publisher_required
@never_cache
def system_list(request: HttpRequest) -> HttpResponse:
    form = SystemCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.system_create(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("已新建指标体系草稿。"),
            redirect_to=_system_url,
        )
        if done.response:
            return done.response
    return render(request, "console/standards_list.html", {"form": form, "systems": selectors.system_list()})


@publisher_required
@require_POST
def system_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 .xlsx 文件。"))
        return redirect("console:standards_systems")
    if upload.size is not None and upload.size > max_upload_bytes():
        messages.error(request, _("文件太大。"))
        return redirect("console:standards_systems")
    return run_and_redirect(
        request,
        lambda: workbook.import_system(upload=upload, filename=upload.name or "", acting_user=request.user),
        success=_("已导入为新的草稿，请检查后发布。"),
        to=_system_url,
        on_error="console:standards_systems",
        prefix=_("未导入："),
    )


def _editor_context(system: IndicatorSystem, settings_form: SystemSettingsForm | None = None) -> dict[str, Any]:
    tree = selectors.tree(system)
    rows = [
        {"node": node, "depth": depth, "number": number, "form": NodeForm.for_node(node)}
        for node, depth, number in tree
    ]
    return {
        "system": system,
        "rows": rows,
        "settings_form": settings_form or SystemSettingsForm.for_system(system),
        "area_form": NodeForm(kind=IndicatorNode.Kind.AREA, prefix="new"),
        "item_form": NodeForm(kind=IndicatorNode.Kind.ITEM, prefix="new"),
        "evidence_form": NodeForm(kind=IndicatorNode.Kind.EVIDENCE, prefix="new"),
        "problems": [] if system.is_published else services.system_problems(system),
        "institutions": Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("name"),
        "metric_label": selectors.metric_label,
        "areas": [node for node, _depth, _n in tree if node.kind == IndicatorNode.Kind.AREA],
        "items": [node for node, _depth, _n in tree if node.kind == IndicatorNode.Kind.ITEM],
    }


@publisher_required
@never_cache
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    return render(request, "console/standards_system.html", _editor_context(system))


@publisher_required
@require_POST
def system_settings(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    form = SystemSettingsForm.for_system(system, request.POST)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.system_update(system=system, acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("已保存设置。"),
            redirect_to=_system_url(system),
        )
        if done.response:
            return done.response
    return render(request, "console/standards_system.html", _editor_context(system, form), status=400)


def _parent(system: IndicatorSystem, raw: str | None) -> IndicatorNode | None:
    if not raw:
        return None
    return get_object_or_404(IndicatorNode, pk=posted_id(raw), system=system)


@publisher_required
@require_POST
def node_change(request: HttpRequest, pk: int) -> HttpResponse:
    """One change to the tree, by ``op``: add (a ``kind`` under ``parent``), edit, move (under
    ``parent``) or remove ``node``."""
    system = get_object_or_404(IndicatorSystem, pk=pk)
    op = request.POST.get("op", "")
    back = _system_url(system)
    if op == "add":
        kind = request.POST.get("kind", "")
        form = NodeForm(request.POST, kind=kind, prefix="new")
        if kind not in IndicatorNode.Kind.values or not form.is_valid():
            return _form_refused(request, form, back)
        parent = _parent(system, request.POST.get("parent"))
        return run_and_redirect(
            request,
            lambda: services.node_add(
                system=system, parent=parent, kind=kind, acting_user=request.user, **form.service_fields()
            ),
            success=_("已添加。"),
            to=back,
        )
    if op not in ("edit", "remove", "move"):
        messages.error(request, _("不认识的操作。"))
        return redirect(back)
    node = get_object_or_404(IndicatorNode, pk=posted_id(request.POST.get("node")), system=system)
    if op == "move":
        target = _parent(system, request.POST.get("parent"))
        return run_and_redirect(
            request,
            lambda: services.node_move(node=node, parent=target, acting_user=request.user),
            success=_("已移动“%(t)s”。") % {"t": node.title},
            to=back,
        )
    if op == "edit":
        form = NodeForm.for_node(node, request.POST)
        if not form.is_valid():
            return _form_refused(request, form, back)
        return run_and_redirect(
            request,
            lambda: services.node_update(node=node, acting_user=request.user, **form.service_fields()),
            success=_("已保存“%(t)s”。") % {"t": form.cleaned_data["title"]},
            to=back,
        )
    return run_and_redirect(
        request,
        lambda: services.node_remove(node=node, acting_user=request.user),
        success=_("已删除“%(t)s”及其下级指标。") % {"t": node.title},
        to=back,
    )


def _form_refused(request: HttpRequest, form: NodeForm, back: str) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
    if not form.errors:
        messages.error(request, _("请选择要添加的层级。"))
    return redirect(back)


@publisher_required
@require_POST
def system_publish(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    return run_and_redirect(
        request,
        lambda: services.system_publish(system=system, acting_user=request.user),
        success=_("已发布，各校即可看到并据此自评。"),
        to=_system_url(system),
        prefix=_("未发布："),
    )


@publisher_required
@require_POST
def system_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    return run_and_redirect(
        request,
        lambda: services.system_new_version(system=system, acting_user=request.user),
        success=lambda draft: _("已新建第 %(v)s 版草稿。") % {"v": draft.version},
        to=_system_url,
        on_error=_system_url(system),
    )


@publisher_required
@never_cache
def system_delete(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != system.name:
            messages.error(request, _("请输入指标体系名称以确认删除。"))
        else:
            done = run_service(
                request,
                lambda: services.system_delete(system=system, acting_user=request.user),
                success=_("已删除草稿“%(n)s”。") % {"n": system.name},
                redirect_to="console:standards_systems",
            )
            if done.response:
                return done.response
    return render(request, "console/standards_delete.html", {"system": system})


@publisher_required
def system_export(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    response = HttpResponse(workbook.export(system), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="standards-{system.year}-v{system.version}.xlsx"'
    return response


def _facts(institution: Institution, system: IndicatorSystem) -> dict[str, dict[str, Figure]]:
    """The institution's published facts per branch for the system's year and metrics."""
    facts: dict[str, dict[str, Figure]] = {}
    rows = UnitFact.objects.filter(
        institution=institution, period=str(system.year), unit_kind="branch", metric__in=selectors.metrics_used(system)
    ).values_list("unit_path", "metric", "suppressed", "numerator", "denominator")
    for path, metric, suppressed, numerator, denominator in rows:
        figure = Figure(0, 0, known=False) if suppressed else Figure(numerator or 0, denominator or 0)
        facts.setdefault(path, {})[metric] = figure
    return facts


@publisher_required
@never_cache
def system_preview(request: HttpRequest, pk: int) -> HttpResponse:
    system = get_object_or_404(IndicatorSystem, pk=pk)
    code = request.GET.get("institution", "")
    institution = Institution.objects.filter(code=code).first() if code else None
    branches = preview(system, facts=_facts(institution, system)) if institution else []
    return render(
        request,
        "console/standards_preview.html",
        {
            "system": system,
            "chosen": institution,
            "branches": branches,
            "institutions": Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("name"),
            "problems": [] if system.is_published else services.system_problems(system),
        },
    )


def _candidates(year: int) -> list[spot_checks.Candidate]:
    """Branches with a published result for ``year``: the "standards.score" facts, by unit path."""
    rows = UnitFact.objects.filter(
        metric="standards.score", period=str(year), unit_kind="branch", suppressed=False
    ).values_list("institution_id", "unit_path", "numerator")
    return [
        spot_checks.Candidate(inst, path, Decimal(numerator) / 10 if numerator is not None else None)
        for inst, path, numerator in rows
    ]


@publisher_required
@never_cache
def spot_check_list(request: HttpRequest) -> HttpResponse:
    """Draw a random sample of branches from the published results (op=draw: year, count), and
    record a check (op=record: check, score, comment). Branches are paths of ids: no names."""
    year = report_year(request.POST.get("year") or request.GET.get("year"), timezone.localdate().year)
    back = reverse("console:standards_spot_checks") + f"?year={year}"
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "draw":
            raw = request.POST.get("count", "")
            return run_and_redirect(
                request,
                lambda: spot_checks.spot_check_draw(
                    year=year, candidates=_candidates(year), count=ascii_int(raw) or 0,
                    acting_user=request.user,
                ),
                success=lambda rows: _("已抽取 %(n)s 个支部。") % {"n": len(rows)},
                to=back,
            )  # fmt: skip
        if op == "record":
            check = get_object_or_404(SpotCheck, pk=posted_id(request.POST.get("check")))
            try:
                score = Decimal(request.POST.get("score", "")).quantize(Decimal("0.1"))
            except InvalidOperation:
                messages.error(request, _("抽查得分应为数字，如 85 或 85.5。"))
                return redirect(back)
            return run_and_redirect(
                request,
                lambda: spot_checks.spot_check_record(
                    check=check, score=score, comment=request.POST.get("comment", ""), acting_user=request.user
                ),
                success=_("已记录抽查结果。"),
                to=back,
            )
        messages.error(request, _("不认识的操作。"))
        return redirect(back)
    checks = SpotCheck.objects.filter(year=year).order_by("institution_id", "unit_path")
    names = dict(Institution.objects.values_list("pk", "name"))
    return render(
        request,
        "console/standards_spot_checks.html",
        {
            "year": year,
            "rows": [(c, names.get(c.institution_id, "")) for c in checks],
            "available": len(_candidates(year)),
        },
    )
