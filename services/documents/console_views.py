"""Console pages where the municipal committee publishes documents to every institution (public
schema): list and publish, detail with versions, new version, download, delete (confirmed).
Console users with platform_role "committee" or "operator" only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from services.oversight.selectors import signoff_by_institution, signoff_totals
from services.storage.uploads import allowed_description, human_size, max_upload_bytes

from . import selectors, services
from .forms import UploadForm, VersionForm
from .models import Document
from .views import (
    add_version_from_form,
    create_from_form,
    stream_version,
    version_or_404,
)


def publisher_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "platform_role", "") not in selectors.PUBLISHER_ROLES:
            raise PermissionDenied(_("只有市教育工委或平台运维人员可以发布全市文件。"))
        return view(request, *args, **kwargs)

    return wrapper


def _document_or_404(pk: int) -> Document:
    try:
        return selectors.public_document_list().get(pk=pk)
    except Document.DoesNotExist as exc:
        raise Http404 from exc


def _limits() -> dict[str, Any]:
    return {
        "max_size": human_size(max_upload_bytes()),
        "max_bytes": max_upload_bytes(),
        "allowed": allowed_description(),
    }


@publisher_required
@never_cache
def console_list(request: HttpRequest) -> HttpResponse:
    """What the committee published, and the form to publish a new one."""
    form = UploadForm(request.POST or None, request.FILES or None, units=None)
    if request.method == "POST":
        answer = create_from_form(request, form, detail="documents:console_detail", done=_("已发布到全市各校。"))
        if answer is not None:
            return answer
    page = Paginator(selectors.public_document_list(), 20).get_page(request.GET.get("page"))
    return render(request, "documents/console_list.html", {"form": form, "page": page, **_limits()})


@publisher_required
@never_cache
def console_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(pk)
    signoff = signoff_by_institution(public_document_id=document.pk) if document.requires_signoff else []
    return render(
        request,
        "documents/console_detail.html",
        {
            "document": document,
            "versions": selectors.document_versions(document=document),
            "version_form": VersionForm(),
            "signoff": signoff,
            "signoff_totals": signoff_totals(signoff),
            **_limits(),
        },
    )


@publisher_required
def console_version(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(pk)
    if request.method != "POST":
        return redirect("documents:console_detail", pk=pk)
    url = reverse("documents:console_detail", kwargs={"pk": pk})
    return add_version_from_form(request, document, url=url, done=False)


@publisher_required
def console_file(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    version = version_or_404(_document_or_404(pk), number)
    return stream_version(version, inline=request.GET.get("inline") == "1")


@publisher_required
@never_cache
def console_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(pk)
    if request.method == "POST":
        if request.POST.get("confirm_title", "").strip() != document.title:
            messages.error(request, _("请输入文件标题以确认删除。"))
        else:
            services.document_delete(document=document, acting_user=request.user)
            messages.success(request, _("已删除“%(title)s”及其全部版本。") % {"title": document.title})
            return redirect("documents:console_list")
    return render(request, "documents/console_delete.html", {"document": document})
