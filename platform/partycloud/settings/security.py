"""Security baseline: secrets, hosts, cookies, CSP, passwords, lockout, sessions.

PASSWORD_PROFILE picks one of two policies:
- ``owasp`` (default, OWASP ASVS v4 §2.1): length >= 8, common passwords refused, no
  composition rules, no forced rotation;
- ``mlps3`` (等保三级, what Chinese security assessors require): adds composition (three of
  upper, lower, digit, symbol), rotation every 90 days, a 30-minute idle session timeout and a
  stricter lockout.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from .env import DATA_DIR, env_bool, env_int, env_list, env_str
from .tenancy import BASE_DOMAIN

# `make run`, `make test` and `make bench` set PARTYCLOUD_DEV=1. Only in development may secrets that are
# not configured be generated: in production every process must share the same keys, or data
# encrypted by one could not be read by another.
# With no DATABASE_URL everything is embedded, which only a development checkout does.
DEV = env_bool("PARTYCLOUD_DEV", not env_str("DATABASE_URL"))


def _dev_secret(name: str, factory: Callable[[], str], variable: str) -> str:
    """A secret generated once per checkout and kept under .data/ (never committed)."""
    if not DEV:
        raise ImproperlyConfigured(f"{variable} is not set (see deploy/env.example)")
    path = DATA_DIR / "secrets" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(factory())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = env_str("SECRET_KEY") or _dev_secret("secret_key", lambda: secrets.token_urlsafe(50), "SECRET_KEY")

# Keys for encrypted fields (national ID, phone, TOTP secrets): comma-separated Fernet keys,
# newest first. Rotation: put a new key first, run `manage.py rotate_field_keys`, drop the old one.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or [
    _dev_secret("field_key", _fernet_key, "FIELD_ENCRYPTION_KEYS")
]
# Key of the keyed hashes used to look up encrypted values (blind indexes). It does not rotate
# with the encryption keys: changing it means recomputing every index.
FIELD_INDEX_KEY = env_str("FIELD_INDEX_KEY") or _dev_secret(
    "index_key", lambda: secrets.token_urlsafe(32), "FIELD_INDEX_KEY"
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [BASE_DOMAIN, f".{BASE_DOMAIN}"]

# The site is served over HTTPS (production). `make run` serves plain HTTP on localhost and
# turns this off; everything below follows from it.
HTTPS = env_bool("HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# Every institution is a subdomain of BASE_DOMAIN, all served over HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", False)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many reverse proxies append to X-Forwarded-For in front of the app: the client address
# is the one that many entries from the right (0: use REMOTE_ADDR). Audit rows and the login
# throttle use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Host-only cookies: a session cookie of one institution is never sent to another.
SESSION_COOKIE_DOMAIN = None
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A Chinese page (JSON on /api/ paths) instead of Django's English one.
CSRF_FAILURE_VIEW = "partycloud.csrf.csrf_failure"

CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

PASSWORD_PROFILE = env_str("PASSWORD_PROFILE", "owasp")
if PASSWORD_PROFILE not in {"owasp", "mlps3"}:
    raise ImproperlyConfigured("PASSWORD_PROFILE must be 'owasp' or 'mlps3'")
MLPS3 = PASSWORD_PROFILE == "mlps3"  # noqa: S105 (a policy name, not a password)

PASSWORD_HASHERS = [
    "services.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Django's validators with messages written in Chinese (services/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "services.accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "services.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "services.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "services.accounts.passwords.MaximumLengthValidator"},
]
if MLPS3:
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "services.accounts.passwords.CharacterClassValidator"})

# Days after which a password must be changed; 0 means never (ASVS forbids forced rotation).
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90 if MLPS3 else 0)

# Lockout (services/accounts/lockout.py, docs/security.md): LOCKOUT_THRESHOLD failures on one
# account from one client (its address, or the browser where the account signed in before) lock
# that client out of that account; LOCKOUT_ACCOUNT_THRESHOLD failures on one account from clients
# it does not know lock it for all of them (a guess spread over many addresses). A lock lasts
# LOCKOUT_MINUTES, doubling for each further lock within a day up to LOCKOUT_MAX_MINUTES.
# Counters live in the institution's schema, so a lockout never crosses institutions.
LOCKOUT_THRESHOLD = env_int("LOCKOUT_THRESHOLD", 5 if MLPS3 else 10)
LOCKOUT_ACCOUNT_THRESHOLD = env_int("LOCKOUT_ACCOUNT_THRESHOLD", 25 if MLPS3 else 50)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 30 if MLPS3 else 15)
LOCKOUT_MAX_MINUTES = env_int("LOCKOUT_MAX_MINUTES", 24 * 60)
# Throttle: failed logins per client address per minute, whatever the account.
LOGIN_THROTTLE_PER_MINUTE = env_int("LOGIN_THROTTLE_PER_MINUTE", 20)
# Activation, slips and password reset (services/activation/guard.py): attempts per client address
# per minute, and wrong answers from one address, whatever the person, before it is locked out
# (higher than LOCKOUT_THRESHOLD: a dormitory behind one address activates together).
ACTIVATION_THROTTLE_PER_MINUTE = env_int("ACTIVATION_THROTTLE_PER_MINUTE", 20)
ACTIVATION_ADDRESS_THRESHOLD = env_int("ACTIVATION_ADDRESS_THRESHOLD", 30)

# Idle session timeout (seconds): a request renews it, writing the session at most once a minute
# (partycloud/sessions.py), not on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 1800 if MLPS3 else 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = False

# Local memory by default; Redis in production for rate limits shared by all processes.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)  # manage.py audit_purge; never below 180 (six months)
