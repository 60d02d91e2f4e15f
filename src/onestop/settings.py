"""Django settings of OneStop, read from environment variables.

The defaults are the embedded mode of `make run`: SQLite under `var/`, the outbox worker in
the web process, debug off. Production sets `DATABASE_URL`, `ONESTOP_SECRET_KEY` and
`ONESTOP_ALLOWED_HOSTS`.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from onestop.environment import (
    LOG_LEVELS,
    database_settings,
    env_choice,
    env_flag,
    env_folder,
    env_int,
    env_meta_key,
    env_port,
    env_text,
    env_url,
    env_urls,
    read_only_command,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# A source checkout has pyproject.toml two folders above the package (src/onestop).
CHECKOUT_DIR = PACKAGE_DIR.parent.parent


def _base_dir() -> Path:
    """Return the folder that contains var/: ONESTOP_HOME, else the source checkout.

    Without a checkout (an installed wheel) it is the working folder, so such a
    deployment sets ONESTOP_HOME or ONESTOP_VAR_DIR.
    """
    configured = os.environ.get("ONESTOP_HOME")
    if configured:
        return Path(configured).resolve()
    if (CHECKOUT_DIR / "pyproject.toml").is_file():
        return CHECKOUT_DIR
    return Path.cwd().resolve()


BASE_DIR = _base_dir()
VAR_DIR = env_folder("ONESTOP_VAR_DIR", BASE_DIR / "var")


# Whether DATABASE_URL names the database, as on a server. Such a database never gets a
# generated secret key.
ONESTOP_SERVER_DATABASE = bool(os.environ.get("DATABASE_URL"))


def _secret_key() -> str:
    """Return the configured secret key, or one kept in var/ for the embedded mode.

    A new var/secret_key is written only in the embedded mode (no DATABASE_URL), and
    only while its database does not exist yet. Sessions, signed links and the
    encryption of the database's signing keys all depend on the key they were made
    with, so a database restored without its var/secret_key, and every server
    database, gets no new key. The key then stays empty, and the web server and
    the commands that need it stop with `core.signing.SecretKeyMissing`, which names
    the variable to set. A var/secret_key that exists is read in both modes. A command
    that only reads writes no key either.
    """
    configured = os.environ.get("ONESTOP_SECRET_KEY")
    if configured:
        return configured
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    if (
        read_only_command
        or ONESTOP_SERVER_DATABASE
        or (VAR_DIR / "onestop.sqlite3").exists()
    ):
        return ""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    from secrets import token_urlsafe

    path.write_text(token_urlsafe(50))
    path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("ONESTOP_DEBUG", False)
ALLOWED_HOSTS = [
    host.strip()
    for host in env_text("ONESTOP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = env_urls("ONESTOP_CSRF_ORIGINS", ("http", "https"))

INSTALLED_APPS = [
    "onestop.core.admin_site.OneStopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Serves the API docs page's Swagger UI from the package, not from a CDN.
    "ninja",
    "onestop.core",
    "onestop.core.ledger",
    "onestop.regions",
    "onestop.identity",
    "onestop.worktime",
    "onestop.catalog",
    "onestop.cases",
    "onestop.exchange",
    "onestop.certificates",
    "onestop.ratings",
    "onestop.credit",
    "onestop.portal",
    "onestop.window",
    "onestop.office",
    "onestop.kiosk",
    "onestop.supervise",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onestop.core.session_generation.SessionGenerationMiddleware",
    "onestop.kiosk.middleware.KioskSessionMiddleware",
    "onestop.identity.session_ended.SessionEndedMiddleware",
    "onestop.identity.initial_password.InitialPasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "onestop.core.middleware.RequestContextMiddleware",
    "onestop.core.middleware.RequestSizeMiddleware",
    "onestop.core.middleware.FormTextMiddleware",
    "onestop.core.middleware.RequestUrlMiddleware",
    "onestop.core.middleware.ApiMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "onestop.urls"
CSRF_FAILURE_VIEW = "onestop.core.views.csrf_failure"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onestop.core.context.navigation",
            ],
        },
    },
]

DATABASE_URL = (
    os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'onestop.sqlite3'}"
)
DATABASES = {"default": database_settings(DATABASE_URL, conn_max_age=60)}
# Whether a command that only reads found no SQLite file. Connecting would create one,
# so the connection opens the file read-only and fails instead, and the command reports
# that the database is not migrated (core.management.base.not_migrated_error).
ONESTOP_DATABASE_NOT_CREATED = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN, so two writers wait on each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _database_file = Path(DATABASES["default"]["NAME"])
    if (
        read_only_command
        and not ONESTOP_SERVER_DATABASE
        and not _database_file.exists()
    ):
        ONESTOP_DATABASE_NOT_CREATED = True
        DATABASES["default"]["NAME"] = f"{_database_file.as_uri()}?mode=ro"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg sends the parameters apart from the query text. It prepares a query on the
    # server after 5 runs on a connection (psycopg's default, which Django turns off
    # unless it is set). So PostgreSQL parses the query once per connection, and it may
    # keep a generic plan after 5 more runs. Behind a pooler in transaction mode, such
    # as PgBouncer without max_prepared_statements, set "prepare_threshold": None.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
if os.environ.get("ONESTOP_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["ONESTOP_TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "onestop.identity.passwords.LettersAndDigitsValidator"},
    {"NAME": "onestop.identity.passwords.DiffersFromCurrentValidator"},
]
# Applicants sign in with a user name or with their resident ID number.
AUTHENTICATION_BACKENDS = ["onestop.identity.sign_in.UsernameOrIdNumberBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Pages show dates as 2026-12-05 in every language; see onestop/formats.
FORMAT_MODULE_PATH = ["onestop.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not read_only_command:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True

# Uploads: the limit per file, and the limit of a whole request (a matter has up to a dozen
# materials). Django's own limit applies to the form fields without the files.
ONESTOP_MAX_UPLOAD_BYTES = env_int("ONESTOP_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
ONESTOP_MAX_REQUEST_BYTES = env_int(
    "ONESTOP_MAX_REQUEST_BYTES",
    20 * ONESTOP_MAX_UPLOAD_BYTES,
    minimum=ONESTOP_MAX_UPLOAD_BYTES,
)
# Seconds for which a page keeps the files of a form that came back with an error, so
# that the applicant need not choose them again (cases.held_uploads). A kiosk keeps them
# for ONESTOP_KIOSK_IDLE_SECONDS at most, and until its applicant signs out.
ONESTOP_HELD_UPLOAD_SECONDS = env_int("ONESTOP_HELD_UPLOAD_SECONDS", 24 * 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# The request header (as a META key such as "HTTP_X_REAL_IP") in which the reverse
# proxy passes the client address. Empty uses REMOTE_ADDR.
ONESTOP_CLIENT_IP_HEADER = env_meta_key("ONESTOP_CLIENT_IP_HEADER")
ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS = env_int(
    "ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS", 100
)
# Registrations from one address that may name an already registered ID number or user
# name in 15 minutes, before that address's registrations wait 15 minutes.
ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS = env_int(
    "ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS", 20
)
# Rating pad pairing codes that devices from one address may get in 15 minutes, before
# that address's next device waits 15 minutes. The pairing page needs no sign-in.
ONESTOP_PAD_PAIRINGS_PER_ADDRESS = env_int("ONESTOP_PAD_PAIRINGS_PER_ADDRESS", 50)
# Days after which a claim to act for an enterprise that no window clerk verified is
# removed, and a rejected claim stops showing on the claimant's profile.
ONESTOP_AGENCY_CLAIM_DAYS = env_int("ONESTOP_AGENCY_CLAIM_DAYS", 30)
ONESTOP_RUN_WORKER_IN_PROCESS = env_flag("ONESTOP_RUN_WORKER_IN_PROCESS", True)
# The port that `onestop serve` listens on without --port, as `make run` sets it.
ONESTOP_WEB_PORT = env_port("PORT") or 8000
ONESTOP_PUBLIC_URL = env_url(
    "ONESTOP_PUBLIC_URL", f"http://127.0.0.1:{ONESTOP_WEB_PORT}", ("http", "https")
)
# The department exchange: onestop/exchange/conf.py says what each setting means.
ONESTOP_AMQP_URL = env_url("ONESTOP_AMQP_URL", "", ("amqp", "amqps"))
ONESTOP_AMQP_PREFIX = env_text("ONESTOP_AMQP_PREFIX", "") or None
ONESTOP_DEPT_SIM = env_flag("ONESTOP_DEPT_SIM", False)
ONESTOP_DEPT_SIM_PORT = env_port("ONESTOP_DEPT_SIM_PORT")
# The rating pad's cookie is sent over HTTPS only. Browsers treat 127.0.0.1 and localhost
# as secure, so a demo there works as it is. Set 0 only to try pads over plain HTTP at
# another address.
ONESTOP_PAD_COOKIE_SECURE = env_flag("ONESTOP_PAD_COOKIE_SECURE", True)
# Seconds without a touch after which a kiosk signs its applicant out and starts again,
# so that the next person does not find the last one's account.
ONESTOP_KIOSK_IDLE_SECONDS = env_int("ONESTOP_KIOSK_IDLE_SECONDS", 180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("ONESTOP_LOG_LEVEL", "INFO", LOG_LEVELS),
    },
    "loggers": {
        "django.request": {"level": "ERROR"},
        # pika (the RabbitMQ client) is verbose below WARNING and floods the server log.
        "pika": {"level": "WARNING"},
        # httpx logs every request at INFO. The webhook connector logs its deliveries
        # itself, and the demo simulator polls every 2 seconds.
        "httpx": {"level": "WARNING"},
    },
}

from onestop.core.logging import configure_structlog  # noqa: E402  (needs the settings above)

configure_structlog()
