"""DRF pieces every capability's API shares."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers

from .text import FREE_TEXT_MAX, free_text, single_line


class TextRulesModelSerializer(serializers.ModelSerializer):
    """A model serializer whose writable text fields follow the platform's text rules: a
    ``CharField`` column is one line (no control characters), a ``TextField`` column is free text
    of at most FREE_TEXT_MAX characters (a TEXT column has no limit of its own)."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type[serializers.Field], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField) and not kwargs.get("read_only"):
            if isinstance(model_field, models.TextField):
                kwargs.setdefault("max_length", FREE_TEXT_MAX)
                kwargs["validators"] = [*kwargs.get("validators", []), free_text]
            else:
                kwargs["validators"] = [*kwargs.get("validators", []), single_line]
        return field_class, kwargs


def wrong_json_type(field: serializers.Field, value: Any) -> str | None:
    """The JSON type ``field`` expects, when ``value`` is not of it (None: fine, or not ours to say)."""
    if value is None or isinstance(field, serializers.JSONField):
        return None
    expected: tuple[type, ...]
    if isinstance(field, serializers.BooleanField):
        expected, name = (bool,), "true / false"
    elif isinstance(field, serializers.IntegerField) or _integer_key(field):
        expected, name = (int,), _("整数")
    elif isinstance(field, (serializers.FloatField, serializers.DecimalField)):
        expected, name = (int, float), _("数字")
    elif isinstance(field, (serializers.ListField, serializers.ListSerializer, serializers.ManyRelatedField)):
        expected, name = (list,), _("列表")
    elif isinstance(field, (serializers.DictField, serializers.Serializer)):
        expected, name = (dict,), _("对象")
    elif isinstance(field, (serializers.CharField, serializers.DateField, serializers.DateTimeField)):
        expected, name = (str,), _("文本")
    elif isinstance(field, serializers.ChoiceField) and all(isinstance(c, str) for c in field.choices):
        expected, name = (str,), _("文本")
    else:
        return None
    if (isinstance(value, bool) and bool not in expected) or not isinstance(value, expected):
        return str(_("类型不正确，应为%(type)s。") % {"type": name})
    return None


def _integer_key(field: serializers.Field) -> bool:
    queryset: Any = getattr(field, "queryset", None)
    if not isinstance(field, serializers.PrimaryKeyRelatedField) or queryset is None:
        return False
    return isinstance(queryset.model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField)


class StrictTypesMixin:
    """A JSON body's values must have the types the schema states: DRF would turn 0 into "0"
    for a text field and "5" into 5 for a number. Form and multipart bodies carry only text,
    which the fields parse as before — except that a field sent empty is refused as in JSON
    (DRF would read it as "not sent" and use the default)."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):  # QueryDict included; anything else is DRF's own error
            return super().to_internal_value(data)  # type: ignore[misc]
        errors = {}
        for name, field in self.fields.items():
            if field.read_only or name not in data:
                continue
            if isinstance(data, QueryDict):
                message = _empty_form_value(field, data.get(name))
            else:
                message = wrong_json_type(field, data[name])
            if message is not None:
                errors[name] = [message]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


def _empty_form_value(field: serializers.Field, value: Any) -> str | None:
    if value != "" or getattr(field, "allow_blank", False) or isinstance(field, serializers.FileField):
        return None
    return str(_("该字段不能为空。"))


class InputSerializer(StrictTypesMixin, serializers.Serializer):
    """The base of every request body's serializer: strict JSON types."""


class TextRulesInputSerializer(StrictTypesMixin, TextRulesModelSerializer):
    """A model serializer for a request body: strict JSON types and the text rules."""
