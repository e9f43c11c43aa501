"""Settings for Roadmap tracker, every value read from the environment.

With nothing set, the site runs on a SQLite file with e-mail printed to the
console, "so one can just check out the code and it works". Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (and REDIS_URL).
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from roadmap_site.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)
from roadmap_site.request_log import request_loggers

BASE_DIR = Path(__file__).resolve().parent.parent

# Development by default; a deployment sets DEBUG=false, which switches on every
# HTTPS protection below and refuses to start without a real SECRET_KEY.
DEBUG = env_bool("DEBUG", default=True)

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to 50 or more random characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    # The queue of the tasks that send e-mail (TASKS below, accounts/mail.py).
    "django_tasks_db",
    "tracker",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything can hand a NUL byte from the address to the database.
    "roadmap_site.middleware.reject_nul_bytes",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what the views answer, so it sits above every middleware that
    # reads or writes a body, and below whitenoise, whose static files are
    # compressed once at collectstatic and never pass through it (README:
    # "Compression").
    "roadmap_site.middleware.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the user with the session (accounts/backends.py).
    "accounts.backends.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "roadmap_site.urls"
WSGI_APPLICATION = "roadmap_site.wsgi.application"
ASGI_APPLICATION = "roadmap_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Connection health checks are off unless DB_CONN_HEALTH_CHECKS is set. On,
# the first query of every request on a reused connection is preceded by an
# unlogged SELECT 1 (is_usable(): a round trip on PostgreSQL, ~70 µs on
# loopback, about a fifth of the benchmark's bare request; free on SQLite).
# All it saves is one request: off, a connection the server dropped fails the
# query that finds out, that request errors, Django closes the connection as
# the request ends (close_if_unusable_or_obsolete sees errors_occurred) and
# the next one reconnects. No connection outlives DB_CONN_MAX_AGE anyway (an
# older one is closed as the next request starts, before any query), so only
# a drop within that window costs each worker a request: a database restart,
# a failover, or a proxy that cuts idle connections sooner; turn them on there.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
# PostgreSQL: parameters bound by the server and statements prepared once per
# connection, from a statement's second run on. Every request runs the same few
# statements (the version and the learner's rows, the session, the user), so
# their planning is paid once per connection instead of on every request: on
# the benchmark's tick that is a fifth of its cost. Django leaves both off
# because a pooler in transaction mode (PgBouncer) cannot keep prepared
# statements; behind one, set DB_PREPARED_STATEMENTS=false.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
# PostgreSQL: a tick (one item's state) commits without waiting for the disk
# (tracker/progress/marking.py says what that trades); false waits as every
# other write does.
TICK_ASYNC_COMMIT = env_bool("TICK_ASYNC_COMMIT", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# A cache shared by every worker process: allauth's rate limits count there.
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to the process's memory while Redis is unreachable
            # (roadmap_site/cache.py), so sign-in survives a Redis outage.
            "BACKEND": "roadmap_site.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast: an unreachable Redis must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "roadmap"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
# Sessions in the database, each read in one query with its user
# (accounts/sessions.py): a signed-in request's one round trip before its
# view. Measured under load (manage.py bench), that beats reading the session
# from Redis, or from the cache table and then the user from the database.
SESSION_ENGINE = "accounts.sessions"

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, each reading a signed-in request's user in one
    # plain query (accounts/backends.py).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "tracker:home"

# django-allauth 65.x
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "tracker:roadmap"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Roadmap tracker] "
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
# Renders each mail in the request and queues it for a task (accounts/mail.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# A username is part of its public page's URL (/u/<username>/): the same rules
# at sign-up and on the profile settings page (accounts/validators.py), and
# this list is the one place the reserved names live.
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.username_validators"
# fmt: off
ACCOUNT_USERNAME_BLACKLIST = [
    "about", "accounts", "admin", "api", "help", "home", "login", "logout", "media", "phases",
    "progress", "root", "settings", "signup", "staff", "static", "support", "u", "www",
]
# fmt: on

# Django 6.1's MAILERS: SMTP when EMAIL_HOST is set, else the console.
if email_host := env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Roadmap tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Django's Tasks send the account e-mail (accounts/mail.py), so a mail outage
# never fails a request. "database" (the default when DEBUG is off) stores each
# task for `manage.py db_worker` (django-tasks-db) to run, and a failed send is
# queued again with backoff; "immediate" (the embedded default) sends during
# the request and only logs a failure, so `make run` needs no worker.
tasks_backends = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
tasks_backend = env_str("TASKS_BACKEND", "immediate" if DEBUG else "database")
if tasks_backend not in tasks_backends:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, not {tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": tasks_backends[tasks_backend]}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# Content-Security-Policy: scripts only from this origin or carrying the
# per-request nonce; no inline styles, no eval. htmx is configured (base.html)
# so that it needs neither.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# HTTPS hardening, on whenever DEBUG is off; each can be overridden.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # nginx (deploy/nginx/roadmap.conf) sets X-Forwarded-For to the client's
    # address; without this every client shares 127.0.0.1 in allauth's rate limits.
    ALLAUTH_TRUSTED_PROXY_COUNT = 1
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Signed-in pages kept whole per process, by everything they show
# (tracker/views/page_memo.py): this many bytes at most; 0 turns it off.
# About 190 KB a learner's roadmap page, so the default keeps some 300.
PAGE_MEMO_BYTES = env_int("PAGE_MEMO_BYTES", 64 * 1024 * 1024)

# Serve /bench/bare/, the one-line view `manage.py bench` divides every page's
# throughput by (roadmap_site/bench.py). The benchmark turns it on; nothing else should.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", False)

# A failed request is one line; only a bug's 500 carries a traceback
# (roadmap_site/request_log.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "roadmap_site.request_log.OneLinePerFailedRequest"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Through the root's handler only: Django's own console handler for
        # "django" (on when DEBUG is) would print each line twice.
        "django": {"handlers": []},
        **{name: {"filters": ["one_line"]} for name in request_loggers()},
    },
}

# The site's own 403 for a failed CSRF check, like its other error pages
# (roadmap_site/errors.py; handler400 and the rest are in roadmap_site/urls.py).
CSRF_FAILURE_VIEW = "roadmap_site.errors.csrf_failure"
