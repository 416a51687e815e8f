"""The member record's field schema (services/members/record.py) is the one list of the record's
fields: a new field of ``Member`` must be declared there (or listed as internal, with a reason),
and every way in and out reads it."""

from __future__ import annotations

from rest_framework import serializers

from services.crypto import EncryptedTextField
from services.members import api, forms, record
from services.members.imports import COLUMNS, writing
from services.members.imports.columns import RETAINED_SINCE
from services.members.models import Member
from services.members.national_id import mask as mask_national_id
from services.members.validation import mask_phone
from services.transfers import moves


def test_every_field_of_the_member_model_is_classified() -> None:
    declared = [field.name for field in record.FIELDS]
    internal = list(record.INTERNAL)
    model = [field.name for field in Member._meta.concrete_fields]
    unclassified = [name for name in model if name not in declared and name not in internal]
    assert not unclassified, f"declare these Member fields in services/members/record.py: {unclassified}"
    assert not set(declared) & set(internal)
    assert not set(declared + internal) - set(model), "record.py names a field Member does not have"
    assert declared == [name for name in model if name in declared], "FIELDS keeps the model's order"


def test_every_declared_field_goes_somewhere_and_every_internal_one_says_why() -> None:
    for field in record.FIELDS:
        flags = (field.editable, field.mask, field.imported, field.exported, field.carried, field.api)
        assert any(flags), f"{field.name}: no way in or out carries it; list it in INTERNAL with the reason"
    assert all(reason.strip() for reason in record.INTERNAL.values())


def test_the_ways_in_and_out_read_the_schema() -> None:
    assert list(forms.MemberForm.base_fields) == [*record.EDITABLE, "reason"]
    assert api.MemberWriteSerializer.Meta.fields == [*record.EDITABLE, "reason"]
    assert [name for name in api.MemberSerializer.Meta.fields if name != "branch_name"] == list(record.API_FIELDS)
    assert writing._MEMBER_FIELDS == record.IMPORTED
    assert moves.RECORD_FIELDS == record.CARRIED
    # The roster file is the importer's format: it carries the exported fields, which are the
    # imported ones less the blind indexes (computed from the number).
    assert {column.field for column in COLUMNS} - {RETAINED_SINCE} == set(record.EXPORTED)
    assert set(record.IMPORTED) - {"national_id_index", "national_id_tail_index"} == set(record.EXPORTED)


def test_sensitive_fields_are_encrypted_and_masked_in_the_api() -> None:
    for name in record.SENSITIVE:
        assert isinstance(Member._meta.get_field(name), EncryptedTextField), name
        assert name not in record.API_FIELDS or isinstance(
            api.MemberSerializer().fields[name], serializers.SerializerMethodField
        ), f"{name} is sensitive: the API shows it through record.mask"


def test_the_one_masking_function_masks_as_before() -> None:
    for number in ("370102199003071234", "37010219900307123X", "1234", "", " 3701 0219 9003 0712 34 "):
        assert record.mask("national_id", number) == mask_national_id(number)
    for phone in ("13800000001", "1380000", ""):
        assert record.mask("phone", phone) == (mask_phone(phone) if phone else "")
    assert record.mask("phone", "13800000001") == "138****0001"
    member = Member(national_id="370102199003071234", phone="")
    assert record.masked(member) == {"masked_national_id": "3701**********1234", "masked_phone": ""}
