"""Outgoing e-mail (reminders and digests): SMTP in production, the console in development.

Tests need nothing here: Django's test environment switches EMAIL_BACKEND to its in-memory
(locmem) backend by itself.
"""

from __future__ import annotations

from .env import env_bool, env_int, env_str
from .security import DEV

# With no EMAIL_HOST, development prints messages on the console; production must configure SMTP
# (or name another backend explicitly through EMAIL_BACKEND).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEV
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "党建云 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails point at the institution's site: <scheme>://<code>.<BASE_DOMAIN>[:port].
# The port is for development (`make run` serves :8000); production leaves it empty.
EMAIL_LINK_PORT = env_str("EMAIL_LINK_PORT", "8000" if DEV else "")
