"""The audit events of accounts: sign-in, passwords, two-step verification, API tokens and
refused requests (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

LOGIN = declare("auth.login", label=_("登录"), detail="nothing; the target is the user")
LOGIN_FAILED = declare(
    "auth.login_failed",
    label=_("登录失败"),
    detail="reason: bad_credentials, bad_totp, bad_reauthentication, unknown_user or locked",
)
LOGOUT = declare("auth.logout", label=_("退出登录"), detail="nothing; the target is the user")
LOCKED_OUT = declare("auth.locked_out", label=_("账号锁定"), detail="scope (client or account), until (ISO time)")
PASSWORD_CHANGED = declare("auth.password_changed", label=_("修改密码"), detail="nothing")
TOTP_ENABLED = declare("auth.totp_enabled", label=_("启用两步验证"), detail="nothing")
TOTP_DISABLED = declare("auth.totp_disabled", label=_("停用两步验证"), detail="nothing")
TOKEN_CREATED = declare("auth.token_created", label=_("创建 API 令牌"), detail="nothing; the target is the token")
TOKEN_REVOKED = declare("auth.token_revoked", label=_("撤销 API 令牌"), detail="reason the token was revoked")
PERMISSION_DENIED = declare(
    "auth.permission_denied", label=_("拒绝访问"), detail="method, path and reason of the refused request"
)
USER_CREATED = declare("user.created", label=_("创建用户"), detail="nothing; the target is the new user")
ACCOUNTS_PROVISIONED = declare(
    "account.provisioned",
    label=_("开通待激活账号"),
    detail="for (member or dossier) and the record's id; the target is the new user",
)
ACCOUNT_CLOSED = declare(
    "account.closed",
    label=_("停用账号（离开名册）"),
    detail="reason (the record's new status), member (the record's id), sessions_and_tokens_ended; target: the user",
)
OTHER_SESSIONS_ENDED = declare(
    "auth.other_sessions_ended",
    label=_("退出其他设备"),
    detail="count: the sessions ended; the target is the user (the session in use is kept)",
)
