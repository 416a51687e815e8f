"""The bank's import (.xlsx or GIFT text, all rows or none) and its .xlsx export."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.kernel.web import run_service

from .bank import bank_units
from .imports import questions_export, questions_import
from .manage_views import _require_manager

MAX_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("导入到题库"), queryset=None)  # type: ignore[arg-type]
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("导出的 .xlsx 试题表，或 Moodle GIFT 格式的 .txt / .gift 文件。"),
    )

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        return upload


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    units = bank_units(acting_user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, units=units, initial={"unit": units.first()})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = run_service(
            request,
            lambda: questions_import(
                acting_user=request.user, unit=form.cleaned_data["unit"], filename=upload.name, content=upload.read()
            ),
            form=form,
            form_field="file",
            success=lambda count: _("已导入 %(count)s 道试题。") % {"count": count},
            redirect_to="exams:bank",
        )
        if done.response:
            return done.response
    return render(request, "exams/import.html", {"form": form})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(
        questions_export(acting_user=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="questions.xlsx"'
    return response
