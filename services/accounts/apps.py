from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "services.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Every sign-in and sign-out, whichever page did it, keeps the user-to-session index
        # (sessions.py) in step.
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .sessions import session_forget, session_record

        def signed_in(sender: Any, request: Any, user: Any, **_kwargs: Any) -> None:
            key = getattr(getattr(request, "session", None), "session_key", None)
            if key and user is not None:
                session_record(user=user, session_key=key, request=request)

        def signed_out(sender: Any, request: Any, user: Any, **_kwargs: Any) -> None:
            session_forget(session_key=getattr(getattr(request, "session", None), "session_key", None))

        user_logged_in.connect(signed_in, dispatch_uid="accounts-session-index-in", weak=False)
        user_logged_out.connect(signed_out, dispatch_uid="accounts-session-index-out", weak=False)
