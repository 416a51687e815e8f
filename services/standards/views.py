"""Pages of 标准化建设 in an institution (docs/standards.md): the year's branches in the user's
scope with their assessment's step and score; one branch's assessment with its automatic
evidence, documents and links, every point explained, and the forms of whoever it waits for.
A branch or assessment outside the user's scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.inputs import posted_id, report_year
from services.kernel.web import run_and_redirect
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from services.storage.backends import get_storage

from . import assessing, spot_checks, workflow
from .models import Assessment, Evidence
from .workflow import LinkTarget


def _year(request: HttpRequest) -> int:
    return report_year(request.GET.get("year"), timezone.localdate().year)


def _seeing(user: Any) -> None:
    scope = scope_for(user)
    if not (scope.everything or scope.seen_paths):
        raise PermissionDenied(_("标准化建设考评由支部书记、院系党委和学校党委办理。"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _seeing(request.user)
    year = _year(request)
    found = {a.unit_id: a for a in assessing.assessments_for(request.user, year=year)}
    rows = [(unit, found.get(unit.pk)) for unit in assessing.branches_for(request.user)]
    waiting = [a for a in found.values() if assessing.may_review(request.user, a)]
    return render(
        request,
        "standards/home.html",
        {
            "year": year,
            "rows": rows,
            "waiting": waiting,
            "system": assessing.system_for_year(year),
            "is_admin": scope_for(request.user).everything,
        },
    )


def _branch(request: HttpRequest, pk: int) -> OrgUnit:
    unit = get_object_or_404(OrgUnit, pk=pk, kind=OrgUnit.Kind.BRANCH)
    if not scope_for(request.user).covers_unit(unit):
        raise Http404
    return unit


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("unit"), pk=pk)
    if not assessing.may_see(request.user, assessment):
        raise Http404
    return assessment


def _page(unit: OrgUnit, year: int) -> str:
    return reverse("standards:branch", kwargs={"pk": unit.pk}) + f"?year={year}"


@login_required
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _branch(request, pk)
    year = _year(request)
    assessment = Assessment.objects.filter(unit=unit, year=year).first()
    system = assessing.system_of(assessment) if assessment else assessing.system_for_year(year)
    context: dict[str, Any] = {"unit": unit, "year": year, "assessment": assessment, "system": system}
    if system is not None and assessment is not None:
        result = assessing.score(assessment, system)
        evidence: dict[int, list[Evidence]] = {}
        for piece in assessment.evidence.all():
            evidence.setdefault(piece.node_id, []).append(piece)
        context |= {
            "result": result,
            "sections": [
                {
                    "area": area,
                    "items": [
                        {
                            "result": item,
                            "evidence": [
                                (e, evidence.get(e.key, []), assessment.notes.get(str(e.key), ""))
                                for e in item.item.evidence
                            ],
                        }
                        for item in area.items
                    ],
                }
                for area in result.areas
            ],
            "editable": assessment.status == Assessment.Status.SELF and assessing.may_self_assess(request.user, unit),
            "reviewing": assessing.may_review(request.user, assessment),
            "closed": assessing.closed_message(system),
            "steps": assessment.steps.select_related("acted_by"),
            "spot_check": spot_checks.spot_check_of(assessment),
        }
    context["may_start"] = assessment is None and system is not None and assessing.may_self_assess(request.user, unit)
    return render(request, "standards/branch.html", context)


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _branch(request, pk)
    year = _year(request)
    return run_and_redirect(
        request,
        lambda: workflow.assessment_start(unit=unit, year=year, acting_user=request.user),
        to=_page(unit, year),
        refusals=True,
    )


def _node_id(request: HttpRequest) -> int:
    """An evidence point's key: a committee node's id, or minus a local item node's id."""
    raw = request.POST.get("node", "")
    return -posted_id(raw[1:]) if raw.startswith("-") else posted_id(raw)


@login_required
@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a document or a link to an evidence point, or remove one (``remove``: its id)."""
    assessment = _assessment(request, pk)
    back = _page(assessment.unit, assessment.year)
    remove = request.POST.get("remove", "")
    if remove:
        piece = get_object_or_404(Evidence, pk=posted_id(remove), assessment=assessment)
        return run_and_redirect(
            request,
            lambda: workflow.evidence_remove(evidence=piece, acting_user=request.user),
            success=_("已删除“%(t)s”。") % {"t": piece.title},
            to=back,
            refusals=True,
        )
    upload = request.FILES.get("file")
    link = None
    if request.POST.get("link"):
        link = LinkTarget(request.POST.get("title", ""), request.POST.get("link", ""))
    return run_and_redirect(
        request,
        lambda: workflow.evidence_add(
            assessment=assessment,
            node_id=_node_id(request),
            acting_user=request.user,
            upload=upload,
            filename=upload.name if upload is not None and upload.name else "",
            link=link,
        ),
        success=_("已添加佐证材料。"),
        to=back,
        refusals=True,
    )


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    piece = get_object_or_404(Evidence.objects.select_related("assessment__unit"), pk=pk, kind=Evidence.Kind.UPLOAD)
    if not assessing.may_see(request.user, piece.assessment):
        raise Http404
    stream = get_storage().open(piece.storage_key)
    return FileResponse(stream, as_attachment=True, filename=piece.filename, content_type=piece.content_type)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return run_and_redirect(
        request,
        lambda: workflow.note_save(
            assessment=assessment,
            node_id=_node_id(request),
            text=request.POST.get("text", ""),
            acting_user=request.user,
        ),
        success=_("已保存说明。"),
        to=_page(assessment.unit, assessment.year),
        refusals=True,
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return run_and_redirect(
        request,
        lambda: workflow.assessment_submit(
            assessment=assessment, comment=request.POST.get("comment", ""), acting_user=request.user
        ),
        success=_("已提交自评。"),
        to=_page(assessment.unit, assessment.year),
        refusals=True,
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    approve = request.POST.get("decision") == "approve"
    return run_and_redirect(
        request,
        lambda: workflow.assessment_review(
            assessment=assessment, approve=approve, comment=request.POST.get("comment", ""), acting_user=request.user
        ),
        success=_("已审核通过。") if approve else _("已退回。"),
        to=_page(assessment.unit, assessment.year),
        refusals=True,
    )
