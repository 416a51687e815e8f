"""Form helpers shared by the portal pages of every capability."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError next to the field it names, else at the top of the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, field_messages in errors.items():
        form.add_error(field if field in form.fields else None, field_messages)
