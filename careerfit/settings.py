"""CareerFit settings.

Everything that differs between a laptop and a server comes from the environment; the
defaults are for development. With DEBUG off the project refuses to start without a real
secret key and allowed hosts.
"""

import os
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Templates, static files, translations and fixtures: top-level folders in a checkout; an
# installed wheel carries them in careerfit/site/ (see setup.py).
_PACKAGED_SITE = Path(__file__).resolve().parent / "site"
SITE_DIR = _PACKAGED_SITE if _PACKAGED_SITE.is_dir() else BASE_DIR


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# --- Core -------------------------------------------------------------------------------
# Development default; production sets DJANGO_DEBUG=0 (the gunicorn configuration does).
DEBUG = env_bool("DJANGO_DEBUG", True)

# A development key only works with DEBUG on; production must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or _DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

if not DEBUG:
    if (
        SECRET_KEY == _DEV_SECRET_KEY
        or len(SECRET_KEY) < 32
        or SECRET_KEY.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 32 characters when "
            "DJANGO_DEBUG is off (generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the host names this site is served on "
            "(comma-separated) when DJANGO_DEBUG is off."
        )

# --- Applications -----------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "simple_history",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The browser features no page uses, switched off (PERMISSIONS_POLICY below).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # A locked, read-only or unreachable database: a 503 page, not a 500 (careerfit.errors).
    "careerfit.errors.DatabaseUnavailableMiddleware",
    # A 405 or 409 without a body gets the site's page for it (careerfit.errors).
    "careerfit.errors.ErrorPageBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware less Accept-Language: Indonesian unless the visitor chose.
    "careerfit.middleware.ChosenLanguageMiddleware",
    # Before anything reads a body: refuses what no form of the site sends (see Forms).
    "careerfit.middleware.BoundedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which user made each edit of a role profile (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns django-ratelimit's refusal into RATELIMIT_VIEW's 429 page (else a bare 403).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # The app's 404 page for its own pages under DEBUG too (make run), not the URL listing.
    "careerfit.middleware.AppNotFoundPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "careerfit.urls"
WSGI_APPLICATION = "careerfit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# PostgreSQL through DATABASE_URL; otherwise an embedded SQLite file. WAL lets readers run
# beside one writer, IMMEDIATE transactions take the write lock up front so two workers
# never deadlock upgrading a read lock, and the busy timeout makes a writer wait instead of
# failing with "database is locked". Either way a worker keeps its connection between
# requests: opening one (for SQLite, with its PRAGMAs) cost more than a cached page.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_CONN_MAX_AGE = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=DATABASE_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    }
else:
    # Seconds a writer waits for the lock before the visitor gets the "try again" page.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20"))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "CONN_MAX_AGE": DATABASE_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)};"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [SITE_DIR / "fixtures"]

# --- Authentication ---------------------------------------------------------------------
# django-axes locks the admin login after repeated failures: for a user name, whatever
# address they come from (guessing one account's password from many addresses), and for
# an address, whatever user names it tries (guessing many accounts from one). The price:
# anyone can lock a real HR account for an hour by failing to log in as it. Hence the
# ways back in: the cool-off, "manage.py axes_reset_username", and addresses that are
# never locked out (the office's own, CAREERFIT_LOGIN_TRUSTED_ADDRESSES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CAREERFIT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_IP_WHITELIST = env_list("CAREERFIT_LOGIN_TRUSTED_ADDRESSES")
AXES_NEVER_LOCKOUT_WHITELIST = bool(AXES_IP_WHITELIST)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [
    ("id", _("Bahasa Indonesia")),
    ("en", _("English")),
]
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "") or BASE_DIR / "staticfiles")
# Bootstrap's files come from a Python package (a wheel), so the app serves them itself and
# works on an offline intranet.
STATICFILES_DIRS = [SITE_DIR / "static", ("bootstrap", bootstrap_wrapper.get_bootstrap_dir())]
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

# --- Forms ------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A questionnaire page posts a few dozen short fields; the largest form, HR's role page
# with its inlines, about 500 fields and 50 KB for the Kabag Kesra profile. Anything far
# beyond that is refused with a 400 before a view sees it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Bodies beyond these sizes get a 413 before a byte is read, and a public request may only
# carry an urlencoded form (careerfit.middleware.BoundedInputMiddleware): a section page
# posts about 1 KB. The admin also takes the profile import, a file of at most 5 MB.
PUBLIC_MAX_BODY_BYTES = 64 * 1024
ADMIN_MAX_BODY_BYTES = 6 * 1024 * 1024
# So an uploaded file is always held in memory, never written to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = ADMIN_MAX_BODY_BYTES
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# --- Security ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Each of these is read on its own: production (DEBUG off) defaults to the safe value,
# development to the convenient one, and a value set in the environment always wins.
if env_bool("DJANGO_SECURE_COOKIES", not DEBUG):
    # __Host- cookies are only accepted over HTTPS, for this exact host, on every path.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes the app servers directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
    # Preloading binds the whole registrable domain (often the regency's .go.id, shared
    # with other services) to HTTPS for good: the operator opts in, it is no oversight.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Messages in a cookie named as the others are, so that deleting it carries Secure too.
MESSAGE_STORAGE = "careerfit.messages.FallbackStorage"

# No page uses the camera, the microphone, the location, payments, sensors or devices: a
# script injected despite the CSP could not ask for them either. The private link's copy
# and share buttons use the clipboard (writing) and the share sheet, for this site only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "clipboard-read": [],
    "clipboard-write": "self",
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "web-share": "self",
    "xr-spatial-tracking": [],
}

# Everything is served by the app itself: no inline script or style, no third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Cache and rate limits ----------------------------------------------------------------
# With REDIS_URL, every worker and server shares the rate-limit counters. Without it each
# worker process counts on its own, so the effective limit is the rate times the workers.
# While Redis is unreachable the app does the same rather than fail (careerfit.cache): the
# short socket timeouts keep a dead Redis host from holding a request for long.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
    "RETRY_SECONDS": float(os.environ.get("CAREERFIT_REDIS_RETRY_SECONDS", "5")),
    "LOG_INTERVAL_SECONDS": 60,
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "careerfit.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_OPTIONS,
        },
        # Kept pages (assessments.views.PAGE_CACHE): apart, so they never evict counters.
        "pages": {
            "BACKEND": "careerfit.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "careerfit-pages",
            "OPTIONS": REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Kept pages (assessments.views.PAGE_CACHE), per worker process: a role preview is
        # about 25 KB per version, language and address.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "careerfit-pages",
        },
    }
RATELIMIT_VIEW = "assessments.views.rate_limited"
RATELIMIT_ENABLE = env_bool("CAREERFIT_RATELIMIT", True)
# A job fair's visitors often share one address (the venue's Wi-Fi): keep these generous.
RATE_START = os.environ.get("CAREERFIT_RATE_START", "60/10m")
RATE_SUBMIT = os.environ.get("CAREERFIT_RATE_SUBMIT", "600/10m")
# A result's PDF takes 1.5-2.5 s of CPU to make (a made one is kept and costs nothing).
RATE_PDF = os.environ.get("CAREERFIT_RATE_PDF", "20/10m")
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # The proxy's address is the same for everyone: count (and lock out admin logins) by
    # the client address it forwards, the last X-Forwarded-For entry, never a forged one.
    RATELIMIT_IP_META_KEY = "careerfit.proxy.client_ip"
    AXES_CLIENT_IP_CALLABLE = "careerfit.proxy.client_ip"

# --- CareerFit --------------------------------------------------------------------------
# The version of the consent notice shown to visitors; stored with every assessment. Raise
# it whenever the notice's text changes.
CONSENT_NOTICE_VERSION = os.environ.get("CAREERFIT_CONSENT_VERSION", "2026-12-03.2")
# Days a completed result is kept, and days an unfinished assessment is kept, both counted
# from the day it was started (purge_expired; the consent notice says so).
RETENTION_DAYS_COMPLETED = int(os.environ.get("CAREERFIT_RETENTION_DAYS_COMPLETED", "365"))
RETENTION_DAYS_ABANDONED = int(os.environ.get("CAREERFIT_RETENTION_DAYS_ABANDONED", "30"))
# Completed assessments of one profile version needed before item statistics are shown.
STATS_MIN_COMPLETED = int(os.environ.get("CAREERFIT_STATS_MIN_COMPLETED", "30"))

# --- Logging ----------------------------------------------------------------------------
# Request bodies (answers) are never logged: only Django's own warnings and errors, with
# the assessment token cut out of the paths they name. Each line carries the time (UTC),
# level and logger name, as gunicorn's do (careerfit.log_format); a request Django refused
# as suspicious (an unknown host, too many fields) is one line at WARNING, no traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"careerfit": {"()": "careerfit.log_format.LogFormatter"}},
    "filters": {
        "redact_tokens": {"()": "careerfit.log_filters.RedactAssessmentTokens"},
        "one_line_security": {"()": "careerfit.log_filters.OneLineSecurityWarning"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "careerfit",
            "filters": ["one_line_security", "redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # Django's own handlers (a console while DEBUG is on, mail to the empty ADMINS) would
    # write the same messages again, unformatted and with the token: the root's only.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
