"""amana settings, read from the environment (see amana/env.py and docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from amana.env import env_bool, env_choice, env_int, env_list, env_path, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("AMANA_VAR_DIR", BASE_DIR / "var")
KEYS_DIR = VAR_DIR / "keys"

DEBUG = env_bool("DEBUG", False)
# HTTPS is on unless switched off: production cookies are secure and HSTS is sent.
HTTPS = env_bool("AMANA_HTTPS", not DEBUG)

SECRET_KEY = env_secret("SECRET_KEY", min_length=50, default_file=KEYS_DIR / "secret_key")
# Keys the hash chain of the audit log, so that a database writer cannot forge a whole new chain.
AMANA_AUDIT_KEY = env_secret("AMANA_AUDIT_KEY", min_length=32, default_file=KEYS_DIR / "audit_key")
# Keys the blind indexes of perpetrator identifiers; outside the database so a stolen copy cannot
# be searched for a guessed phone number.
# Signs the checkpoints of the audit chain's head, written outside the database (amana/vault/checkpoints.py).
AMANA_CHECKPOINT_SIGNING_KEY = env_secret(
    "AMANA_CHECKPOINT_SIGNING_KEY", min_length=64, default_file=KEYS_DIR / "checkpoint_signing_key"
)
# Where signed checkpoints are written: a directory apart from the database (and its backups' target).
AMANA_CHECKPOINT_DIR = env_path("AMANA_CHECKPOINT_DIR", VAR_DIR / "checkpoints")
# Backups (manage.py backup) are encrypted to this X25519 public key (64 hex digits); its private half
# is printed once by 'manage.py backup_keys' and kept offline, never on the server.
AMANA_BACKUP_PUBLIC_KEY = env_str("AMANA_BACKUP_PUBLIC_KEY", "") or (
    (KEYS_DIR / "backup_public_key").read_text() if (KEYS_DIR / "backup_public_key").exists() else ""
)
AMANA_BACKUP_DIR = env_path("AMANA_BACKUP_DIR", VAR_DIR / "backups")
AMANA_BLIND_INDEX_KEY = env_secret("AMANA_BLIND_INDEX_KEY", min_length=32, default_file=KEYS_DIR / "blind_index_key")
# Keys the noise of released statistics (amana/insights), so that whoever holds the database cannot
# take the noise off a published figure.
AMANA_RELEASE_KEY = env_secret("AMANA_RELEASE_KEY", min_length=32, default_file=KEYS_DIR / "release_key")
# Argon2id cost for keys unlocked by passwords and receipt codes: moderate, interactive, or
# minimum (test suites only).
AMANA_KDF_COST = env_choice("AMANA_KDF_COST", "moderate", ["moderate", "interactive", "minimum"])
# How many such derivations one worker process runs at once (each holds 256 MiB at the moderate
# cost while it runs); further ones wait their turn, so a worker's memory stays bounded.
AMANA_KDF_CONCURRENCY = env_int("AMANA_KDF_CONCURRENCY", 2, minimum=1)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # amana's apps first: where the same English text is translated by several apps, Django
    # uses the first app's catalogue, and amana's wording must win over the admin's and auth's.
    "amana.core",
    "amana.accounts",
    "amana.audit",
    "amana.vault",
    "amana.evidence",
    "amana.directory",
    "amana.referrals",
    "amana.cases",
    "amana.channel",
    "amana.community",
    "amana.insights",
    "amana.retention",
    "amana.operations",
    "amana.core.apps.AmanaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]

# Background and periodic jobs (amana/operations): Django's tasks framework through its backport, on
# the database, so the embedded default needs no other service; a deployment that outgrows it
# switches this to a broker-backed backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML (a slow mobile line is the survivor's usual one); Django's version adds random
    # bytes to each compressed page against the BREACH attack on secrets in compressed pages.
    "django.middleware.gzip.GZipMiddleware",
    "amana.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Saves the session and the request's audited reads in one commit.
    "amana.audit.middleware.SessionAndReadsMiddleware",
    "amana.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "amana.core.csrf.CsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "amana.accounts.middleware.StaffSessionMiddleware",
    "amana.audit.middleware.RefusedAttemptsMiddleware",
    "amana.audit.middleware.AuditHeadMissingMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# amana.core.csrf.CsrfMiddleware is Django's CSRF middleware with one narrow extension (see
# there), which Django's deploy check cannot recognise by name.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "amana.urls"
WSGI_APPLICATION = "amana.wsgi.application"

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
                "amana.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'amana.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at the start of a transaction, so the audit chain's
    # read-then-append cannot interleave between two writers.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # Overwrite deleted content (shredded keys) instead of leaving it in free pages of the file; WAL
    # lets the web, worker and schedule processes read while one writes; a writer waits for the lock
    # (up to the timeout, in seconds) instead of failing at once.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA secure_delete = ON; PRAGMA journal_mode = WAL;"
    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("AMANA_SQLITE_BUSY_SECONDS", 20, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "amana.accounts.hashers.Argon2Hasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Sessions are stored encrypted under a key only the browser's cookie carries (amana.vault.sessions).
SESSION_ENGINE = "amana.vault.sessions"
# Staff sessions: no persistent cookie, an idle timeout and an absolute limit.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("AMANA_SESSION_MAX_SECONDS", 8 * 3600, minimum=300)
AMANA_IDLE_TIMEOUT_SECONDS = env_int("AMANA_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_AGE = None  # a browser-session cookie: nothing persistent is left on her phone
CSRF_FAILURE_VIEW = "amana.core.views.csrf_failure"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Login throttling: failures per account name within the window lock it for the window.
AMANA_LOGIN_MAX_FAILURES = env_int("AMANA_LOGIN_MAX_FAILURES", 5, minimum=1)
AMANA_LOGIN_LOCKOUT_SECONDS = env_int("AMANA_LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)

# Security headers; the Content-Security-Policy and Permissions-Policy are set by
# amana.core.middleware.SecurityHeadersMiddleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS
# The health endpoint answers the proxy's and monitors' plain checks on the local port.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("AMANA_HSTS_PRELOAD", HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("AMANA_BEHIND_PROXY", False) else None

LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", "العربية"),
    ("ckb", "کوردی"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Day-first dates, a 24-hour clock and decimal points in every language (amana/formats/).
FORMAT_MODULE_PATH = ["amana.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Baghdad")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Static files are served by the app itself from the app folders, so no collectstatic is needed
# for a first run; production may still run collectstatic for precompressed files.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Browsers keep the stylesheet and script for a year: their addresses carry a checksum of their
# content (amana.core.context_processors.static_version), so a changed file is fetched anew.
WHITENOISE_MAX_AGE = 0 if DEBUG else 365 * 24 * 3600
MEDIA_ROOT = env_path("AMANA_MEDIA_ROOT", VAR_DIR / "media")

# A neutral name shown in titles and headers; a watched phone should reveal nothing.
AMANA_SITE_NAME = env_str("AMANA_SITE_NAME", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The survivor channel (amana/channel): the NGO that receives reports from the site (empty: the
# first NGO), where quick exit leads, how long an idle visit keeps what she typed, how wrong codes
# are throttled, and the largest evidence file.
AMANA_CHANNEL_ORGANISATION = env_str("AMANA_CHANNEL_ORGANISATION", "")
AMANA_QUICK_EXIT_URL = env_str("AMANA_QUICK_EXIT_URL", "https://www.google.com/")
AMANA_SURVIVOR_IDLE_SECONDS = env_int("AMANA_SURVIVOR_IDLE_SECONDS", 30 * 60, minimum=60)
# Reading replies with her code ends sooner: after this much inactivity the visit is over.
AMANA_FOLLOW_UP_IDLE_SECONDS = env_int("AMANA_FOLLOW_UP_IDLE_SECONDS", 5 * 60, minimum=30)
# Wrong codes slow a client down (never refuse a right code): free ones per client bucket, the
# longest wait, and the small wait for everyone while wrong codes flood in (see channel.services).
AMANA_CODE_FREE_FAILURES = env_int("AMANA_CODE_FREE_FAILURES", 5, minimum=1)
AMANA_CODE_MAX_DELAY_SECONDS = env_int("AMANA_CODE_MAX_DELAY_SECONDS", 20, minimum=0)
AMANA_CODE_FLOOD_FAILURES = env_int("AMANA_CODE_FLOOD_FAILURES", 200, minimum=1)
AMANA_CODE_FLOOD_DELAY_SECONDS = env_int("AMANA_CODE_FLOOD_DELAY_SECONDS", 2, minimum=0)
AMANA_CODE_WINDOW_SECONDS = env_int("AMANA_CODE_WINDOW_SECONDS", 15 * 60, minimum=60)
AMANA_EVIDENCE_MAX_BYTES = env_int("AMANA_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Evidence (amana/evidence): the largest chat export a caseworker can import (a WhatsApp export
# "with media" holds the pictures and videos of the chat).
AMANA_CHAT_EXPORT_MAX_BYTES = env_int("AMANA_CHAT_EXPORT_MAX_BYTES", 100 * 1024 * 1024, minimum=1024)

# Referrals (amana/referrals): what a supervisor's emergency override shares without her consent
# is revoked after this many hours unless her consent is recorded meanwhile; the organisation's
# supervisors are told this many hours before it ends.
AMANA_OVERRIDE_HOURS = env_int("AMANA_OVERRIDE_HOURS", 72, minimum=1, maximum=7 * 24)
AMANA_OVERRIDE_WARNING_HOURS = env_int("AMANA_OVERRIDE_WARNING_HOURS", 12, minimum=1, maximum=72)

# Insights (amana/insights): any count below this is hidden in every figure and export, with
# complementary suppression; below 3 a published figure could point at one woman, so it is refused.
AMANA_SUPPRESSION_THRESHOLD = env_int("AMANA_SUPPRESSION_THRESHOLD", 5, minimum=3)
# The scale of the keyed noise added to every released count (two-sided geometric noise; a larger
# scale protects more and is less precise; see docs/statistics-release.md).
AMANA_RELEASE_NOISE_SCALE = env_int("AMANA_RELEASE_NOISE_SCALE", 2, minimum=1, maximum=20)
# How many exports (CSV, XLSX, PDF, GBVIMS) one person may take per day.
AMANA_EXPORTS_PER_DAY = env_int("AMANA_EXPORTS_PER_DAY", 20, minimum=1)
