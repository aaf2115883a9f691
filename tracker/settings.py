"""Settings for the peer challenge tracker.

Everything that differs between a laptop and production comes from the environment, so the
same code runs everywhere: DATABASE_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tracker.static_headers import PERMISSIONS_POLICY as STATIC_PERMISSIONS_POLICY
from tracker.static_headers import add_static_headers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, "
            "or DEBUG=true for local development only."
        )
    # A fixed key is acceptable only for a developer's own machine: DEBUG is never on in
    # production, and the check above refuses to start without a real key there.
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "tracker.admin_site.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_forms_gds",
    "tracker",
    "recommendations",
    "actions",
]

MIDDLEWARE = [
    "tracker.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in a path, query or form is a 400 before anything looks it up.
    "tracker.hostile.NulByteMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user verified once they have given a one-time code (two-factor sign-in).
    "tracker.middleware.OTPMiddleware",
    # Nothing shown to a signed-in user is kept by a cache.
    "tracker.middleware.NoStoreWhenSignedInMiddleware",
    # Every page needs sign-in unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tracker.middleware.SessionTimeoutMiddleware",
    "tracker.middleware.TwoFactorMiddleware",
    "tracker.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tracker.middleware.PermissionsPolicyMiddleware",
    # Refuses sign-in attempts from a locked-out account or address; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

# Everything is served from this origin; the one inline script (GOV.UK's body class) carries
# the per-response nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features this service never uses are switched off for its pages (tracker.middleware).
PERMISSIONS_POLICY = STATIC_PERMISSIONS_POLICY

# HTTPS everywhere outside development. Behind a proxy or load balancer that terminates TLS,
# it must set X-Forwarded-Proto; the app trusts that header only from there.
HTTPS = env_bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Ask browsers to remember HTTPS before the first visit; a council can turn this off for
    # a domain it does not want on the preload list.
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Health checks come from the load balancer over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"

# Requests larger than this are refused before a view sees them (uploads are capped at 5 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["tracker.templatetags.tracker_tags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "tracker.context_processors.service",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
if DATABASE_URL == DEFAULT_DATABASE_URL:
    # The embedded default keeps its file in the gitignored var/ folder.
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a write lock rather than fail at once under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id for new and changed passwords; older hashes still verify and are upgraded at the
# next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Passwords: at least 12 characters, not a common one, no composition rules; long passphrases
# (and pasting them from a password manager) welcome.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "tracker.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
]

AUTHENTICATION_BACKENDS = [
    # Checks lockouts before any password is compared.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user and their permissions in fewer queries.
    "tracker.auth.AccountBackend",
]

# Lockout after repeated failed sign-ins (django-axes): 5 failures lock the username, and
# separately the address they came from, for 15 minutes. An admin can unlock sooner by
# deleting the access attempt in the admin site (or `manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
# Never record what was typed as a password, and do not keep a row per successful sign-in
# (sign-ins are logged as structured lines instead).
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, unless the service runs behind a proxy or load balancer
# that sets X-Forwarded-For (TRUSTED_PROXY_COUNT=1 for one such hop). Trusting the header
# without a proxy would let anyone choose the address they are locked out by.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "recommendations:home"
LOGOUT_REDIRECT_URL = "sign-in"

# Sessions end after 30 minutes without a request, and 12 hours after sign-in whatever
# happens (tracker.middleware.SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = int(
    os.environ.get("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Mail: the console in development (and wherever no SMTP server is configured); SMTP from
# the environment in production.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "peer-challenge-tracker@localhost")
if os.environ.get("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SMTP_HOST"],
                "port": int(os.environ.get("SMTP_PORT", "587")),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# GOV.UK style dates: "14 September 2017".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i a"
SHORT_DATE_FORMAT = "j M Y"
# Localised formats would override the settings above, so pin the en-gb ones here.
FORMAT_MODULE_PATH = ["tracker.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# The npm build writes GOV.UK Frontend and MOJ Frontend assets here (gitignored).
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tracker.storage.StaticStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = False
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_headers

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

SERVICE_NAME = "Peer challenge tracker"
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = SERVICE_NAME
# The address people use to reach the service: links in emails start with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Files larger than this are refused before they are parsed (the review file format's limit).
REVIEW_FILE_MAX_BYTES = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of every PDF at INFO.
    "loggers": {
        # Security events are JSON lines (tracker.security_log) on stderr.
        "tracker.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes narrates every sign-in; the security log above says what matters.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
