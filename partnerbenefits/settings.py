"""Settings for Partner Benefits, read from the environment only.

Development: ``DJANGO_DEBUG=1`` (``make run`` sets it). Production: leave debug off and set
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from partnerbenefits.mail_settings import email_settings, from_address, portal_base_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_int(name: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum}, not {value!r}."
        )
    return number


def env_seconds(name: str, default: float, maximum: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= maximum:
        raise ImproperlyConfigured(
            f"{name} must be a number of seconds above 0 and at most {maximum:g} "
            f"(default {default:g}), not {value!r}."
        )
    return seconds


DEBUG = env_flag("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# This deployment's version (a commit, a tag). Cached table HTML carries it in its key, so after
# a deployment no page shows HTML rendered by the previous release's templates.
RELEASE = os.environ.get("DJANGO_RELEASE", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - debug mode only

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, for the project's form renderer below.
    "django.forms",
    "template_partials",
    "django_htmx",
    "csp",
    "axes",
    # Sign-in, password reset and two-step verification (TOTP, recovery codes, passkeys).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Staff import product keys from CSV or XLSX files in the admin (dry run, then confirm).
    "import_export",
    # The API (SPEC 11): django-ninja's static files draw its docs page (no CDN).
    "ninja",
    "accounts",
    "benefits",
    "benefits.notifications",
    # Activity sent to the organizations' own HTTPS endpoints, signed (SPEC 11).
    "benefits.webhooks",
    # The shared helpers, as an app for their deployment checks (common/checks.py).
    "common",
]

MIDDLEWARE = [
    # First, so that every response (redirects, static files, errors) carries X-Request-ID and
    # every log line of the request its id.
    "common.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in account's own language outvotes the browser's (accounts/language.py).
    "accounts.language.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # With PORTAL_MFA_REQUIRED, accounts that must use two-step verification enrol first.
    "accounts.mfa.MFAEnrolmentMiddleware",
    # Axes must come last so it sees the outcome of the sign-in view.
    "axes.middleware.AxesMiddleware",
]

# Fields and widgets render with templates of the project too (templates/_field.html,
# _form.html, widgets/long_select.html), not only Django's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "partnerbenefits.urls"
WSGI_APPLICATION = "partnerbenefits.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
                "benefits.notifications.context_processors.notifications",
            ],
            # {% partialdef %} everywhere without a {% load %}, as Django 6 has it built in.
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (postgres://user:password@host:5432/name); without it the
# portal uses an embedded SQLite file, enough for a demo on one machine.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL: each query's values travel apart from its text (server-side binding), so that a
# connection prepares a query once it has run it 5 times (psycopg's prepare_threshold) and
# PostgreSQL stops parsing and planning the portal's lookups on every request. It may then run
# one plan made for any value: prefix searches are written so that an index serves such a plan
# too (common/prefix_search.py). A pooler that hands one client's statements to other
# connections (PgBouncer in transaction mode before 1.21) can't keep them: set
# DJANGO_DB_PREPARED_STATEMENTS=0 there.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_flag(
    "DJANGO_DB_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches with two jobs. With Redis, give each a Redis whose eviction suits it:
# - "default": rate-limit counters, the redemption wizard's state and sessions. Losing one of
#   these forgets a guess or a step, so its Redis must never evict: maxmemory-policy noeviction.
# - "pages": rendered tables and each organization's page version (common/pagecache.py). All
#   disposable, rebuilt on a miss: its Redis may evict (allkeys-lru). It defaults to REDIS_URL;
#   one Redis serving both must then be noeviction.
# A Redis that answers nothing within REDIS_TIMEOUT_SECONDS counts as down, so a dead one can't
# hang requests: the pages cache then misses, and the others fall back or refuse precisely.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_PAGES_URL = os.environ.get("REDIS_PAGES_URL", "") or REDIS_URL
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))


def redis_cache(url: str, prefix: str, **options: object) -> dict:
    timeouts = {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
    }
    return {
        "BACKEND": "common.redis_cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {**timeouts, **options},
    }


# Without Redis, each is the process's own memory, as two separate stores.
CACHES = {
    "default": redis_cache(REDIS_URL, "partnerbenefits", name="Cache")
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": redis_cache(
        REDIS_PAGES_URL, "partnerbenefits-pages", name="Page cache", ignore_exceptions=True
    )
    if REDIS_PAGES_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
if REDIS_URL:
    # Sessions read from Redis and survive a cache flush, or an unreachable Redis, thanks to
    # the database copy (common/sessions.py).
    SESSION_ENGINE = "common.sessions"
    # The redemption wizard's steps keep their state in the shared cache: no database write.
    REDEEM_STATE_STORE = "cache"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # A per-process cache would lose the state between workers: the session keeps it.
    REDEEM_STATE_STORE = "session"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-allauth: accounts sign in by e-mail and are created by staff or by invitation, never
# by signing up. Its rate limits and client address follow the portal's (accounts/adapter.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# The same answer whether or not an address has an account, and no mail to unknown addresses.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Reset links are single-use (they die with the password they replace) and valid for 1 hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
# Changing the password, or resetting it, ends every other session of the account.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Reset by a link in the mail (not by a code typed back); after the reset the person signs in
# with the new password, which runs the second factor like any sign-in.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Sessions last as before (SESSION_COOKIE_AGE): no "remember me" box to get wrong.
ACCOUNT_SESSION_REMEMBER = True
# The sign-in form's fields and the reset forms' length limits (accounts/forms.py).
ACCOUNT_FORMS = {
    "login": "accounts.forms.PortalLoginForm",
    "reset_password": "accounts.forms.PortalResetPasswordForm",
    "reset_password_from_key": "accounts.forms.PortalResetPasswordKeyForm",
}
# At most 5 reset requests an hour per address and per client address. Sign-in failures are
# counted by django-axes below (per account and address), not by allauth: a second counter
# per client address would stop an office behind one address, and the load benchmark.
ACCOUNT_RATE_LIMITS = {
    "reset_password": "5/h/ip,5/h/key",
    "login": None,
    "login_failed": None,
}
# Asking the second factor (or the password) again after 15 minutes, before turning MFA off,
# regenerating recovery codes or revealing full product keys.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_RECOVERY_CODE_COUNT = 10
MFA_TOTP_ISSUER = "Partner Benefits"
# Every account with a benefits role, a team role or staff status enrols at its next sign-in
# before it reaches anything else. On by default in production; `make run` turns it off.
PORTAL_MFA_REQUIRED = env_flag("PORTAL_MFA_REQUIRED", default=not DEBUG)
# Recovery codes are shown once, on the page that follows enrolment (and may be downloaded from
# that session for 15 minutes); generating new ones asks the second factor again.
MFA_RECOVERY_CODES_SHOW_ONCE = True
# Wrong codes at sign-in or re-authentication lock like passwords: 10 per account in 15 minutes,
# with a message saying when to try again; enrolling counts as using the new second factor
# (accounts/mfa_forms.py).
MFA_FORMS = {
    "authenticate": "accounts.mfa_forms.AuthenticateForm",
    "reauthenticate": "accounts.mfa_forms.ReauthenticateForm",
    "activate_totp": "accounts.mfa_forms.ActivateTOTPForm",
    "add_webauthn": "accounts.mfa_forms.AddWebAuthnForm",
}
# Passkeys need a secure origin: https, or http://localhost. `make run` on http://127.0.0.1
# skips the origin check, never production.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# The roles that open the benefits area. One setting, because the program has changed this
# list over time; every check goes through accounts.permissions.
BENEFITS_ROLES = ["global_admin", "user_admin", "admin_agent", "mpn_partner_admin"]
# The roles that open the Team page (/team/): invite people, change roles, deactivate.
TEAM_ADMIN_ROLES = ["global_admin", "user_admin"]

# Sign-in lockout (django-axes): 10 failures for one account from one address lock that pair
# for 15 minutes, so nobody can lock a real admin out from elsewhere.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# A refused reset or invitation link may come with the new password typed into its form: axes
# stores the posted fields of each failure, masked by name.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password1", "password2"]
# The number of proxies in front of gunicorn, each appending to X-Forwarded-For: the client is
# the N-th address from its right (common.client_address). 0 (the default): X-Forwarded-For is
# ignored, as anyone can send one. DJANGO_AXES_IPWARE_PROXY_COUNT is the older name.
_proxy_count = (
    os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "").strip()
    or os.environ.get("DJANGO_AXES_IPWARE_PROXY_COUNT", "").strip()
)
if not (_proxy_count or "0").isdecimal():
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXY_COUNT must be a whole number of proxies (0 without any), "
        f"not {_proxy_count!r}."
    )
TRUSTED_PROXY_COUNT = int(_proxy_count or "0")
# Lockout per address needs the real one: axes asks the same function as the rest of the portal.
AXES_CLIENT_IP_CALLABLE = "common.client_address.client_address"

# --- Mail -------------------------------------------------------------------------------------
# EMAIL_URL: smtp://user:password@host:587/?tls=True, smtp+ssl://user:password@host:465 or
# console:// (partnerbenefits/mail_settings.py). Unset: mails are printed on the console, which
# is what `make run` shows in its terminal. Mails go through accounts.mail.send_mail.
_mail = email_settings(os.environ.get("EMAIL_URL", ""))
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _mail.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _mail.get("EMAIL_TIMEOUT")
# The sender of every mail (and of Django's own error mails).
DEFAULT_FROM_EMAIL = from_address(
    os.environ.get("DEFAULT_FROM_EMAIL", ""), default="Partner Benefits <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address, for the links in mails (accounts.mail.absolute_url): a mail is
# read outside any request, so it can't take the address from one.
PORTAL_BASE_URL = portal_base_url(os.environ.get("PORTAL_BASE_URL", ""), debug=DEBUG)

# --- Tasks ------------------------------------------------------------------------------------
# Celery workers (`celery -A partnerbenefits worker`, partnerbenefits/celery.py) deliver the mails
# of the outbox. CELERY_BROKER_URL defaults to REDIS_URL; a broker Redis must never evict
# (maxmemory-policy noeviction), as the "default" cache. Without a broker (`make run`, the
# tests) each task runs in the process, right after the commit that enqueues it.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A task is acknowledged once done, and given back to the broker if its worker dies: nothing is
# lost, and the tasks are idempotent so nothing is done twice. One task at a time per process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Nothing reads a task's result: no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The daily digests and the outbox's safety net run from `celery -A partnerbenefits beat`
# (partnerbenefits/celery.py has the schedule, in UTC).
# A refused mail is tried again after this many seconds, then twice as long each time
# (accounts/tasks.py: at least 5 tries over an hour). The tests' workers use about 1.
MAIL_RETRY_BACKOFF_SECONDS = env_seconds("MAIL_RETRY_BACKOFF_SECONDS", 60, maximum=600)

# --- Webhooks ---------------------------------------------------------------------------------
# Deliveries to private, loopback, link-local, multicast or reserved addresses are refused
# (benefits/webhooks/addresses.py), so an endpoint can't reach the portal's own network; only a
# development machine (debug on) or a test's receiver allows them.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_flag("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
# Seconds between a failed try and the next (benefits/webhooks/tasks.py): 1 min, 5 min, 30 min,
# 2 h, 5 h, 8 h, 8 h — eight tries over about 24 hours, then the delivery is failed. The tests'
# workers set shorter ones.
_webhook_delays = env_list(
    "WEBHOOKS_RETRY_DELAYS", ["60", "300", "1800", "7200", "18000", "28800", "28800"]
)
try:
    WEBHOOKS_RETRY_DELAYS = [float(delay) for delay in _webhook_delays]
except ValueError:
    WEBHOOKS_RETRY_DELAYS = []
if not WEBHOOKS_RETRY_DELAYS or any(delay <= 0 for delay in WEBHOOKS_RETRY_DELAYS):
    raise ImproperlyConfigured(
        "WEBHOOKS_RETRY_DELAYS must be a comma-separated list of seconds above 0, not "
        f"{_webhook_delays!r}."
    )
# The longest one delivery try may take, in seconds, all told: the lookup, connecting (to each
# of the host's addresses in turn), the TLS handshake, sending, and the answer's status line and
# headers (benefits/webhooks/transport.py; no single wait is longer than 10 s). A try holds a
# worker and the delivery's row lock meanwhile, so a receiver that answers a byte at a time is
# cut off here. The worker's task limits follow from it (benefits/webhooks/tasks.py).
WEBHOOKS_ATTEMPT_SECONDS = env_seconds("WEBHOOKS_ATTEMPT_SECONDS", 15, maximum=300)

# --- API --------------------------------------------------------------------------------------
# Requests a minute per token (benefits/api/auth.py); past it, 429 with Retry-After.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 600)
# How long an API Idempotency-Key and its answer are kept (24 hours at least, for clients that
# retry the next day).
API_IDEMPOTENCY_KEEP_HOURS = env_int("API_IDEMPOTENCY_KEEP_HOURS", 48, minimum=24)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The portal's catalogue, then its words for django-allauth's sentences (it says "two-step
# verification" where allauth says "two-factor authentication"), in English too. Both take
# precedence over the libraries' own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap's CSS and JS from the XStatic-Bootstrap package (no CDN, nothing committed).
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------------------------
# Content-Security-Policy: no inline script or style anywhere; htmx is served from 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Permissions-Policy: the browser features the portal never uses are off for it and for anything
# it could ever embed, so an injected script can't reach a camera, a USB device or a payment
# sheet. Only names Chromium knows are listed (an unknown one is a console warning), except
# bluetooth, which Chrome knows where Web Bluetooth exists (Windows, macOS, Android).
# publickey-credentials-get and -create are NOT listed: they keep their default (self), as
# passkeys (WebAuthn) are coming to the sign-in.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "captured-surface-control",
        "clipboard-read",
        "compute-pressure",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    ]
}
SESSION_COOKIE_HTTPONLY = True
# htmx reads the CSRF token from the page (hx-headers on <body>), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
# A form whose token is no longer valid gets a page of the portal saying what to do.
CSRF_FAILURE_VIEW = "common.csrf.csrf_failure"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the health check over plain HTTP; it must answer, not redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_flag("DJANGO_BEHIND_TLS_PROXY", default=False):
        # The proxy terminates TLS and says so in X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ----------------------------------------------------------------------------------
# Each line: time level logger [request id] message, then the request's path (never its query
# string) and the signed-in account's id ("-" outside a request or signed out).
# DJANGO_LOG_FORMAT=json writes one JSON object per line with the same fields.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "common.request_log.RequestContextFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s "
            "(path=%(path)s account=%(account_id)s)"
        },
        "json": {"()": "common.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs every attempt at INFO; warnings are enough outside debugging.
        "axes": {"level": "WARNING"},
    },
}

# --- Admin imports (django-import-export) -------------------------------------------------------
# An uploaded file waits for its confirm in a private folder and for an hour at most: it may
# hold full product keys (common/import_storage.py; `manage.py housekeeping` sweeps it too).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "common.import_storage.PrivateUploadStorage"
