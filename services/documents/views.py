"""Portal pages of documents: the library, upload (drag and drop, progress), detail with versions,
preview and download, new versions, restore, edit, delete (confirmed) and notice sign-off.
Thin: every read goes through selectors.py, every write through services.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.members.selectors import member_of
from services.storage.backends import get_storage
from services.storage.uploads import TEXT, allowed_description, decode_text, human_size, max_upload_bytes

from . import selectors, services, signoff
from .forms import EditForm, FilterForm, UploadForm, VersionForm
from .models import Document, DocumentVersion

PER_PAGE = 20
PREVIEW_TEXT_BYTES = 5 * 1024 * 1024


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _json_errors(form: Any) -> JsonResponse:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    return JsonResponse({"ok": False, "errors": errors}, status=400)


def create_from_form(request: HttpRequest, form: Any, *, detail: str, done: str) -> HttpResponse | None:
    """Publish what a posted ``UploadForm`` holds (institution library or console). Answers JSON
    to the page's XHR upload, else redirects to ``detail``; None: re-render the form with errors."""
    wants_json = _wants_json(request)
    if form.is_valid():
        data = form.cleaned_data
        outcome = run_service(
            request,
            lambda: services.document_create(
                acting_user=request.user,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                tags=form.tag_list(),
                requires_signoff=data["requires_signoff"],
                upload=data["file"],
                filename=data["file"].name,
                scope_unit=data.get("scope_unit"),  # absent from the console's form: None
            ),
            form=form,
            form_field="file",  # a refusal of the upload is said next to the file
            success=None if wants_json else done,
            redirect_to=lambda document: reverse(detail, kwargs={"pk": document.pk}),
        )
        if outcome.response:
            return JsonResponse({"ok": True, "url": outcome.response.url}) if wants_json else outcome.response
    if wants_json:
        return _json_errors(form)
    return None


def add_version_from_form(request: HttpRequest, document: Document, *, url: str, done: bool) -> HttpResponse:
    """Add the version a posted ``VersionForm`` holds (institution library or console). Answers
    JSON to the page's XHR upload, else redirects to ``url`` with the outcome as messages."""
    form = VersionForm(request.POST, request.FILES)
    wants_json = _wants_json(request)
    if form.is_valid():
        outcome = run_service(
            request,
            lambda: services.document_version_add(
                document=document,
                acting_user=request.user,
                upload=form.cleaned_data["file"],
                filename=form.cleaned_data["file"].name,
                note=form.cleaned_data["note"],
            ),
            form=form,
            form_field="file",
            success=(lambda version: _("已上传第 %(n)s 版。") % {"n": version.number})
            if done and not wants_json
            else None,
            redirect_to=url,
        )
        if outcome.response:
            return JsonResponse({"ok": True, "url": url}) if wants_json else outcome.response
    if wants_json:
        return _json_errors(form)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(url)


def render_receipts(
    request: HttpRequest, document: Document, *, public: bool = False, back_url: str | None = None
) -> HttpResponse:
    """Who signed the notice and who has not, among the members the manager covers (this
    institution's receipts; ``public``: a committee notice)."""
    viewer = selectors.viewer_for(request.user)
    if not viewer.scope.is_manager or not document.requires_signoff:
        raise Http404
    roll = selectors.receipt_roll(document=document, acting_user=request.user, viewer=viewer, public=public)
    only_unsigned = request.GET.get("show") != "all"
    rows = roll.filter(signed_at__isnull=True) if only_unsigned else roll
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    context = {
        "document": document,
        "page": page,
        "counts": selectors.receipt_counts(roll=roll),
        "only_unsigned": only_unsigned,
        # The institution's own notice goes back to its page (the link was empty before).
        "back_url": back_url or reverse("documents:detail", kwargs={"pk": document.pk}),
    }
    return render(request, "documents/receipts.html", context)


def _document_or_404(request: HttpRequest, pk: int) -> Document:
    try:
        return selectors.document_get(acting_user=request.user, pk=pk)
    except Document.DoesNotExist as exc:
        raise Http404 from exc


def version_or_404(document: Document, number: int) -> DocumentVersion:
    try:
        return selectors.version_get(document=document, number=number)
    except DocumentVersion.DoesNotExist as exc:
        raise Http404 from exc


def stream_version(version: DocumentVersion, *, inline: bool) -> HttpResponseBase:
    """The stored object behind a permission check the caller made. Inline only for types a
    browser shows safely (PDF, images, text re-encoded as UTF-8 plain text)."""
    storage = get_storage()
    inline = inline and version.previewable
    if not inline and settings.STORAGE_BACKEND == "s3" and settings.S3_DOWNLOAD_REDIRECT:
        # The bytes come straight from the store; the URL is only good for a minute.
        if not storage.exists(version.storage_key):
            raise Http404(_("文件在存储中不存在。"))
        url = storage.url(
            version.storage_key,
            settings.S3_DOWNLOAD_URL_EXPIRES,
            filename=version.filename,
            content_type=version.content_type,
        )
        redirect_response = HttpResponseRedirect(url)
        redirect_response["Cache-Control"] = "private, no-store"
        return redirect_response
    try:
        content = storage.open(version.storage_key)
    except FileNotFoundError as exc:
        raise Http404(_("文件在存储中不存在。")) from exc
    if inline and version.content_type == TEXT.content_type and version.size <= PREVIEW_TEXT_BYTES:
        with content:
            text = decode_text(content.read()) or ""
        response: HttpResponseBase = HttpResponse(text, content_type="text/plain; charset=utf-8")
    else:
        response = FileResponse(
            content, as_attachment=not inline, filename=version.filename, content_type=version.content_type
        )
        response["Content-Length"] = str(version.size)  # S3 bodies do not tell their length
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Whatever a file contains, it runs nothing on this site.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@login_required
@never_cache
def library(request: HttpRequest) -> HttpResponse:
    """The institution's documents the user may see (or the committee's, ``?source=public``),
    filtered by kind, tag and unit, 20 a page; a bounded number of queries whatever the page."""
    viewer = selectors.viewer_for(request.user)
    public = request.GET.get("source") == "public"
    units = None if public else selectors.library_units(viewer=viewer)
    form = FilterForm(request.GET or None, units=units)
    kind = tag = ""
    unit_id = None
    if form.is_valid():
        kind, tag = form.cleaned_data["kind"], form.cleaned_data["tag"].strip()
        unit = form.cleaned_data.get("unit")
        unit_id = unit.pk if unit else None
    if public:
        page = selectors.public_page(kind=kind, tag=tag, number=request.GET.get("page"), per_page=PER_PAGE)
        signed = selectors.public_signed_ids(viewer=viewer, ids=[document.pk for document in page.object_list])
        for document in page.object_list:
            document.signed = document.pk in signed  # type: ignore[attr-defined]
        tags: list[str] = []
    else:
        documents = selectors.document_list(
            acting_user=request.user, viewer=viewer, kind=kind, tag=tag, unit_id=unit_id
        )
        page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
        tags = selectors.tag_cloud(documents=selectors.document_list(acting_user=request.user, viewer=viewer))
    return render(
        request,
        "documents/library.html",
        {
            "form": form,
            "page": page,
            "public": public,
            "tags": tags,
            "can_upload": viewer.scope.is_manager,
        },
    )


@login_required
@never_cache
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a new document. The page's script sends the form with XHR (progress bar) and gets
    JSON back; without script the form posts normally."""
    viewer = selectors.viewer_for(request.user)
    if not viewer.scope.is_manager:
        raise PermissionDenied(_("只有支部书记、组织委员或管理员可以上传文件。"))
    units = selectors.publishable_units(user=request.user)
    form = UploadForm(
        request.POST or None, request.FILES or None, units=units, whole_institution=viewer.scope.everything
    )
    if request.method == "POST":
        answer = create_from_form(request, form, detail="documents:detail", done=_("文件已上传，正在提取文字。"))
        if answer is not None:
            return answer
    return render(
        request,
        "documents/upload.html",
        {
            "form": form,
            "max_size": human_size(max_upload_bytes()),
            "max_bytes": max_upload_bytes(),
            "allowed": allowed_description(),
        },
    )


@login_required
@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    can_manage = selectors.can_manage_document(user=request.user, document=document)
    context: dict[str, Any] = {
        "document": document,
        "versions": selectors.document_versions(document=document),
        "can_manage": can_manage,
        "version_form": VersionForm() if can_manage else None,
        "public": False,
        "max_size": human_size(max_upload_bytes()),
        "max_bytes": max_upload_bytes(),
    }
    if document.requires_signoff:
        member = member_of(request.user)
        context["can_sign"] = member is not None and (
            document.scope_unit is None or selectors.unit_contains(document.scope_unit, member.branch)
        )
        context["signed"] = bool(getattr(document, "signed", False))
        viewer = selectors.viewer_for(request.user)
        if viewer.scope.is_manager:
            context["receipt_counts"] = selectors.receipt_counts(
                roll=selectors.receipt_roll(document=document, acting_user=request.user, viewer=viewer)
            )
    return render(request, "documents/detail.html", context)


@login_required
def version_file(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """Download (or ``?inline=1`` preview) one version."""
    document = _document_or_404(request, pk)
    return stream_version(version_or_404(document, number), inline=request.GET.get("inline") == "1")


@login_required
@require_POST
def version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    if not selectors.can_manage_document(user=request.user, document=document):
        raise PermissionDenied(_("您无权修改这份文件。"))  # before the form: its errors are for those who may send it
    return add_version_from_form(request, document, url=reverse("documents:detail", kwargs={"pk": pk}), done=True)


@login_required
@require_POST
def version_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    version = version_or_404(document, number)
    restored = services.document_version_restore(document=document, version=version, acting_user=request.user)
    messages.success(request, _("已将第 %(old)s 版恢复为第 %(new)s 版。") % {"old": number, "new": restored.number})
    return redirect("documents:detail", pk=document.pk)


@login_required
@never_cache
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    if not selectors.can_manage_document(user=request.user, document=document):
        raise PermissionDenied(_("您无权修改这份文件。"))
    viewer = selectors.viewer_for(request.user)
    initial = {
        "title": document.title,
        "description": document.description,
        "tags": ", ".join(document.tags),
        "scope_unit": document.scope_unit_id,
        "requires_signoff": document.requires_signoff,
    }
    form = EditForm(
        request.POST or None,
        initial=initial,
        units=selectors.publishable_units(user=request.user),
        whole_institution=viewer.scope.everything,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = run_service(
            request,
            lambda: services.document_update(
                document=document,
                acting_user=request.user,
                title=data["title"],
                description=data["description"],
                tags=form.tag_list(),
                scope_unit=data.get("scope_unit"),
                requires_signoff=data["requires_signoff"],
            ),
            form=form,
            success=_("已保存。"),
            redirect_to=redirect("documents:detail", pk=document.pk),
        )
        if outcome.response:
            return outcome.response
    return render(request, "documents/edit.html", {"form": form, "document": document})


@login_required
@never_cache
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (GET), then the deletion of the document and all its files (POST)."""
    document = _document_or_404(request, pk)
    if not selectors.can_manage_document(user=request.user, document=document):
        raise PermissionDenied(_("您无权删除这份文件。"))
    if request.method == "POST":
        if request.POST.get("confirm_title", "").strip() != document.title:
            messages.error(request, _("请输入文件标题以确认删除。"))
        else:
            services.document_delete(document=document, acting_user=request.user)
            messages.success(request, _("已删除“%(title)s”及其全部版本。") % {"title": document.title})
            return redirect("documents:library")
    return render(request, "documents/delete.html", {"document": document})


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    return run_and_redirect(
        request,
        lambda: signoff.notice_sign(document=document, acting_user=request.user),
        success=_("已签收。"),
        to=redirect("documents:detail", pk=document.pk),
        joined=" ",
    )


@login_required
@never_cache
def receipts(request: HttpRequest, pk: int) -> HttpResponse:
    """Who signed the notice and who has not, among the members the manager covers."""
    return render_receipts(request, _document_or_404(request, pk))
