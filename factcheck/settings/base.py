"""Settings for every environment, driven by environment variables.

The defaults need no server: SQLite in ``var/`` and Kombu's filesystem broker. Set
``DATABASE_URL`` and ``REDIS_URL`` to run the same code on PostgreSQL and Redis.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from factcheck.env import envbool, envfloat, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(envstr("FACTCHECK_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", default=False)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    # Development only: a key per process is fine, sessions simply do not survive restarts.
    SECRET_KEY = get_random_secret_key()
# Without DEBUG and SECRET_KEY, commands that sign nothing still run (scoring, extraction);
# the web server and workers refuse to start (factcheck/startup.py), and so does Django
# wherever it would sign something.

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "claims",
]

MIDDLEWARE = [
    "claims.uploads.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "claims.middleware.SessionLimitsMiddleware",
    # After the session limits: a session still waiting for its second step reaches only that step.
    # (Not django-otp's OTPMiddleware: it would load the device on every request; the state is in the session.)
    "claims.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

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
                "claims.context_processors.roles",
                "claims.context_processors.inbox",
                "claims.context_processors.saved_searches",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a worker process sees what the tests write.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # WAL lets the web process read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: counts failures, refuses locked-out logins
    # Django's ModelBackend, reading the session's user, its sign-out count and permissions in two queries.
    "claims.backends.DeskBackend",
]
# Login throttling: 5 failures for one username from one address, then a 15-minute cool-off.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Two-factor login (TOTP, django-otp): editors and administrators may enrol; with this setting
# they must, and a login asks for the code after the password. Off by default for `make run`.
FACTCHECK_REQUIRE_2FA = envbool("FACTCHECK_REQUIRE_2FA", default=False)
# "Remember this device" skips the second step for this many days (0: never offered).
FACTCHECK_2FA_REMEMBER_DAYS = envint("FACTCHECK_2FA_REMEMBER_DAYS", 30)
if FACTCHECK_2FA_REMEMBER_DAYS < 0:
    raise ImproperlyConfigured("FACTCHECK_2FA_REMEMBER_DAYS must be 0 (never remember) or more.")
# A password accepted waits this long for its code; then the login starts over.
FACTCHECK_2FA_PENDING_SECONDS = envint("FACTCHECK_2FA_PENDING_SECONDS", 300)
OTP_TOTP_ISSUER = envstr("FACTCHECK_ORGANISATION_NAME", "Factcheck")

# Sessions end after 2 idle hours and 12 hours at most. The idle limit is renewed by
# SessionLimitsMiddleware at most once a minute, not by a database write on every request.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 2 * 3600)
SESSION_SAVE_EVERY_REQUEST = False
FACTCHECK_SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_SECONDS", 12 * 3600)

# Cookies and transport: secure by default outside development.
SECURE_COOKIES = envbool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
if envbool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: every page works without inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "factcheck@localhost")
# Where people reach the desk: emails link to claims under this address (make run serves this one).
FACTCHECK_BASE_URL = envstr("FACTCHECK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not FACTCHECK_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("FACTCHECK_BASE_URL must begin with http:// or https:// (the address people open).")
# The daily digest of claims due tomorrow and overdue goes out at this hour, in TIME_ZONE.
FACTCHECK_DIGEST_HOUR = envint("FACTCHECK_DIGEST_HOUR", 7)
if not 0 <= FACTCHECK_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("FACTCHECK_DIGEST_HOUR must be an hour from 0 to 23.")

# Ingestion refuses bodies (and uploads) larger than this, in bytes; bulk files may be 50 times it.
FACTCHECK_MAX_ARTICLE_BYTES = envint("FACTCHECK_MAX_ARTICLE_BYTES", 1_000_000)
# Ingestion refuses article texts larger than this, in bytes, so that an extraction ends well inside
# CELERY_TASK_SOFT_TIME_LIMIT. Measured with the encoder on one core (bench/big_article.py): the
# costliest shape, short sentences, takes about 0.5 s of CPU per KB, so 150 KB takes about 75 s
# (normal prose half that), a quarter of the 300 s limit; a loaded machine measured 3 times slower.
FACTCHECK_MAX_EXTRACT_BYTES = envint("FACTCHECK_MAX_EXTRACT_BYTES", 150_000)
# Any request declaring more than this is refused before it is read (413).
FACTCHECK_MAX_REQUEST_BYTES = envint("FACTCHECK_MAX_REQUEST_BYTES", 51 * FACTCHECK_MAX_ARTICLE_BYTES)
FILE_UPLOAD_HANDLERS = [
    "claims.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Django reads a body as large as the API's JSON parser does (claims/api/parsers.py: an article at
# its size limit, escaped as JSON), so that the parser or ingestion refuses it with a reason, not a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * FACTCHECK_MAX_ARTICLE_BYTES + 100_000
FILE_UPLOAD_MAX_MEMORY_SIZE = FACTCHECK_MAX_ARTICLE_BYTES + 100_000

# spaCy pipeline per language; a missing package is reported, never downloaded.
FACTCHECK_SPACY_MODELS = {
    "fr": envstr("SPACY_MODEL_FR", "fr_core_news_sm"),
    "en": envstr("SPACY_MODEL_EN", "en_core_web_sm"),
}

# Who publishes the verification reports (ClaimReview "author").
# --- Fetching pages and feeds (links and feeds; claims/fetch.py) ---------------------
# Who is knocking, for the sites' logs: the desk's name and address.
FACTCHECK_FETCH_USER_AGENT = envstr("FACTCHECK_FETCH_USER_AGENT", f"FactcheckDesk/1.0 (+{FACTCHECK_BASE_URL})")
FACTCHECK_FETCH_CONNECT_TIMEOUT = envint("FACTCHECK_FETCH_CONNECT_TIMEOUT", 5)
FACTCHECK_FETCH_READ_TIMEOUT = envint("FACTCHECK_FETCH_READ_TIMEOUT", 15)
# The whole fetch, redirects and a server trickling bytes included.
FACTCHECK_FETCH_DEADLINE = envint("FACTCHECK_FETCH_DEADLINE", 45)
FACTCHECK_FETCH_MAX_BYTES = envint("FACTCHECK_FETCH_MAX_BYTES", 5_000_000)
FACTCHECK_FETCH_MAX_REDIRECTS = envint("FACTCHECK_FETCH_MAX_REDIRECTS", 5)
# Hosts fetched even though they resolve to a private or loopback address (tests, an intranet feed).
FACTCHECK_FETCH_ALLOWED_HOSTS = [host.lower() for host in envlist("FACTCHECK_FETCH_ALLOWED_HOSTS", "")]
# Feeds: the shortest polling interval an editor may choose, and the longest wait after failures.
FACTCHECK_FEED_MIN_INTERVAL_MINUTES = envint("FACTCHECK_FEED_MIN_INTERVAL_MINUTES", 5)
FACTCHECK_FEED_MAX_BACKOFF_MINUTES = envint("FACTCHECK_FEED_MAX_BACKOFF_MINUTES", 360)
FACTCHECK_FEED_MAX_ITEMS = envint("FACTCHECK_FEED_MAX_ITEMS", 50)
for _name in ("CONNECT_TIMEOUT", "READ_TIMEOUT", "DEADLINE", "MAX_BYTES", "MAX_REDIRECTS"):
    if globals()[f"FACTCHECK_FETCH_{_name}"] < (0 if _name == "MAX_REDIRECTS" else 1):
        raise ImproperlyConfigured(f"FACTCHECK_FETCH_{_name} must be a positive number.")

FACTCHECK_ORGANISATION_NAME = envstr("FACTCHECK_ORGANISATION_NAME", "Factcheck")
FACTCHECK_ORGANISATION_URL = envstr("FACTCHECK_ORGANISATION_URL", "")

# A trained scorer per language (train_checkworthiness --output DIR); default: shipped in claims/nlp/data.
FACTCHECK_SCORER_DIRS = {
    lang: path for lang, path in (("fr", envstr("SCORER_DIR_FR")), ("en", envstr("SCORER_DIR_EN"))) if path
}
# Languages whose pipeline each worker child loads at start, so no task waits for it.
FACTCHECK_PRELOAD_LANGUAGES = envlist("FACTCHECK_PRELOAD_LANGUAGES", "fr")

# Claim matching: a match scoring this much is shown as "checked before?"; from the second
# threshold on, the claim is linked without asking (an editor can undo it); a match in another
# language is only ever suggested. Suggest: the lowest score at which the top match is right
# more often than not, out of fold on CheckThat! 2020's training tweets asked with and without
# their fact-check in the library (`make models` prints it: 0.79). Confirm: a choice, as no
# score reaches 97 % there; bench/matching.py prints the precision at both.
FACTCHECK_MATCH_SUGGEST = envfloat("FACTCHECK_MATCH_SUGGEST", 0.79)
FACTCHECK_MATCH_CONFIRM = envfloat("FACTCHECK_MATCH_CONFIRM", 0.99)
# After this long embedding claims and fact-checks that have no stored vector yet (a library
# just imported), a matching task starts no new chunk of 256 (8-12 s each): well inside
# CELERY_TASK_SOFT_TIME_LIMIT. The rest is embedded by the next tasks (until then not searched).
FACTCHECK_MATCH_EMBED_SECONDS = envint("FACTCHECK_MATCH_EMBED_SECONDS", 120)
if FACTCHECK_MATCH_CONFIRM < FACTCHECK_MATCH_SUGGEST:
    raise ImproperlyConfigured("FACTCHECK_MATCH_CONFIRM must not be below FACTCHECK_MATCH_SUGGEST.")

# An API token lasts this many days from its issue; then it is refused and a new one must be asked for.
FACTCHECK_API_TOKEN_DAYS = envint("FACTCHECK_API_TOKEN_DAYS", 30)
if FACTCHECK_API_TOKEN_DAYS < 1:
    raise ImproperlyConfigured("FACTCHECK_API_TOKEN_DAYS must be at least 1.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies have a size and a depth limit (400 beyond them); forms as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "claims.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "claims.api.errors.api_exception_handler",
    # ?format= belongs to the report endpoint (html or pdf), not to content negotiation.
    "URL_FORMAT_OVERRIDE": None,
}
# The OpenAPI schema and its docs are for desk members; true publishes them to anyone.
FACTCHECK_PUBLIC_API_DOCS = envbool("FACTCHECK_PUBLIC_API_DOCS", default=False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck API",
    "DESCRIPTION": "Articles, claims, the review workflow, reports and exports of a fact-checking desk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package: nothing is fetched from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "RatingEnum": "claims.models.Rating",
        "ExportStatusEnum": "claims.models.ExportStatus",
        # An article's or a feed's language: French, English, or empty to detect it.
        "LanguageOrDetectEnum": ["", "fr", "en"],
    },
}

# --- Webhooks -----------------------------------------------------------------------
# Each POST waits this long to connect and then to read the answer, in seconds.
FACTCHECK_WEBHOOK_CONNECT_TIMEOUT = envfloat("FACTCHECK_WEBHOOK_CONNECT_TIMEOUT", 3.0, low=0.1, high=60)
FACTCHECK_WEBHOOK_READ_TIMEOUT = envfloat("FACTCHECK_WEBHOOK_READ_TIMEOUT", 10.0, low=0.1, high=120)
# A failed delivery is tried again after this many seconds, doubled each time (at most an hour),
# until it has been tried FACTCHECK_WEBHOOK_MAX_ATTEMPTS times; then it is given up.
FACTCHECK_WEBHOOK_RETRY_SECONDS = envfloat("FACTCHECK_WEBHOOK_RETRY_SECONDS", 30.0, low=0.01, high=3600)
FACTCHECK_WEBHOOK_MAX_ATTEMPTS = envint("FACTCHECK_WEBHOOK_MAX_ATTEMPTS", 8)
# An endpoint failing this many attempts in a row is disabled, and administrators are emailed.
FACTCHECK_WEBHOOK_DISABLE_AFTER = envint("FACTCHECK_WEBHOOK_DISABLE_AFTER", 15)
if FACTCHECK_WEBHOOK_MAX_ATTEMPTS < 1 or FACTCHECK_WEBHOOK_DISABLE_AFTER < 1:
    raise ImproperlyConfigured("FACTCHECK_WEBHOOK_MAX_ATTEMPTS and FACTCHECK_WEBHOOK_DISABLE_AFTER must be at least 1.")
# Endpoints must be public http(s) addresses; hosts listed here may be private or loopback (tests, an intranet).
FACTCHECK_WEBHOOK_ALLOWED_HOSTS = envlist("FACTCHECK_WEBHOOK_ALLOWED_HOSTS")

# --- Celery -------------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
# The cache holds only short-lived figures (the dashboard's desk-wide counts): shared through
# Redis when there is one, per process otherwise.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FACTCHECK_DASHBOARD_CACHE_SECONDS = envint("FACTCHECK_DASHBOARD_CACHE_SECONDS", 30)
CELERY_BROKER_DIR = Path(envstr("CELERY_BROKER_DIR", str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "factcheck.broker:Transport"  # messages written whole before they appear
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # A task unacknowledged for longer than this is redelivered: above the hard limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Two queues, so an export never waits behind a long extraction: a worker started without -Q
# serves both (make run); in production one pool per queue (`-Q extraction`, `-Q exports`).
CELERY_TASK_DEFAULT_QUEUE = "extraction"
# Each queue on its own exchange and routing key: with only names, both queues would bind to
# the default exchange and key, and Redis would deliver every task to both.
CELERY_TASK_QUEUES = tuple(Queue(name, Exchange(name), routing_key=name) for name in ("extraction", "exports", "fetch"))
# Fetching waits on other servers, not on the CPU: its own queue, so a slow site never holds an extraction
# or an export, nor an extraction a feed's poll. Webhook deliveries are short (their timeouts below) and must
# not wait behind an extraction.
CELERY_TASK_ROUTES = {
    "claims.tasks.run_export": {"queue": "exports"},
    "claims.tasks.deliver_webhook": {"queue": "exports"},
    "claims.tasks.fetch_article": {"queue": "fetch"},
    "claims.tasks.poll_feed": {"queue": "fetch"},
    "claims.tasks.poll_due_feeds": {"queue": "fetch"},
}
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Long jobs are rows with a status that the UI polls; no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 360)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Loading a spaCy model in a fresh child takes longer than Celery's default 4 s.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = envint("CELERY_WORKER_PROC_ALIVE_TIMEOUT", 60)
CELERY_WORKER_CONCURRENCY = envint("CELERY_WORKER_CONCURRENCY", 1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The sweeper (Celery beat, embedded in the worker with -B) re-queues lost extractions and exports.
FACTCHECK_SWEEP_QUEUED_SECONDS = envint("FACTCHECK_SWEEP_QUEUED_SECONDS", 600)
# An export that its workers lost this many times fails instead of being re-queued again.
FACTCHECK_EXPORT_MAX_ATTEMPTS = envint("FACTCHECK_EXPORT_MAX_ATTEMPTS", 3)
FACTCHECK_SWEEP_EVERY = envint("FACTCHECK_SWEEP_EVERY", 120)
CELERY_BEAT_SCHEDULE = {
    "sweep-lost-extractions": {"task": "claims.tasks.sweep_articles", "schedule": FACTCHECK_SWEEP_EVERY},
    "sweep-lost-exports": {"task": "claims.tasks.sweep_exports", "schedule": FACTCHECK_SWEEP_EVERY},
    "sweep-lost-notification-emails": {
        "task": "claims.tasks.sweep_notification_emails",
        "schedule": FACTCHECK_SWEEP_EVERY,
    },
    "sweep-webhook-deliveries": {"task": "claims.tasks.sweep_webhooks", "schedule": FACTCHECK_SWEEP_EVERY},
    "poll-due-feeds": {"task": "claims.tasks.poll_due_feeds", "schedule": 60},
    "due-digest": {"task": "claims.tasks.send_due_digest", "schedule": crontab(minute=0, hour=FACTCHECK_DIGEST_HOUR)},
}
# Beat's crontab hours are the desk's local time.
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
