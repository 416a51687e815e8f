"""Core Django settings: apps, middleware, templates, languages, static files."""

from __future__ import annotations

from .env import DATA_DIR, ROOT_DIR, env_bool, env_int, env_str

DEBUG = env_bool("DJANGO_DEBUG", False)

SHARED_APPS = [
    # tenants first: its migrate / migrate_schemas commands override django-tenants' own.
    "tenants",
    "django_tenants",
    "services.accounts",
    "services.audit",
    "services.oversight",
    "services.statistics",
    "services.rules",
    "services.procedures",
    "services.workdays",
    "services.transfer_exchange",
    # Both lists: the public copy holds what the municipal committee publishes to every institution.
    "services.documents",
    "services.search",
    # Both lists: the public copy holds the committee's indicator systems, an institution's its local items.
    "services.standards",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partycloud",
    # The platform console: institution lifecycle, archives, demo seeding, operators' pages and API.
    "console",
]

# Apps whose tables live in every institution's schema. Apps listed in both lists
# (users, sessions, tokens, audit) get a table in the public schema too: that copy
# holds the platform operators and the municipal committee.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "services.accounts",
    "services.audit",
    "services.organization",
    "services.members",
    "services.rule_overrides",
    "services.documents",
    "services.search",
    "services.development",
    "services.orglife",
    "services.dues",
    "services.votes",
    "services.transfers",
    "services.reminders",
    "services.activation",
    "services.notifications",
    "services.study",
    "services.exams",
    "services.thought_reports",
    "services.surveys",
    "services.openness",
    "services.standards",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    "partycloud.metrics.MetricsMiddleware",
    # Each request is one action: its user, address, request id and channel, read by the audit log.
    "services.kernel.actions.ActionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.routing.InstitutionRoutingMiddleware",
    # Before any view: NUL, control characters, lone surrogates, invalid UTF-8 are a 400.
    "partycloud.hygiene.RequestHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: renews a signed-in session at most once a minute (partycloud/sessions.py).
    "partycloud.sessions.SessionRenewalMiddleware",
    "partycloud.i18n.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "services.organization.scope.ScopeCacheMiddleware",
    "services.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "partycloud.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "partycloud.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "partycloud.urls_public"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partycloud.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "partycloud.wsgi.application"
ASGI_APPLICATION = "partycloud.asgi.application"

# Chinese first; English is offered by the language switcher (see partycloud/i18n.py).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [ROOT_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps when collectstatic has not run (make run, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "pgserver": {"level": "WARNING"}},
}

# Meeting check-in (services/orglife/checkin_codes.py, docs/orglife.md "Check-in"): the code on the
# host's screen changes every SLICE seconds and is accepted in its slice and the next one; a phone
# that scanned in time and then signs in has SIGNIN_SECONDS to come back; arriving more than
# LATE_GRACE_MINUTES after the start is late.
ORGLIFE_CHECKIN_SLICE_SECONDS = env_int("ORGLIFE_CHECKIN_SLICE_SECONDS", 10)
ORGLIFE_CHECKIN_SIGNIN_SECONDS = env_int("ORGLIFE_CHECKIN_SIGNIN_SECONDS", 300)
ORGLIFE_CHECKIN_LATE_GRACE_MINUTES = env_int("ORGLIFE_CHECKIN_LATE_GRACE_MINUTES", 5)
