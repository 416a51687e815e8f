"""The organization commissioner's reconciliation page: import a provider's daily statement (the
sandbox's is fetched from it), the mismatch lines of their branches, and booking a paid order that
waited for an open month."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service

from .models import Entry
from .payments import PaymentError, enabled_providers, provider_for
from .payments.booking import order_book
from .payments.sandbox import SandboxPay
from .reconcile import PARSERS, mismatches_for, statement_import

PAGE_SIZE = 200


class StatementForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("支付渠道"))
    day = forms.DateField(label=gettext_lazy("账单日期"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=gettext_lazy("对账单文件"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, Entry.Method(name).label) for name in PARSERS]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("file") and data.get("provider") != "sandbox":
            raise ValidationError(_("请上传支付渠道下载的对账单文件。"))
        return data


def _statement_bytes(form: StatementForm) -> bytes:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return bytes(upload.read())
    adapter = provider_for("sandbox") if "sandbox" in enabled_providers() else None
    if not isinstance(adapter, SandboxPay):
        raise ValidationError(_("请上传支付渠道下载的对账单文件。"))
    try:
        return adapter.statement(form.cleaned_data["day"].isoformat())
    except PaymentError as exc:
        raise ValidationError(_("暂时无法从模拟支付渠道获取对账单。")) from exc


@login_required
def reconcile(request: HttpRequest) -> HttpResponse:
    lines = mismatches_for(request.user)  # a plain member: 403
    form = StatementForm(
        request.POST or None, request.FILES or None, initial={"day": timezone.localdate(), "provider": "sandbox"}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        done = run_service(
            request,
            lambda: statement_import(
                acting_user=request.user,
                provider=form.cleaned_data["provider"],
                day=form.cleaned_data["day"],
                data=_statement_bytes(form),
                filename=upload.name if upload is not None else "",
            ),
            form=form,
            success=lambda s: (
                _("已导入对账单：%(lines)d 笔，差异 %(mismatches)d 条。")
                % {"lines": s.lines, "mismatches": s.mismatches}
            ),
            redirect_to=reverse("dues_pay:reconcile"),
        )
        if done.response:
            return done.response
    return render(request, "dues/pay_reconcile.html", {"form": form, "lines": lines[:PAGE_SIZE]})


@login_required
@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    line = mismatches_for(request.user).filter(pk=pk).first()  # a plain member: 403; another branch's: 404
    if line is None:
        raise Http404
    return run_and_redirect(
        request,
        lambda: order_book(acting_user=request.user, mismatch=line),
        success=_("已入账。"),
        to=reverse("dues_pay:reconcile"),
        refusals=True,
    )
