"""Activation by slip code, password reset by phone code (忘记密码), and the verified phone as a
sign-in name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.utils import timezone

from services.accounts import phones
from services.accounts.codes import code_digest, new_sheet_code
from services.accounts.models import ActivationCode, ApiToken, User
from services.activation import audit_events
from services.audit.models import AuditEvent
from services.members.accounts import member_accounts_ensure
from services.members.models import Member
from tenants.models import Institution
from tests.activation.conftest import NEW_PASSWORD, activate, last_code, member_on_roll, sms_count
from tests.conftest import client_for, in_schema, make_user
from tests.factories import PASSWORD

SAME_ANSWER = "如果账号存在且已绑定手机，验证码已发送"


def _slip(institution: Institution, member: Member, *, days: int = 14) -> tuple[str, str]:
    """An account for ``member`` and a slip code issued for it, as the slip printer does."""
    with in_schema(institution):
        member_accounts_ensure(members=[member], acting_user=None)
        user = User.objects.get(member__pk=member.pk)
        code = new_sheet_code()
        ActivationCode.objects.create(
            user=user,
            kind=ActivationCode.Kind.SHEET,
            digest=code_digest(user_id=user.pk, kind="sheet", code=code),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return user.username, code


def _password(client: Any) -> Any:
    return client.post("/accounts/activate/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_slip_link_prefills_the_form_and_the_code_activates(inst_a: Institution) -> None:
    member = member_on_roll(inst_a, phone="")
    username, code = _slip(inst_a, member)
    client = client_for(inst_a)
    page = client.get(f"/accounts/activate/slip/?u={username}&c={code}").content.decode()
    assert f'value="{username}"' in page and f'value="{code}"' in page
    typed = code.lower().replace("-", " ")  # as read from paper
    assert (
        client.post("/accounts/activate/slip/", {"username": username, "code": typed}).url
        == "/accounts/activate/password/"
    )
    assert _password(client).url == "/accounts/login/"
    with in_schema(inst_a):
        user = User.objects.get(username=username)
        assert user.activated_at is not None and user.check_password(NEW_PASSWORD)
        assert user.phone_index == ""  # a slip verifies no phone
        assert ActivationCode.objects.get(user=user).used_at is not None
        assert AuditEvent.objects.get(event=audit_events.ACTIVATED, object_id=str(user.pk)).detail["how"] == "slip"
    again = client.post("/accounts/activate/slip/", {"username": username, "code": code})
    assert "验证码已使用过" in again.content.decode()


def test_wrong_and_expired_slip_codes_are_refused_and_counted(inst_a: Institution, settings: Any) -> None:
    settings.LOCKOUT_THRESHOLD = 2
    member = member_on_roll(inst_a, phone="")
    username, code = _slip(inst_a, member, days=-1)
    client = client_for(inst_a)
    expired = client.post("/accounts/activate/slip/", {"username": username, "code": code})
    assert "验证码已过期" in expired.content.decode()
    unknown = client.post("/accounts/activate/slip/", {"username": "nobody", "code": code})
    assert "验证码不正确。" in unknown.content.decode()
    for _ in range(2):
        client.post("/accounts/activate/slip/", {"username": username, "code": "AAAAA-BBBBB"})
    locked = client.post("/accounts/activate/slip/", {"username": username, "code": code})
    assert "尝试次数过多" in locked.content.decode()
    with in_schema(inst_a):
        reasons = list(
            AuditEvent.objects.filter(event=audit_events.CODE_REFUSED)
            .order_by("pk")
            .values_list("detail__reason", flat=True)
        )
        assert reasons == ["expired", "wrong", "wrong", "wrong", "locked"]
        assert User.objects.get(username=username).activated_at is None


def test_forgot_password_answers_the_same_and_resets_by_phone_code(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    with in_schema(inst_a):
        user = User.objects.get(username=member.number)
        ApiToken.objects.create(user=user, name="手机", prefix="abcdefgh", digest="d" * 64)
    elsewhere = client_for(inst_a)
    assert elsewhere.post("/accounts/login/", {"username": member.number, "password": NEW_PASSWORD}).status_code == 302
    sent_before = sms_count(sms)
    for identifier in ("nobody", "13900000000"):
        response = client_for(inst_a).post("/accounts/password/forgot/", {"identifier": identifier}, follow=True)
        assert SAME_ANSWER in response.content.decode()
    assert sms_count(sms) == sent_before
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/forgot/", {"identifier": "13812341234"}, follow=True)
    assert SAME_ANSWER in response.content.decode()
    text = [r.getMessage() for r in sms.records if r.name == "partycloud.sms"][-1]
    assert "您正在重置党建云密码" in text
    assert client.post("/accounts/activate/verify/", {"code": last_code(sms)}).url == "/accounts/activate/password/"
    new = "Another-river-2027"
    done = client.post("/accounts/activate/password/", {"new_password1": new, "new_password2": new}, follow=True)
    assert "密码已重设" in done.content.decode()
    with in_schema(inst_a):
        user.refresh_from_db()
        assert user.check_password(new)
        assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
        assert not Session.objects.filter(session_key=elsewhere.session.session_key).exists()
        row = AuditEvent.objects.get(event=audit_events.PASSWORD_RESET, object_id=str(user.pk))
        assert row.detail["how"] == "phone" and row.detail["tokens"] == 1 and row.detail["sessions"] >= 1
        reasons = list(
            AuditEvent.objects.filter(event=audit_events.RESET_REQUESTED)
            .order_by("pk")
            .values_list("detail__sent", flat=True)
        )
        assert reasons == [False, False, True]


def test_self_activation_of_an_active_account_becomes_a_reset(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    assert "您正在重置党建云密码" in [r.getMessage() for r in sms.records if r.name == "partycloud.sms"][-1]
    with in_schema(inst_a):
        assert AuditEvent.objects.filter(event=audit_events.PASSWORD_RESET).count() == 1
        assert AuditEvent.objects.filter(event=audit_events.ACTIVATED).count() == 1


def test_a_weak_password_is_refused_by_the_password_rules(inst_a: Institution) -> None:
    member = member_on_roll(inst_a, phone="")
    username, code = _slip(inst_a, member)
    client = client_for(inst_a)
    client.post("/accounts/activate/slip/", {"username": username, "code": code})
    response = client.post("/accounts/activate/password/", {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and "常见密码" in response.content.decode()
    with in_schema(inst_a):
        assert User.objects.get(username=username).activated_at is None


def test_the_phone_signs_in_like_a_username_and_a_username_wins(inst_a: Institution) -> None:
    make_user(inst_a, username="zhang", phone_index=phones.phone_index("13700001111"))
    make_user(inst_a, username="13700001111")  # a staff number that looks like a phone
    assert (
        client_for(inst_a).post("/accounts/login/", {"username": "+86 137-0000-1111", "password": PASSWORD}).status_code
        == 302
    )
    wrong = client_for(inst_a).post("/accounts/login/", {"username": "13600000000", "password": PASSWORD})
    assert "用户名或密码错误。" in wrong.content.decode()
    with in_schema(inst_a):
        from services.accounts.services import sign_in_name

        assert sign_in_name("13700001111") == "13700001111"
        assert sign_in_name("+8613700001111") == "zhang"
