"""Settings shared by every environment; everything deployment-specific comes from env vars."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("VIDENBRO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "videnbro.core",
    "videnbro.accounts",
    "videnbro.registry",
    "videnbro.partnerships",
    "videnbro.search",
    "videnbro.matching",
    "videnbro.crisis",
    "videnbro.datamap",
    "videnbro.broker",
    "videnbro.site",
]

MIDDLEWARE = [
    "videnbro.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "videnbro.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "videnbro.config.urls"
WSGI_APPLICATION = "videnbro.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = VAR_DIR / "videnbro.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; the pragmas are applied per
    # connection by Django 5.1+'s init_command; IMMEDIATE avoids upgrade deadlocks.
    # synchronous=FULL: a commit (an acknowledged offer) survives a power cut, not only a
    # killed process.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded documents (access requests) are private files under var/media, served only through
# views that check permissions; never at a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
BROKER_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# A multipart body may carry one document plus form fields; anything bigger is 413.
UPLOAD_MAX_REQUEST_BYTES = BROKER_MAX_DOCUMENT_BYTES + 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Days for each step of an access request before it is flagged overdue (docs/broker.md).
BROKER_DUE_DAYS = {
    "screening_start": 5,
    "screening": 10,
    "applicant": 30,
    "custodian_start": 10,
    "custodian_review": 30,
    "cost_estimate": 10,
    "provisioning_start": 10,
    "provisioning": 20,
}

# Background work (offer processing, e-mails) goes through Django's task framework
# (django-tasks backport). Default: the database back end – tasks are rows in the same
# database, written in the same transaction as the offer, and run by `videnbro db_worker`
# processes (several on PostgreSQL, which claims rows with SKIP LOCKED). Another back end
# (e.g. django_tasks_rq.RQBackend with Redis) is a settings change: TASKS_BACKEND.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A shared cache for abuse limits, so every app-server process counts the same client;
# the default (per-process) cache holds computed pages. THROTTLE_CACHE_URL can point at
# Redis (redis://…) in a multi-host deployment.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["THROTTLE_CACHE_URL"],
        }
        if os.environ.get("THROTTLE_CACHE_URL")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "throttle"),
            # One entry per client; the default 300 would cull live counters in a surge.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    ),
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "videnbro@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))

# The crisis front door: offers are small; a bigger body is refused with 413.
OFFER_MAX_BYTES = 64 * 1024
OFFER_THROTTLE_RATE = os.environ.get("OFFER_THROTTLE_RATE", "30/min")
# Base of links sent by e-mail (status pages); requests use their own host.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Personal data (issue 12; docs/privacy.md) -------------------------------------------------
# Days after which `videnbro privacy retention` clears personal data: offers' contact data after
# the offer finished / its availability ended / its incident stood down, and at the latest after
# the offer's last change; volunteers after the last incident stood down; django-axes log-in
# attempts; sent mail in the task queue; mail files under var/mail.
PRIVACY_OFFER_CONTACT_DAYS = int(os.environ.get("PRIVACY_OFFER_CONTACT_DAYS", "90"))
PRIVACY_OFFER_IDLE_DAYS = int(os.environ.get("PRIVACY_OFFER_IDLE_DAYS", "365"))
PRIVACY_VOLUNTEER_DAYS = int(os.environ.get("PRIVACY_VOLUNTEER_DAYS", "90"))
PRIVACY_LOGIN_ATTEMPT_DAYS = int(os.environ.get("PRIVACY_LOGIN_ATTEMPT_DAYS", "30"))
PRIVACY_TASK_DAYS = int(os.environ.get("PRIVACY_TASK_DAYS", "30"))
PRIVACY_MAIL_FILE_DAYS = int(os.environ.get("PRIVACY_MAIL_FILE_DAYS", "30"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "videnbro.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "videnbro.core.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "videnbro.core.api.exception_handler",
    # Issue 12 (finding 7): JSON with lone surrogates or absurd nesting is a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": [
        "videnbro.core.strict_input.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Abuse limits per client (429 with Retry-After); tune with API_THROTTLE_ANON/USER.
    "DEFAULT_THROTTLE_CLASSES": [
        "videnbro.core.throttling.AnonRateThrottle",
        "videnbro.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "1200/min"),
        "user": os.environ.get("API_THROTTLE_USER", "6000/min"),
        "offers": OFFER_THROTTLE_RATE,
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Clients are told apart by REMOTE_ADDR; behind N reverse proxies set NUM_PROXIES=N so
    # X-Forwarded-For is read – never trusted from the client itself.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Videnbro API",
    "DESCRIPTION": (
        "REST API of Videnbro, the knowledge bridge for the Danish health and life-science "
        'ecosystem. Errors are returned as {"errors": {field: [messages]}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the vendored sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Issue 12 (finding 11): every operation documents its error answers, `page` is bounded.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "videnbro.core.openapi.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FocusAreaEnum": "videnbro.partnerships.taxonomy.FocusArea",
        "CapacityPeriodEnum": "videnbro.registry.models.Period",
        "OfferPeriodEnum": "videnbro.crisis.taxonomy.OfferPeriod",
        "IncidentKindEnum": "videnbro.crisis.models.IncidentKind",
        "IncidentStatusEnum": "videnbro.crisis.models.Incident.Status",
        "NeedStatusEnum": "videnbro.crisis.models.Need.Status",
        "OfferStatusEnum": "videnbro.crisis.models.Offer.Status",
        "AccessRequestStatusEnum": "videnbro.broker.models.AccessRequest.Status",
        "AccessRequestKindEnum": "videnbro.broker.models.AccessRequest.Kind",
        "RequestPartStatusEnum": "videnbro.broker.models.RequestPart.Status",
        "RequestDocumentKindEnum": "videnbro.broker.models.RequestDocument.Kind",
        "ProcessingEnvironmentEnum": "videnbro.broker.models.AccessRequest.Environment",
        "OffererTypeEnum": "videnbro.crisis.models.Offer.OffererType",
        "SkillEnum": "videnbro.crisis.taxonomy.Skill",
        "CrisisItemEnum": "videnbro.crisis.taxonomy.ITEM_CHOICES",
        "VolunteerStatusEnum": "videnbro.crisis.models.Volunteer.Status",
        "OrganisationKindEnum": "videnbro.registry.models.Kind",
        "MembershipRoleEnum": "videnbro.registry.models.MembershipRole",
        "ParticipantRoleEnum": "videnbro.partnerships.models.ParticipantRole",
        "PartnershipStatusEnum": "videnbro.partnerships.models.Status",
        "BodyKindEnum": "videnbro.partnerships.models.BodyKind",
        "OutputKindEnum": "videnbro.partnerships.models.OutputKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# --- Security headers (issue 12, finding 10; docs/security.md, docs/decisions/0011) ---------
# A Content-Security-Policy without 'unsafe-inline' on every response (django-csp 4): scripts
# and styles come from our own static files only; no page carries an inline <script>, <style>
# or style="" attribute (a test parses every public page). Per-view exceptions use django-csp's
# decorators and are listed in docs/security.md.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the evaluation page's chart and the SVG icons Swagger UI's stylesheet embeds.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# HTTPS: off by default (development on http://127.0.0.1); production.py turns it on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Load balancers probe the health check over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]
# Trust X-Forwarded-Proto only when a reverse proxy that sets it is declared:
# SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https" (header, value). Unset → not trusted,
# so a client cannot claim HTTPS by sending the header itself.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    # not `_`: that name is gettext_lazy in this module
    _header, _sep, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
# Anonymous downloads of the incident evaluation (PDF, XLSX) per client; rendered files are
# cached per incident version (crisis/downloads.py).
REPORT_THROTTLE_RATE = os.environ.get("REPORT_THROTTLE_RATE", "10/min")
# --- end of security headers ---------------------------------------------------------------


# --- Log-in protection, staff two-factor authentication, self-service accounts -------------
# (issue 12, findings 1 and 4; docs/accounts.md, docs/decisions/0010-login-protection-and-2fa.md)
# django-axes counts failed password log-ins (site and admin) and locks out for a cool-off;
# django-otp adds TOTP codes for staff. TwoFactorMiddleware keeps a password-only session of
# an account with a device on the code page; REQUIRE_STAFF_2FA makes the admin need a code.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
_auth_at = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_auth_at:_auth_at] = [
    "django_otp.middleware.OTPMiddleware",
    "videnbro.accounts.middleware.TwoFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: turns a lock-out into the 429 page
AUTHENTICATION_BACKENDS = [
    "videnbro.accounts.backends.LoginLockoutBackend",  # first: refuses locked-out clients
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT") or 10)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES") or 15))
# Each item locks out on its own: the account (whatever the client) and the client (whatever
# the account). "username+ip_address" would lock only that account from that client.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env_list("LOGIN_LOCKOUT_PARAMETERS", "username,ip_address")
]
# Never True: axes would then delete every failure row of the client address too, so a log-in
# to one's own account would reset the guesses at another's (review finding 1). A success
# forgets only that account's failures from that client (accounts/throttling.py).
AXES_RESET_ON_SUCCESS = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every app server
AXES_LOCKOUT_CALLABLE = "videnbro.accounts.throttling.lockout_response"  # 429 page
# The client address exactly as the API throttles read it (REMOTE_ADDR, or X-Forwarded-For
# behind REST_FRAMEWORK["NUM_PROXIES"] proxies – never trusted from the client itself).
AXES_CLIENT_IP_CALLABLE = "videnbro.accounts.throttling.client_ip"
AXES_USERNAME_CALLABLE = "videnbro.accounts.throttling.lockout_username"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Videnbro"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no administrator sees another person's TOTP key
REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", False)
# Mails an outsider can trigger: per address and hour (password reset, sign-up) and
# password-reset requests per client and hour, counted in the shared "throttle" cache.
ACCOUNTS_MAILS_PER_ADDRESS_PER_HOUR = int(os.environ.get("ACCOUNTS_MAILS_PER_ADDRESS_PER_HOUR") or 3)
ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR = int(os.environ.get("ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR") or 10)
# Self-service accounts never activated are deleted after this many days (the link lives 3).
ACCOUNTS_UNCONFIRMED_DAYS = int(os.environ.get("ACCOUNTS_UNCONFIRMED_DAYS") or 7)
# --- end of log-in protection --------------------------------------------------------------


def require_secret_key() -> None:
    if not SECRET_KEY:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable.")
