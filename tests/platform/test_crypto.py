from __future__ import annotations

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from services.crypto import blind_index, decrypt, encrypt
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory


def _raw_national_id(member: Member) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM members_member WHERE id = %s", [member.pk])
        return cursor.fetchone()[0]


def test_national_id_is_stored_encrypted_and_read_back_in_clear(inst_a: Institution) -> None:
    with in_schema(inst_a):
        member = MemberFactory()
        raw = _raw_national_id(member)
        assert member.national_id not in raw
        assert Member.objects.get(pk=member.pk).national_id == member.national_id


def test_rotation_re_encrypts_with_the_new_key_and_keeps_lookups(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    with in_schema(inst_a):
        member = MemberFactory()
        before = _raw_national_id(member)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is dropped
    with in_schema(inst_a):
        after = _raw_national_id(member)
        assert after != before
        assert Member.objects.get(pk=member.pk).national_id == member.national_id
        assert Member.objects.filter(national_id_index=blind_index(member.national_id)).exists()


def test_ciphertext_from_an_unknown_key_is_a_clear_error(settings) -> None:  # type: ignore[no-untyped-def]
    token = encrypt("110101199003070011")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    try:
        decrypt(token)
    except ValueError as exc:
        assert "FIELD_ENCRYPTION_KEYS" in str(exc)
    else:
        raise AssertionError("decrypting with the wrong key must fail")
