"""Isolation cases for the console's 平台账号 routes (merged into test_isolation's CASES); who else
is refused on them — the committee, anonymous visitors — is checked in test_platform_users.py."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, Case

POST = ("post",)

CASES: dict[tuple[str, str], Case] = {
    (CONSOLE, "console:platform_users"): Case("console", methods=("get", "post")),
    (CONSOLE, "console:platform_user"): Case("console"),
    (CONSOLE, "console:platform_user_disable"): Case("console", methods=POST),
    (CONSOLE, "console:platform_user_enable"): Case("console", methods=POST),
    (CONSOLE, "console:platform_user_delete"): Case("console", methods=POST),
    (CONSOLE, "console:platform_user_link"): Case("console", methods=POST),
    # The link alone opens it (a signed, single-use token): no institution data, no sign-in.
    (CONSOLE, "console:platform_user_set_password"): Case("anonymous", methods=("get", "post")),
    (CONSOLE, "platform-user-list"): Case("console", methods=("get", "post")),
    (CONSOLE, "platform-user-detail"): Case("console"),
    (CONSOLE, "platform-user-disable"): Case("console", methods=POST),
    (CONSOLE, "platform-user-enable"): Case("console", methods=POST),
    (CONSOLE, "platform-user-link"): Case("console", methods=POST),
    (CONSOLE, "platform-user-delete"): Case("console", methods=POST),
}
