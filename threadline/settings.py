"""Threadline settings, read from the environment.

With no variables set this is the embedded default: SQLite (WAL) and a generated secret key under
`./var/`. Production sets THREADLINE_ENV=production, THREADLINE_SECRET_KEY, DATABASE_URL and
THREADLINE_ALLOWED_HOSTS. A malformed or unknown THREADLINE_* variable stops start-up with a
message naming it, because a typo in a security setting must never be silently ignored.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets classes such as ModelAdmin and ModelForm take type parameters at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

KNOWN_VARIABLES = {
    "THREADLINE_ENV",
    "THREADLINE_SECRET_KEY",
    "THREADLINE_FIELD_KEYS",
    "THREADLINE_ALLOWED_HOSTS",
    "THREADLINE_CSRF_TRUSTED_ORIGINS",
    "THREADLINE_DEBUG",
    "THREADLINE_VAR_DIR",
    "THREADLINE_IDLE_TIMEOUT_MINUTES",
    "THREADLINE_SESSION_MAX_HOURS",
    "THREADLINE_HTTPS",
    "THREADLINE_LOG_LEVEL",
    "THREADLINE_ASSIST_URL",
    "THREADLINE_ASSIST_MODEL",
    "THREADLINE_ASSIST_API_KEY",
    "THREADLINE_ASSIST_TIMEOUT_SECONDS",
}


def _fail(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}: {problem}")


for _name in os.environ:
    if _name.startswith("THREADLINE_") and _name not in KNOWN_VARIABLES:
        raise _fail(_name, "unknown setting; known ones are " + ", ".join(sorted(KNOWN_VARIABLES)))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise _fail(name, f"expected true or false, got {raw!r}")


def env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _fail(name, f"expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise _fail(name, f"must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


ENVIRONMENT = env_str("THREADLINE_ENV", "embedded")
if ENVIRONMENT not in {"embedded", "production"}:
    raise _fail("THREADLINE_ENV", f"expected embedded or production, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(env_str("THREADLINE_VAR_DIR") or BASE_DIR / "var")
DEBUG = env_bool("THREADLINE_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise _fail("THREADLINE_DEBUG", "must be off when THREADLINE_ENV=production")


def _secret_key() -> str:
    key = env_str("THREADLINE_SECRET_KEY")
    if key:
        if len(key) < 50:
            raise _fail("THREADLINE_SECRET_KEY", "must be at least 50 characters")
        return key
    if PRODUCTION:
        raise _fail("THREADLINE_SECRET_KEY", "is required when THREADLINE_ENV=production")
    # The embedded default keeps a generated key beside its database, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_keys() -> list[bytes]:
    """Keys that seal secrets kept in the database (authenticator seeds), AES-256-GCM.

    A comma-separated list of 32-byte keys in URL-safe base64: the first seals, all open, so a
    new key goes in front and the old one stays until `threadline manage reseal_authenticators`
    has run. Unset in the embedded default, a key derived from SECRET_KEY is used instead
    (`threadline.accounts.sealing`); production must set its own, so that changing the secret
    key (which only signs cookies) cannot lock everyone out of their authenticator.
    """
    name = "THREADLINE_FIELD_KEYS"
    raw = env_list(name, [])
    if not raw and PRODUCTION:
        raise _fail(name, "is required when THREADLINE_ENV=production")
    keys = []
    for position, text in enumerate(raw, start=1):
        try:
            key = base64.b64decode(text, altchars=b"-_", validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise _fail(
                name,
                f"key {position} is not 32 bytes in URL-safe base64; make one with "
                "python3 -c 'import base64, secrets; "
                "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'",
            )
        keys.append(key)
    return keys


FIELD_KEYS = _field_keys()

ALLOWED_HOSTS = env_list(
    "THREADLINE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise _fail("THREADLINE_ALLOWED_HOSTS", "is required when THREADLINE_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("THREADLINE_CSRF_TRUSTED_ORIGINS", [])


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "threadline.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000;",
            },
        }
    import dj_database_url

    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise _fail("DATABASE_URL", f"cannot be read ({exc})") from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise _fail("DATABASE_URL", "must be a postgres:// or sqlite:// URL")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "threadline.accounts",
    "threadline.audit",
    "threadline.clients",
    "threadline.diagnoses",
    "threadline.library",
    "threadline.plans",
    "threadline.signatures",
    "threadline.portal",
    "threadline.appointments",
    "threadline.notes",
    "threadline.measures",
    "threadline.privacy",
    "threadline.api",
    "threadline.reviews",
    "threadline.psychotherapy_notes",
    "django_otp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "threadline.lib.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "threadline.lib.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "threadline.accounts.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "threadline.urls"
WSGI_APPLICATION = "threadline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "threadline.accounts.context_processors.membership",
                "threadline.lib.security.csp_nonce",
            ],
        },
    },
]

# People log in by email; passwords are hashed with argon2.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: length and a block list, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five wrong passwords for one account from one address lock it for a while (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The login form posts "username" (holding the email), as Django's AuthenticationForm does.
AXES_USERNAME_FORM_FIELD = "username"

# Sessions live in the database so any number of app servers can run behind a load balancer.
# Idle timeout and absolute lifetime are enforced server-side by SessionLimitsMiddleware.
IDLE_TIMEOUT = timedelta(minutes=env_int("THREADLINE_IDLE_TIMEOUT_MINUTES", 15))
SESSION_MAX_AGE = timedelta(hours=env_int("THREADLINE_SESSION_MAX_HOURS", 12))
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

HTTPS = env_bool("THREADLINE_HTTPS", default=PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# No script reads the CSRF cookie: forms and htmx posts carry the token from the page.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    # The __Host- prefix makes the browser refuse these cookies unless they are Secure, set for
    # the whole site (Path=/) and bound to this exact host (no Domain), so a neighbouring
    # subdomain cannot plant or overwrite them (ASVS 3.3.1).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-csp: scripts only from this site and only with the nonce of the page that carries them,
# so text that slips into a page as markup cannot run. No inline styles either: htmx's own
# indicator styles are turned off in base.html. Templates put nonce="{{ request.csp_nonce }}" on
# every <script>; the csp_nonce context processor hands the same nonce to {% htmx_script %}.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves from here once collectstatic has run (threadline serve does); making the
# folder up front keeps a fresh checkout's tests quiet. Production may run on a read-only disk.
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("THREADLINE_LOG_LEVEL", "WARNING").upper()},
}

# Wording suggestions for progress notes from an OpenAI-compatible endpoint (threadline.assist).
# Off by default: nothing is sent anywhere unless THREADLINE_ASSIST_URL is set.
ASSIST_URL = env_str("THREADLINE_ASSIST_URL")
_assist_scheme, _, _assist_host = ASSIST_URL.partition("://")
if ASSIST_URL and (_assist_scheme.lower() not in {"http", "https"} or not _assist_host.strip("/")):
    raise _fail("THREADLINE_ASSIST_URL", "must be an http:// or https:// URL")
ASSIST_MODEL = env_str("THREADLINE_ASSIST_MODEL")
ASSIST_API_KEY = env_str("THREADLINE_ASSIST_API_KEY")
ASSIST_TIMEOUT_SECONDS = env_int("THREADLINE_ASSIST_TIMEOUT_SECONDS", 20)
