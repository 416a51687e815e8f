"""Matrix rows (``matrix.py``) of the platform's own routes: sign-in, health, the API's
schema and tokens, the portal's home, and the console's institutions."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT
from tests.isolation.matrix import (
    CONSOLE_OPERATOR,
    CONSOLE_PUBLIC,
    CONSOLE_SIGNED_IN,
    MINE,
    OWN,
    PUBLIC,
    SIGNED_IN,
    Row,
    everyone,
)

B = {"code": "beta"}  # another institution, acted on from the console

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "home"): Row(SIGNED_IN),
    (TENANT, "accounts:login"): Row(PUBLIC),
    # The second step of a sign-in: without a first step under way, back to the sign-in page.
    (TENANT, "accounts:login_totp"): Row(PUBLIC, override=everyone("login")),
    # Signing out ends the actor's session: sent by an anonymous visitor only (to the sign-in page).
    (TENANT, "accounts:logout"): Row(PUBLIC, override={"anonymous": "login"}, writes_allowed=False),
    (TENANT, "accounts:password_change"): Row(SIGNED_IN),
    (TENANT, "accounts:totp"): Row(SIGNED_IN),
    (TENANT, "set_language"): Row(PUBLIC),
    (TENANT, "favicon"): Row(PUBLIC),
    (TENANT, "healthz"): Row(PUBLIC),
    (TENANT, "healthz_live"): Row(PUBLIC),
    (TENANT, "metrics"): Row(PUBLIC),
    (TENANT, "schema"): Row(PUBLIC),
    (TENANT, "api_docs"): Row(PUBLIC),
    (TENANT, "api-token-login"): Row(PUBLIC),
    (TENANT, "api-me"): Row(SIGNED_IN),
    (TENANT, "api-token-list"): Row(MINE, "token"),
    (TENANT, "api-token-detail"): Row(OWN, "token"),
    # The console's home: the committee sees the institutions and their figures, operators act.
    (CONSOLE, "home"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "accounts:login"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "accounts:login_totp"): Row(CONSOLE_PUBLIC, override=everyone("login")),
    (CONSOLE, "accounts:logout"): Row(CONSOLE_PUBLIC, override={"anonymous": "login"}, writes_allowed=False),
    (CONSOLE, "accounts:password_change"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "accounts:totp"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "set_language"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "favicon"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "healthz"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "healthz_live"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "metrics"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "schema"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "api_docs"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "api-token-login"): Row(CONSOLE_PUBLIC),
    (CONSOLE, "api-me"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "api-token-list"): Row(CONSOLE_SIGNED_IN),
    # No token 1 of theirs: another user's token is a 404 like a missing one (tests/accounts).
    (CONSOLE, "api-token-detail"): Row(CONSOLE_SIGNED_IN, override={"committee": "404", "operator": "404"}),
    # Institutions: the lifecycle actions are sent by those refused only (an operator's would act on B).
    (CONSOLE, "console:institution_new"): Row(CONSOLE_OPERATOR),
    (CONSOLE, "console:institution"): Row(CONSOLE_OPERATOR, kwargs=B),
    (CONSOLE, "console:institution_suspend"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "console:institution_resume"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "console:institution_archive"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "console:institution_delete"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    # Not on Citus (the suite's single server) an operator's move is refused with a message.
    (CONSOLE, "console:institution_move"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "console:institution_restore"): Row(CONSOLE_OPERATOR, writes_allowed=False),
    (CONSOLE, "institution-list"): Row(CONSOLE_OPERATOR, writes_allowed=False),
    (CONSOLE, "institution-detail"): Row(CONSOLE_OPERATOR, kwargs=B),
    (CONSOLE, "institution-suspend"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "institution-resume"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "institution-archive"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "institution-delete"): Row(CONSOLE_OPERATOR, kwargs=B, writes_allowed=False),
    (CONSOLE, "institution-restore"): Row(CONSOLE_OPERATOR, writes_allowed=False),
    (CONSOLE, "console:dead_letters"): Row(CONSOLE_OPERATOR),
    # No dead letter 1: the operator is let through and finds nothing.
    (CONSOLE, "console:dead_letter_retry"): Row(CONSOLE_OPERATOR, override={"operator": "404"}),
    (CONSOLE, "console:platform_users"): Row(CONSOLE_OPERATOR),
    (CONSOLE, "console:platform_user"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "console:platform_user_disable"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "console:platform_user_enable"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "console:platform_user_delete"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "console:platform_user_link"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "console:platform_user_set_password"): Row(CONSOLE_PUBLIC, kwargs={"uid": "x", "token": "y"}),
    (CONSOLE, "platform-user-list"): Row(CONSOLE_OPERATOR),
    (CONSOLE, "platform-user-detail"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "platform-user-disable"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "platform-user-enable"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "platform-user-link"): Row(CONSOLE_OPERATOR, "platform_user"),
    (CONSOLE, "platform-user-delete"): Row(CONSOLE_OPERATOR, "platform_user"),
    # The working-day calendar: operators publish it, the committee may look.
    (CONSOLE, "workdays:calendar"): Row(CONSOLE_SIGNED_IN, writes=CONSOLE_OPERATOR),
    (CONSOLE, "workdays:calendar_csv"): Row(CONSOLE_SIGNED_IN, kwargs={"year": "2026"}),
    # De-identified counts of transfer letters between institutions, for operators and the committee.
    (CONSOLE, "transfer_exchange:in_flight"): Row(CONSOLE_SIGNED_IN),
}
