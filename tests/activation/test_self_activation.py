"""Self-activation by number, name and the last six of the ID, a code sent to the phone on the
record, then a password: the happy path and every kind of bad input."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.accounts import lockout, phones
from services.accounts.models import ActivationCode, SignInCounter, User
from services.activation import audit_events
from services.audit.models import AuditEvent
from services.development.models import Dossier, Stage
from services.members.models import Member
from tenants.models import Institution
from tests.activation.conftest import NEW_PASSWORD, activate, last_code, member_on_roll, sms_count, start
from tests.conftest import client_for, in_schema, make_user
from tests.factories import OrgUnitFactory, _national_id

WRONG = "信息核对未通过，请检查学号/工号、姓名和身份证号后6位是否填写正确。"
ASK_SECRETARY = "请联系所在党支部书记领取激活单"


def _events(institution: Institution, event: str) -> list[AuditEvent]:
    with in_schema(institution):
        return list(AuditEvent.objects.filter(event=event).order_by("pk"))


def test_a_member_activates_with_the_code_sent_to_the_phone_on_their_record(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    text = [r.getMessage() for r in sms.records if r.name == "partycloud.sms"][-1]
    assert "138****1234" in text and "13812341234" not in text
    assert "您的党建云账号激活验证码为" in text and "10分钟内有效" in text
    with in_schema(inst_a):
        user = Member.objects.select_related("user").get(pk=member.pk).user
        assert user is not None and user.username == "2024100"
        assert user.activated_at is not None and user.check_password(NEW_PASSWORD)
        assert user.phone_index == phones.phone_index("13812341234")
        code = ActivationCode.objects.get(user=user)
        assert code.used_at is not None and code.kind == "phone"
        assert AuditEvent.objects.filter(event=audit_events.ACTIVATED, object_id=str(user.pk)).exists()
        assert AuditEvent.objects.filter(event=audit_events.CODE_SENT, object_id=str(user.pk)).exists()
    # Both sign-in names work: the number and the verified phone.
    for name in ("2024100", "138 1234 1234"):
        response = client_for(inst_a).post("/accounts/login/", {"username": name, "password": NEW_PASSWORD})
        assert response.status_code == 302 and response.url == "/", name


def test_step_one_for_a_new_account_stays_at_a_few_statements(inst_a: Institution, sms: Any) -> None:
    """A regression guard for the activation figure (docs/accounts.md, Performance): the lookup,
    the account made and audited, the code, the outbox row and its checks and the audit row,
    without a statement more than that (no session: the pending account is in its cookie)."""
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    client.get("/accounts/activate/")  # the form first, as a person does: the host's route is known
    with CaptureQueriesContext(connection) as captured:
        assert start(client, member).status_code == 302
    statements = [q["sql"] for q in captured.captured_queries]
    # 19 with the savepoints the test's own transaction turns the request's transactions into
    # (30 before the outbox wrote its row in three statements and a new account's codes were
    # no longer read; 24 before both record tables were searched in one statement and the
    # pending account left the server-side session)
    assert len(statements) <= 19, "\n".join(statements)
    assert not any("django_session" in sql for sql in statements)
    with in_schema(inst_a):
        user = Member.objects.get(pk=member.pk).user
        assert user is not None and ActivationCode.objects.filter(user=user, kind="phone").count() == 1


def test_step_two_stays_at_a_few_statements(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Step 2 reads the lockout counters, the account and its latest codes, nothing more: no
    session (the pending account is in its cookie)."""
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    with CaptureQueriesContext(connection) as captured:
        assert client.post("/accounts/activate/verify/", {"code": last_code(sms)}).status_code == 302
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) <= 4, "\n".join(statements)  # 8 with the session


def test_wrong_answers_get_one_message_whatever_was_wrong_and_do_the_same_work(inst_a: Institution, sms: Any) -> None:
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    start(client, member, number="1000001")  # the address's counter exists from now on
    # Each a first wrong answer about its number: the same queries whatever was wrong.
    tries = {
        "wrong tail": {"id_tail": "000000"},
        "wrong name": {"name": "王五", "number": member.number.upper() + " "},
        "nobody has this number": {"number": "9999999"},
    }
    queries = {}
    for label, override in tries.items():
        with in_schema(inst_a):
            SignInCounter.objects.exclude(key=lockout.key("activation", "address", "127.0.0.1")).delete()
        with CaptureQueriesContext(connection) as captured:
            response = start(client, member, **override)
        assert response.status_code == 200
        assert WRONG in response.content.decode(), label
        queries[label] = len(captured.captured_queries)
    assert len(set(queries.values())) == 1, queries
    assert sms_count(sms) == 0
    with in_schema(inst_a):
        assert Member.objects.get(pk=member.pk).user_id is None  # nothing made
    rows = _events(inst_a, audit_events.ANSWERS_REFUSED)
    assert [r.detail["reason"] for r in rows] == ["no_match"] * 4
    assert all("000000" not in str(r.detail) for r in rows)


def test_repeated_wrong_answers_lock_out_that_number_and_then_that_address(
    inst_a: Institution, settings: Any, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOCKOUT_THRESHOLD = 3
    settings.ACTIVATION_ADDRESS_THRESHOLD = 5
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    for _ in range(3):
        start(client, member, tail="000000")
    locked = start(client, member)  # even the right answer now
    assert "尝试次数过多" in locked.content.decode()
    other = member_on_roll(inst_a, number="2024101", name="陈晨", phone="13900001111")
    with django_capture_on_commit_callbacks(execute=True):
        assert start(client, other).status_code == 302  # another person from the same address still can
    for _ in range(2):
        start(client, other, number="8888888")
    assert "尝试次数过多" in start(client, other).content.decode()  # the address is locked now
    scopes = {r.detail["scope"] for r in _events(inst_a, audit_events.LOCKED_OUT)}
    assert scopes == {"subject_client", "client"}
    assert "locked" in {r.detail["reason"] for r in _events(inst_a, audit_events.ANSWERS_REFUSED)}


def test_codes_expired_reused_replaced_and_wrong(
    inst_a: Institution, settings: Any, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOCKOUT_THRESHOLD = 3
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    first = last_code(sms)
    with in_schema(inst_a):
        # A minute later the person asks again: the first code is replaced.
        ActivationCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    second = last_code(sms)
    assert sms_count(sms) == 2
    replaced = client.post("/accounts/activate/verify/", {"code": first})
    assert "验证码已失效，请使用最新收到的验证码。" in replaced.content.decode()
    with in_schema(inst_a):
        ActivationCode.objects.filter(replaced_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "验证码已过期，请重新获取。" in client.post("/accounts/activate/verify/", {"code": second}).content.decode()
    wrong = "000000" if second != "000000" else "111111"
    for _ in range(3):
        response = client.post("/accounts/activate/verify/", {"code": wrong})
    assert "验证码不正确。" in response.content.decode()
    assert "尝试次数过多" in client.post("/accounts/activate/verify/", {"code": second}).content.decode()
    reasons = [r.detail["reason"] for r in _events(inst_a, audit_events.CODE_REFUSED)]
    assert reasons[:5] == ["replaced", "expired", "wrong", "wrong", "wrong"] and reasons[-1] == "locked"


def test_a_used_code_cannot_be_used_again(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    client = activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    used = last_code(sms)
    with in_schema(inst_a):
        ActivationCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    assert "验证码已使用过，请重新获取。" in client.post("/accounts/activate/verify/", {"code": used}).content.decode()


def test_a_second_request_within_a_minute_sends_no_second_sms(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
        start(client, member)
    assert sms_count(sms) == 1
    assert client.post("/accounts/activate/verify/", {"code": last_code(sms)}).status_code == 302


def test_a_phone_verified_by_another_account_or_no_phone_leads_to_the_secretary(inst_a: Institution, sms: Any) -> None:
    make_user(inst_a, username="someone", phone_index=phones.phone_index("13812341234"))
    shared = member_on_roll(inst_a)
    no_phone = member_on_roll(inst_a, number="2024102", name="周一", phone="")
    client = client_for(inst_a)
    for member in (shared, no_phone):
        response = start(client, member)
        assert response.status_code == 200 and ASK_SECRETARY in response.content.decode()
    assert sms_count(sms) == 0
    with in_schema(inst_a):
        assert not Member.objects.filter(pk__in=[shared.pk, no_phone.pk], user__isnull=False).exists()
    reasons = [r.detail["reason"] for r in _events(inst_a, audit_events.REFUSED)]
    assert reasons == ["phone_taken", "no_phone"]


def test_a_changed_student_number_still_finds_the_person_and_the_username_follows(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a, number="2019001")
    with in_schema(inst_a):
        user = User.objects.create_user(username="2019001", display_name=member.name, password=None)
        Member.objects.filter(pk=member.pk).update(user=user, number="2023555")  # a graduate student now
        member.refresh_from_db()
    activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    with in_schema(inst_a):
        user.refresh_from_db()
        assert user.username == "2023555" and user.activated_at is not None
        row = AuditEvent.objects.get(event=audit_events.ACTIVATED, object_id=str(user.pk))
        assert row.detail["username_from"] == "2019001"


def test_an_off_roll_member_or_an_ended_dossier_is_not_found(inst_a: Institution, sms: Any) -> None:
    member = member_on_roll(inst_a, status=Member.Status.TRANSFERRED_OUT)
    assert WRONG in start(client_for(inst_a), member).content.decode()


def test_throttled_after_the_limit_per_address_per_minute(inst_a: Institution, settings: Any, sms: Any) -> None:
    settings.ACTIVATION_THROTTLE_PER_MINUTE = 2
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    start(client, member, tail="000000")
    start(client, member, tail="000000")
    assert "操作过于频繁，请一分钟后再试。" in start(client, member).content.decode()
    assert _events(inst_a, audit_events.ANSWERS_REFUSED)[-1].detail["reason"] == "throttled"


def test_the_steps_cannot_be_skipped(inst_a: Institution) -> None:
    client = client_for(inst_a)
    assert client.get("/accounts/activate/verify/").url == "/accounts/activate/"
    response = client.post(
        "/accounts/activate/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == "/accounts/activate/"


def test_an_applicant_is_found_and_sent_to_the_secretary_and_an_ended_dossier_is_not(
    inst_a: Institution, sms: Any
) -> None:
    with in_schema(inst_a):
        branch = OrgUnitFactory()
        people = {}
        for stage, number in ((Stage.ACTIVIST, "S2026100"), (Stage.ENDED, "S2026101")):
            national = _national_id()
            people[stage] = Dossier.objects.create(
                name="赵敏",
                gender="female",
                birth_date=date(2004, 1, 1),
                national_id=national,
                national_id_index=f"t-{national}",
                category="student",
                number=number,
                branch=branch,
                stage=stage,
                applied_on=date(2025, 10, 1),
            )
    client = client_for(inst_a)
    for stage, expected in ((Stage.ACTIVIST, ASK_SECRETARY), (Stage.ENDED, WRONG)):
        dossier = people[stage]
        data = {"number": dossier.number, "name": dossier.name, "id_tail": dossier.national_id[-6:]}
        assert expected in client.post("/accounts/activate/", data).content.decode(), stage
    assert sms_count(sms) == 0


def test_a_disabled_account_is_told_so(inst_a: Institution, sms: Any) -> None:
    member = member_on_roll(inst_a)
    with in_schema(inst_a):
        user = User.objects.create_user(username=member.number, password=None, is_active=False)
        Member.objects.filter(pk=member.pk).update(user=user)
    assert "该账号已停用" in start(client_for(inst_a), member).content.decode()
    assert sms_count(sms) == 0
    assert _events(inst_a, audit_events.REFUSED)[-1].detail["reason"] == "disabled"


def test_a_phone_verified_elsewhere_between_the_steps_activates_nothing(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    client.post("/accounts/activate/verify/", {"code": last_code(sms)})
    make_user(inst_a, username="quicker", phone_index=phones.phone_index("13812341234"))
    done = client.post(
        "/accounts/activate/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "该手机号已绑定其他账号" in done.content.decode()
    with in_schema(inst_a):
        user = Member.objects.select_related("user").get(pk=member.pk).user
        assert user is not None and user.activated_at is None and not user.has_usable_password()
        assert ActivationCode.objects.get(user=user).used_at is None


def test_the_verified_phone_becomes_the_address_for_security_messages(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from services.notifications.models import Address

    member = member_on_roll(inst_a, phone="13812345678")
    activate(inst_a, member, sms, capture=django_capture_on_commit_callbacks)
    with in_schema(inst_a):
        address = Address.objects.get(user__member=member)
        assert address.phone == "13812345678" and address.phone_verified_at is not None


def test_a_send_the_sms_channel_refuses_leaves_no_code_and_says_why(
    inst_a: Institution, settings: Any, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_SMS_PER_HOUR = 1
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    with in_schema(inst_a):
        ActivationCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        codes_before = ActivationCode.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        refused = start(client, member)
    assert refused.status_code == 200 and "一小时内已收到 1 条消息，请稍后再试" in refused.content.decode()
    assert sms_count(sms) == 1
    with in_schema(inst_a):
        assert ActivationCode.objects.count() == codes_before
        assert ActivationCode.objects.filter(replaced_at__isnull=True).count() == 1  # the first still stands
    assert "sms_refused" in {r.detail.get("reason") for r in _events(inst_a, audit_events.REFUSED)}
