"""Settings, read from the environment (optionally from a ``config.env`` file).

With nothing set, the app runs on SQLite, a local-memory cache and the
console email backend with DEBUG on, so a newcomer can start it with one
command. With DEBUG=0 it refuses to start until SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL (PostgreSQL), REDIS_URL, SITE_URL (https) and a mail backend
(SMTP_HOST or EMAIL_BACKEND) are set; every key is documented in
``config.env.example``.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from config.env import env_bool, env_int, env_list, env_str, production_problems

BASE_DIR = Path(__file__).resolve().parent.parent

# Real environment variables win over the file.
load_dotenv(BASE_DIR / "config.env", override=False)

DEBUG = env_bool("DEBUG", True)

# --- What production must set ----------------------------------------------------
# Read first and checked together, so DEBUG=0 never falls back to a local default
# and one error names every missing key. The sections below use these values.
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
# Absolute base URL printed on the QR codes and used in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
SMTP_HOST = env_str("SMTP_HOST")
# Benchmarks and CI run DEBUG=0 on plain http over loopback; nothing else may.
ALLOW_INSECURE_SITE_URL = env_bool("ALLOW_INSECURE_SITE_URL", False)
if not DEBUG:
    _problems = production_problems(
        secret_key=SECRET_KEY,
        allowed_hosts=ALLOWED_HOSTS,
        database_url=DATABASE_URL,
        redis_url=REDIS_URL,
        site_url=SITE_URL,
        smtp_host=SMTP_HOST,
        email_backend=env_str("EMAIL_BACKEND"),
        allow_insecure_site_url=ALLOW_INSECURE_SITE_URL,
    )
    if _problems:
        raise ImproperlyConfigured(
            "DEBUG=0 needs a complete production configuration (see config.env.example):\n"
            + "\n".join(f"- {problem}" for problem in _problems)
        )
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-local-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG only

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Menu texts per language (orders/translation.py); before the admin, whose forms it patches.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Customer accounts
    "allauth",
    "allauth.account",
    # Lists each customer login's session, so turning MFA on can end the others.
    "allauth.usersessions",
    # One-time passwords (customers and staff)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    # Content-Security-Policy header (its system check catches pre-4.0 settings).
    "csp",
    # ISO 3166-1 country names with their translations (common.countries)
    "django_countries",
    # Project apps, bottom layer first (the import contract is in .importlinter)
    "common",
    "ops",
    "audit",
    "customers",
    "staff",
    "orders",
    "invoices",
    "privacy",
]

MIDDLEWARE = [
    # Request id + one log line per request; then the load balancer's probes,
    # answered before the host check and the HTTPS redirect (ops/middleware.py).
    "ops.middleware.RequestLogMiddleware",
    "ops.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: every response gets the headers, also one that a
    # later middleware answers by itself (a NUL-byte 404, a rate-limit 429).
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.PortalNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cookie or Accept-Language; a signed-in user's preference is applied after authentication below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.i18n.UserLanguageMiddleware",
    "common.urlinput.RefuseNulInUrlMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "customers.middleware.CustomerSessionIdleMiddleware",
    "orders.middleware.StaffTimezoneMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database and cache --------------------------------------------------
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {
                # Several people on the demo at once: a writer takes the lock when its transaction
                # starts and others wait for it (up to 20 s), instead of failing with "database is
                # locked" when a read turns into a write; WAL lets readers go on meanwhile.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "qrorder"),
        }
    }
    # Sessions must survive across app servers: cache for speed, database as the record.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SILENCED_SYSTEM_CHECKS: list[str] = []
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # The zero-config default is a single process, where a local-memory cache
    # counts rate limits correctly. Never silenced with DEBUG=0 (which requires
    # REDIS_URL anyway): there several processes would each count their own.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"] if DEBUG else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (Celery) ------------------------------------------------
# Redis is the broker; without REDIS_URL tasks run eagerly in the process that
# enqueues them (after commit), so the demo needs no worker. Results are never
# read. Late acks + reject on a lost worker + a short visibility timeout: a task
# whose worker died is delivered again within minutes (Celery's default is an
# hour), and the beat sweep re-enqueues anything still unfinished after that.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
    # Several deployments (or test runs) may share one Redis database.
    "global_keyprefix": env_str("CELERY_KEY_PREFIX", ""),
}
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 8)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30)
# Work untouched for this long is re-enqueued by the sweep (a lost task).
TASK_SWEEP_AFTER_SECONDS = env_int("TASK_SWEEP_AFTER_SECONDS", 600)
CELERY_BEAT_SCHEDULE = {
    "mails-sweep": {"task": "common.tasks.mails_sweep", "schedule": env_int("TASK_SWEEP_EVERY_SECONDS", 60)},
    "invoices-sweep": {"task": "invoices.tasks.invoices_sweep", "schedule": env_int("TASK_SWEEP_EVERY_SECONDS", 60)},
    "sessions-clear": {"task": "common.tasks.sessions_clear", "schedule": 24 * 60 * 60},
}


# --- Users and passwords ---------------------------------------------------
AUTH_USER_MODEL = "customers.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "/customer/login"
LOGIN_REDIRECT_URL = "/customer/"

# --- Customer accounts (django-allauth) ------------------------------------
# The pages live under /customer/ (customers/account_urls.py maps allauth's
# views to the paths of the product). Policy: an unverified customer may log
# in and order; invoices need a verified address (customers.services).
ACCOUNT_ADAPTER = "customers.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "customers.forms.RegisterForm",
    # Confirming it's you asks for the second factor too when MFA is on.
    "reauthenticate": "privacy.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
# One password field with a show/hide switch: easier on a phone than typing it twice.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"  # log in before verifying; invoices require it
ACCOUNT_PREVENT_ENUMERATION = True
# Only logs in when the link is opened in the browser session that registered.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# The link in the mail verifies directly: one tap on a phone, no second form.
ACCOUNT_CONFIRM_EMAIL_ON_GET = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False  # the idle timeout below decides, not a checkbox
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Changing the address keeps the old one until the new one is verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
# "Your password was changed", "your email was changed" mails.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "/customer/login"
ACCOUNT_EMAIL_CONFIRMATION_ANONYMOUS_REDIRECT_URL = "/customer/login"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "/customer/"
ACCOUNT_SIGNUP_REDIRECT_URL = "/customer/"
# Rate limits, counted in the default cache (Redis when REDIS_URL is set, so
# they hold across processes). Guests in one restaurant often share a Wi-Fi
# IP, so per-IP limits are generous and per-address limits are tight.
# Our own views add django-ratelimit limits (common/ratelimits.py).
ACCOUNT_RATE_LIMITS = {
    "signup": "20/m/ip,200/h/ip",
    "login": "30/m/ip",
    # Failed logins (customers.adapter): per IP, and per account *and* address,
    # so a stranger cannot lock the owner out; plus a slower per-account limit
    # from anywhere against guesses spread over many addresses.
    "login_failed": "10/m/ip,10/10m/key",
    "login_failed_account": "100/h/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    # At most one verification mail per address every 3 minutes (silently skipped).
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# How long a "confirm it's you" (password, plus code with MFA on) lets a
# customer export their data before asking again.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Number of reverse proxies that append to X-Forwarded-For (e.g. 1 behind one
# load balancer). With 0 the TCP peer address counts; behind a proxy that would
# put every guest into one per-IP bucket. Our own limits use the same IP.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CUSTOMER_SESSION_IDLE_SECONDS = env_int("CUSTOMER_SESSION_IDLE_SECONDS", 30 * 60)

# --- Multi-factor authentication ---------------------------------------------
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "QR Table Ordering")
# django-otp's exponential back-off after wrong codes (1 s, 2 s, 4 s, ...); tests
# set these to 0 except the one that proves throttling.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Staff (admin) MFA with django-two-factor-auth. When on, every admin page
# demands a session verified with a second factor.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", not DEBUG)
# two_factor would otherwise point AdminSite.login at LOGIN_URL, the customer login.
TWO_FACTOR_PATCH_ADMIN = False
# django_otp's otp_required (used by two_factor's staff pages) sends people here.
OTP_LOGIN_URL = "two_factor:login"
TWO_FACTOR_LOGIN_TIMEOUT = 600
# No "remember this browser" cookie: a stolen laptop must not skip the second factor.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# The default admin site is the MFA-aware StaffAdminSite (Django's documented
# way to replace admin.site: a custom AdminConfig with default_site).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "staff.apps.StaffAdminConfig"

# --- Rate limiting ----------------------------------------------------------
RATELIMIT_VIEW = "common.views.ratelimited"
RATELIMIT_USE_CACHE = "default"
# key="ip" must see the client behind a proxy (TRUSTED_PROXY_COUNT), like allauth's limits.
RATELIMIT_IP_META_KEY = "common.ratelimits.request_client_ip"
# Placing orders at a table (django-ratelimit syntax).
ORDER_RATE_PER_IP = env_str("ORDER_RATE_PER_IP", "120/m")
ORDER_RATE_PER_TABLE = env_str("ORDER_RATE_PER_TABLE", "20/m")

# --- Email -------------------------------------------------------------------
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = env_int("SMTP_PORT", 587)
    EMAIL_HOST_USER = env_str("SMTP_USER")
    EMAIL_HOST_PASSWORD = env_str("SMTP_PASSWORD")
    # STARTTLS by default on 587, implicit TLS on 465; turning one on explicitly
    # drops the other's port default, so only setting both to 1 is an error.
    EMAIL_USE_TLS = env_bool("SMTP_USE_TLS", EMAIL_PORT == 587 and not env_bool("SMTP_USE_SSL", False))
    EMAIL_USE_SSL = env_bool("SMTP_USE_SSL", EMAIL_PORT == 465 and not EMAIL_USE_TLS)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        # Django's SMTP backend would only refuse this when the first mail goes out.
        raise ImproperlyConfigured(
            "SMTP_USE_TLS (STARTTLS, usually port 587) and SMTP_USE_SSL (implicit TLS, usually port 465) "
            "exclude each other; set at most one of them to 1"
        )
    EMAIL_TIMEOUT = env_int("SMTP_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# An explicit backend wins (e.g. a provider's API backend, or the console for
# the benchmarks); SMTP_* still fill EMAIL_HOST and friends for backends that read them.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "QR Table Ordering <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Invoices ------------------------------------------------------------------
# Invoice number prefix and format are per company (orders.Company), since a
# number range belongs to the taxable person. The data migration that created
# the companies read INVOICE_PREFIX / INVOICE_NUMBER_FORMAT once, if set.
#
# Online VAT ID check (EU VIES): dotted path of a callable (vat_id) -> bool,
# e.g. a VIES client. Off by default: format and check digits are checked offline.
VAT_ID_ONLINE_CHECK = env_str("VAT_ID_ONLINE_CHECK", "")
# Per customer account (django-ratelimit syntax). Issuing renders a PDF.
INVOICE_ISSUE_RATE = env_str("INVOICE_ISSUE_RATE", "10/m")
INVOICE_DOWNLOAD_RATE = env_str("INVOICE_DOWNLOAD_RATE", "60/m")
# A customer's "corrected invoice, please" (cancellation + re-issue, two numbers each time) per account.
INVOICE_CORRECTION_REQUEST_RATE = env_str("INVOICE_CORRECTION_REQUEST_RATE", "3/h")
# TTF fonts shipped in the repo, so PDFs render the same on every machine.
INVOICE_FONT_DIR = BASE_DIR / "static" / "fonts"

# --- Till signing (§ 146a AO, KassenSichV) ----------------------------------------
# Dotted path of the orders.tse.TseSigner that signs each recorded payment. The
# default fake is NOT certified: before German production use, configure a
# certified (cloud) TSE's signer here (README, "Till law").
TSE_SIGNER = env_str("TSE_SIGNER", "orders.tse.FakeTseSigner")
# Receipts for guests (simplified invoices) up to this gross amount; above it a buyer is needed.
SMALL_INVOICE_LIMIT_CENTS = 25000

# --- Static and media files ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media holds private files (invoices); it is never served at a public URL.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Invoice PDFs (tax records with personal data): a storage of their own that
    # has no public URL; files are only streamed by the owner-checked download
    # view. INVOICE_STORAGE=s3 (below) moves them to S3-compatible object storage.
    "invoices": {
        "BACKEND": "invoices.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
}

INVOICE_STORAGE = env_str("INVOICE_STORAGE", "filesystem").lower()
if INVOICE_STORAGE == "s3":
    # Several app servers need one place for the PDFs: a private bucket (AWS S3,
    # MinIO, Ceph, Hetzner, ...) through django-storages. Objects are private and
    # never linked: the app streams them after its owner check.
    if not env_str("INVOICE_S3_BUCKET"):
        raise ImproperlyConfigured("INVOICE_STORAGE=s3 needs INVOICE_S3_BUCKET")
    STORAGES["invoices"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("INVOICE_S3_BUCKET"),
            "location": env_str("INVOICE_S3_PREFIX", "invoices"),
            "endpoint_url": env_str("INVOICE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("INVOICE_S3_REGION") or None,
            # Unset keys: boto3's own chain (instance role, AWS_* variables).
            "access_key": env_str("INVOICE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("INVOICE_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            # A PDF is a rendering of frozen data: a second rendering replaces the
            # first under the same name instead of piling up renamed copies.
            "file_overwrite": True,
        },
    }
elif INVOICE_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"INVOICE_STORAGE must be 'filesystem' or 's3', not {INVOICE_STORAGE!r}")

# --- Internationalisation ------------------------------------------------------------
# English, German and French, all complete (catalogs in locale/, checked by common/tests/test_catalogs.py).
# A guest gets the browser's language (Accept-Language) or the one picked in the switcher (a cookie);
# a signed-in user's saved preference (User.language) wins (common.i18n.UserLanguageMiddleware).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Menu texts per language (django-modeltranslation, orders/translation.py): one column per language.
# Guests get the restaurant's own language when theirs is empty (orders.translation.menu_text, per
# restaurant); this global order only applies where no restaurant is at hand (admin lists, str()).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "de", "fr")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A readable, translated page instead of Django's technical one (a form left open across a sign-in).
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): every script and style comes from our own
# static files, so an injected <script>, style="" or on*= handler does not run.
# The QR codes need nothing more: the customer MFA setup inlines an SVG of paths
# and django-two-factor-auth's staff setup loads its SVG from /admin/mfa/qrcode/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page of the product uses (config.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = [
    "accelerometer=()",
    "camera=()",
    "geolocation=()",
    "gyroscope=()",
    "magnetometer=()",
    "microphone=()",
    "payment=()",
    "usb=()",
]
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # No script reads the CSRF cookie (forms carry the token), so scripts need not see it.
    CSRF_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP (the probes are answered earlier anyway).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a header directive: nothing is preloaded until someone submits the domain.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging -------------------------------------------------------------------
# Every line carries the request id; LOG_FORMAT=json writes one JSON object per
# line for log shippers. Django's own loggers propagate to the one handler, so
# they are formatted the same way.
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ops.logs.RequestIdFilter"},
        "request_path": {"()": "ops.logs.RequestPathFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "request_path"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"level": "ERROR"},
        # runserver's own access line has the full URL, tokens and query string
        # included; the ops.request line replaces it.
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
