"""Settings shared by every environment.

Configuration comes from environment variables (12-factor): ``DATABASE_URL``
(SQLite file by default, PostgreSQL when set), ``REDIS_URL`` (optional cache),
``SECRET_KEY`` (required in production).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list of non-empty strings."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "core",
    "cms.content",
    "cms.disclosure",
    "cms.notices",
    "cms.syndication",
    "sites",
    "cms.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "search",
    "cms.workflow",
    "cms.letters",
    "cms.applications",
    "cms.consultations",
    "cms.operations",
    "cms.monitoring",
    "cms.linkcheck",
    "cms.visits",
    "cms.site_reports",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",  # its URLs only: cms/urls.py sends them to 子站管理
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",  # the queue production's TASKS backend uses (cms/settings/production.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its translations: Wagtail's "a second ago" (naturaltime) in zh-hans.
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.http.PermissionsPolicyMiddleware",
    # Content-Security-Policy on every response, cached pages included (cms/accounts/security.py).
    "cms.accounts.security.ContentSecurityPolicyMiddleware",
    # Above the page cache too, so cached pages are not framable either.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL byte in the path or query is a 400 before any view (or the page cache) reads it.
    "core.http.RejectNullCharactersMiddleware",
    # The visit beacon needs none of what follows (cms/visits/views.py): answered here.
    "cms.visits.views.BeaconMiddleware",
    # First after security headers: a cached page is served with no database query.
    "sites.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): optional TOTP two-factor for info-center roles (cms/accounts).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth so it could exempt operators later; answers 410/503 for closed
    # or maintained subsites before any page is served.
    "sites.middleware.SiteStatusMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Near the inside: turns the 404 of a taken-down page into 410 or a redirect (DESIGN §3).
    "cms.syndication.middleware.TakedownResponseMiddleware",
    # Admin users with a reset or expired password change it before anything else.
    "cms.accounts.middleware.PasswordChangeRequiredMiddleware",
    # In the admin, a publication refused by a cluster rule becomes a message (cms/workflow).
    "cms.workflow.middleware.PublishRefusedMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            # Site themes first (sites/themes.py), then the apps' own templates (admin).
            "loaders": [
                (
                    "sites.themes.CachedThemeLoader",
                    ["sites.themes.ThemeLoader", "django.template.loaders.app_directories.Loader"],
                )
            ],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sites.context_processors.site_profile",
            ],
        },
    },
]

# Every app's schema migrations live under the top-level ``migrations/``
# package so the app folders stay code-only (DESIGN §4).
MIGRATION_MODULES = {
    "content": "migrations.content",
    "disclosure": "migrations.disclosure",
    "sites": "migrations.sites",
    "letters": "migrations.letters",
    "applications": "migrations.applications",
    "accounts": "migrations.accounts",
    "search": "migrations.search",
    "workflow": "migrations.workflow",
    "syndication": "migrations.syndication",
    "consultations": "migrations.consultations",
    "notices": "migrations.notices",
    "operations": "migrations.operations",
    "monitoring": "migrations.monitoring",
    "linkcheck": "migrations.linkcheck",
    "visits": "migrations.visits",
    "site_reports": "migrations.site_reports",
}

# DB_CONN_MAX_AGE: seconds a connection is kept for the next request of the same
# thread. 0 here (a new connection per request): runserver starts a thread per request,
# so a kept connection would only leak; production keeps them (cms/settings/production.py).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A kept connection the server dropped (restart, failover) is replaced at the
        # start of the next request instead of failing it.
        conn_health_checks=os.environ.get("DB_CONN_HEALTH_CHECKS", "1") == "1",
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "govcluster"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (search indexing, cache purges) runs through django-tasks:
# right after the enqueuing transaction commits (cms.tasks); production may name
# a worker-backed backend instead.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "cms.tasks.OnCommitImmediateBackend"),
    }
}
# With the database queue, a failed task is attempted again up to this many times in all,
# after 1×, 2×, 4×… this delay (cms/operations/retry.py).
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "3"))
TASK_RETRY_DELAY_SECONDS = int(os.environ.get("TASK_RETRY_DELAY_SECONDS", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "cms.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0: at least 3 of the 4 character classes, and none of the last 5 passwords.
    {"NAME": "cms.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "cms.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"history": int(os.environ.get("PASSWORD_HISTORY", "5"))},
    },
]

# Security baseline (docs/accounts.md). django-axes first: it refuses a locked-out
# account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "cms.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# Locked by account *and* address: five failures lock that account from that address
# only, so nobody can lock a unit (or the admin) out from elsewhere, and a township's
# shared NAT address locks only the account that was mistyped there.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Guessing spread over many addresses: this many failures of one account within the
# cool-off, from any addresses, lock it everywhere (cms.accounts.backends.LockoutHandler).
LOGIN_FAILURE_CEILING = int(os.environ.get("LOGIN_FAILURE_CEILING", "30"))
AXES_HANDLER = "cms.accounts.backends.LockoutHandler"
# Behind N reverse proxies, the client's address is the N-th from the right of
# X-Forwarded-For (what the outermost proxy saw); 0 (the default): REMOTE_ADDR.
LOGIN_TRUSTED_PROXIES = int(os.environ.get("LOGIN_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked for exactly the cool-off time
AXES_LOCKOUT_CALLABLE = "cms.accounts.security.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # our LoginEvent is the login history
AXES_VERBOSE = False
# No self-service reset by mailed link: passwords are reset by the info center
# (cms.accounts.lifecycle.reset_password, audited); the login page says whom to ask.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No autosave: on a new page it creates a draft the editor never asked for (then the next
# save of the same form collides with it, and an abandoned form leaves the draft and its
# uploaded images behind); every saved version here is a deliberate, audited act.
WAGTAIL_AUTOSAVE_INTERVAL = 0
PASSWORD_EXPIRY_DAYS = int(os.environ.get("PASSWORD_EXPIRY_DAYS", "90"))
DORMANT_ACCOUNT_DAYS = int(os.environ.get("DORMANT_ACCOUNT_DAYS", "90"))
AUDIT_LOG_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_LOG_RETENTION_DAYS", "180")))
# Idle sessions end after 30 minutes: activity renews the expiry, at most once a minute
# (cms.accounts.middleware.SessionRenewalMiddleware) rather than a write on every request.
# Sessions are read from the cache and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views override it with SAMEORIGIN themselves
CSRF_FAILURE_VIEW = "core.http.csrf_failure"  # a Chinese page for an expired form (Django's is English)
# Public pages run no inline script; Wagtail's signed-in admin still has a few inline
# <script> elements (date widgets, inline panels) and style attributes, so it allows
# them (ADR 0009); the admin's pages before sign-in (login, password reset) do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # No inline event handlers (onerror=…), the admin included: neither Wagtail 8 nor we use any.
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
CONTENT_SECURITY_POLICY_ADMIN_SCRIPT_SRC = ["'self'", "'unsafe-inline'"]
# Browser features no page of the cluster uses (core.http.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "hid",
        "midi",
        "magnetometer",
        "gyroscope",
        "accelerometer",
        "display-capture",
        "browsing-topics",
    )
}
# Uploads: Wagtail's own allow-lists and size limits, and Pillow's decompression-bomb guard.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("IMAGE_MAX_UPLOAD_MB", "10")) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
DOCUMENT_MAX_UPLOAD_SIZE = int(os.environ.get("DOCUMENT_MAX_UPLOAD_MB", "50")) * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.SafeDocumentForm"
# Documents are served by Wagtail's view, which refuses a private collection's
# (CollectionViewRestriction) to readers it does not admit; never straight from MEDIA_ROOT,
# whatever the storage (cms/content/media.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Public forms (core/public_forms.py, docs/public-forms.md): every submission carries a
# solved proof-of-work challenge (ALTCHA protocol, self-hosted), valid this long, whose
# difficulty is the largest number the browser may have to try (about 1 s at 100000).
PUBLIC_FORM_CHALLENGE_REQUIRED = os.environ.get("PUBLIC_FORM_CHALLENGE_REQUIRED", "true").lower() != "false"
PUBLIC_FORM_CHALLENGE_SECONDS = int(os.environ.get("PUBLIC_FORM_CHALLENGE_SECONDS", "1200"))
PUBLIC_FORM_CHALLENGE_MAX_NUMBER = int(os.environ.get("PUBLIC_FORM_CHALLENGE_MAX_NUMBER", "100000"))
# The longest text a public form's field takes when it names no max_length of its own.
PUBLIC_FORM_TEXT_MAX_LENGTH = int(os.environ.get("PUBLIC_FORM_TEXT_MAX_LENGTH", "20000"))

LANGUAGE_CODE = "zh-hans"
# Chinese only: the admin and public pages never fall back to a browser's English.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# No Gravatar: a government intranet cannot reach it (a broken image) and it would tell a
# third party which accounts use the admin; Wagtail then shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The project's own zh-hans translations of what Wagtail leaves in English (the .mo is committed).
LOCALE_PATHS = [BASE_DIR / "locale"]

# Every theme's static folder; themes other than base namespace their files
# (themes/<name>/static/<name>/…) so they never shadow each other.
STATICFILES_DIRS = sorted(path for path in (BASE_DIR / "themes").glob("*/static") if path.is_dir())
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Images under MEDIA_URL served by Django itself, DEBUG or not: only for `make serve` on one
# machine; a real install lets nginx or the object store serve them (docs/deployment.md).
SERVE_MEDIA = os.environ.get("SERVE_MEDIA", "0") == "1"
# Files that must never be served by URL (告知书 templates, applications' attachments): outside
# MEDIA_ROOT, read only through views that check permissions (core/storage.py).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))

WAGTAIL_SITE_NAME = "政府网站集约化平台"
WAGTAILADMIN_USER_LOGIN_FORM = "cms.accounts.forms.LoginForm"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "ofd", "txt", "zip", "rar"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# The page model of every site's root, made by provisioning (sites knows no editorial app).
CLUSTER_HOME_PAGE_MODEL = "content.HomePage"
# Paths a closed or maintained subsite still serves: the admin (so the info
# center can reopen it), static files and media.
SITE_STATUS_EXEMPT_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/healthz/")
# Anonymous page cache (sites/page_cache.py): how long an entry may live, and
# paths never cached.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# At most this many parameterised entries (?page=2, catalogue filters …) per path and generation.
PAGE_CACHE_MAX_VARIANTS = int(os.environ.get("PAGE_CACHE_MAX_VARIANTS", "200"))
PAGE_CACHE_EXEMPT_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/api/", "/a11y/")

# Front proxies (deploy/varnish/default.vcl, docs/front-proxy.md): sites.front_proxy sends
# their tag and URL purges after commit, e.g. FRONT_PROXY_URLS=http://127.0.0.1:8000
# (comma-separated; empty: no proxy). A failed purge is retried after each of these delays.
FRONT_PROXY_URLS = env_list("FRONT_PROXY_URLS")
FRONT_PROXY_RETRY_DELAYS = (1, 3, 10)
# Wagtail's own purges of a page's URLs on publish and unpublish go through the same purger.
if FRONT_PROXY_URLS:
    WAGTAILFRONTENDCACHE = {"front_proxy": {"BACKEND": "sites.front_proxy.WagtailPurgeBackend"}}

# Review workflow (cms/workflow): Wagtail emails each step's group; superusers
# are not copied on every site's submissions. A publication date further back
# than this many days is reported as 伪造发稿日期 by the automatic check.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WORKFLOW_BACKDATE_TOLERANCE_DAYS = int(os.environ.get("WORKFLOW_BACKDATE_TOLERANCE_DAYS", "3"))

# 意见征集 (cms/consultations, docs/consultations.md): a closed consultation without a
# published 征集结果反馈 this many working days after its end date is flagged on the
# dashboard; citizens' names, phones and e-mails on its comments are blanked this many
# days after its end date (3 years: the usual keeping period of 网上留言 records).
CONSULTATION_FEEDBACK_WORKING_DAYS = int(os.environ.get("CONSULTATION_FEEDBACK_WORKING_DAYS", "10"))
CONSULTATION_RETENTION_DAYS = int(os.environ.get("CONSULTATION_RETENTION_DAYS", str(3 * 365)))
# Comments one address / one phone may submit per hour.
CONSULTATION_COMMENTS_PER_ADDRESS = int(os.environ.get("CONSULTATION_COMMENTS_PER_ADDRESS", "10"))
CONSULTATION_COMMENTS_PER_PHONE = int(os.environ.get("CONSULTATION_COMMENTS_PER_PHONE", "5"))

# Seconds a client should wait before retrying a site under maintenance (503).
SITE_MAINTENANCE_RETRY_AFTER = int(os.environ.get("SITE_MAINTENANCE_RETRY_AFTER", "3600"))
# 长者模式 cookie for the whole cluster (e.g. ".xzq.gov.cn"); unset: each host keeps its own.
ELDERLY_COOKIE_DOMAIN = os.environ.get("ELDERLY_COOKIE_DOMAIN", "").strip().lower() or None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Per-task and per-page chatter from background work and page creation.
    "loggers": {name: {"level": "WARNING"} for name in ("django_tasks", "wagtail", "modelsearch", "axes")},
}

# Public search (search/): "database" (PostgreSQL tsvector / SQLite FTS5) or
# "elasticsearch" (ELASTICSEARCH_URL, index alias ELASTICSEARCH_INDEX).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "cluster-search")
# Database backend on PostgreSQL: above this many matches, totals and facets are
# estimated from a 1/64 sample (shown as 约), as Elasticsearch stops exact totals
# at 10,000 by default: counting every match of a very common word reads them all
# (docs/search.md).
SEARCH_EXACT_LIMIT = int(os.environ.get("SEARCH_EXACT_LIMIT", "5000"))

# The external link checker (cms/linkcheck, docs/monitoring.md 外部链接), run daily before the
# indicators' recompute. It names the cluster in its User-Agent (ASCII: an HTTP header).
LINKCHECK_USER_AGENT = os.environ.get(
    "LINKCHECK_USER_AGENT", f"GovSiteClusterLinkChecker/1.0 (+{WAGTAILADMIN_BASE_URL})"
)
LINKCHECK_CONNECT_TIMEOUT = float(os.environ.get("LINKCHECK_CONNECT_TIMEOUT", "5"))  # seconds
LINKCHECK_READ_TIMEOUT = float(os.environ.get("LINKCHECK_READ_TIMEOUT", "10"))  # seconds, per read
LINKCHECK_CONCURRENCY = int(os.environ.get("LINKCHECK_CONCURRENCY", "8"))  # requests at once
LINKCHECK_PER_HOST = int(os.environ.get("LINKCHECK_PER_HOST", "2"))  # requests at once to one host
LINKCHECK_HOST_DELAY = float(os.environ.get("LINKCHECK_HOST_DELAY", "0.5"))  # seconds between starts, per host
LINKCHECK_MAX_REDIRECTS = int(os.environ.get("LINKCHECK_MAX_REDIRECTS", "5"))
LINKCHECK_MAX_URLS_PER_RUN = int(os.environ.get("LINKCHECK_MAX_URLS_PER_RUN", "5000"))
# An address is checked again once its last check is this old (daily job: a little under a day).
LINKCHECK_RECHECK_HOURS = int(os.environ.get("LINKCHECK_RECHECK_HOURS", "20"))
# A link is broken only after failing this many checks in a row (a server down for an hour is not).
LINKCHECK_FAILURES_TO_BREAK = int(os.environ.get("LINKCHECK_FAILURES_TO_BREAK", "2"))
# Hosts never contacted: "example.com" (and its subdomains) or a pattern "*.internal.example.com".
LINKCHECK_DENY_HOSTS = env_list("LINKCHECK_DENY_HOSTS")
# Loopback addresses are refused like every non-public address; only the test settings allow
# them (the tests' servers listen there). No environment variable can turn this on.
LINKCHECK_ALLOW_LOOPBACK = False

# 互动交流 letters (cms/letters, docs/interaction.md).
LETTER_WARNING_WORKING_DAYS = int(os.environ.get("LETTER_WARNING_WORKING_DAYS", "1"))
# The national inspection fails a site with a public message unanswered for more than 3 months
# (国办秘函〔2019〕19号); the info center's dashboard shows open letters older than this in red.
LETTER_VETO_GUARD_DAYS = int(os.environ.get("LETTER_VETO_GUARD_DAYS", "60"))
LETTER_MAX_EXTENSION_WORKING_DAYS = int(os.environ.get("LETTER_MAX_EXTENSION_WORKING_DAYS", "15"))
# Personal data of closed letters is erased this many days after the reply (manage.py purge_letter_personal_data).
LETTER_RETENTION_DAYS = int(os.environ.get("LETTER_RETENTION_DAYS", str(3 * 365)))
# The public mailbox's limits (cms/letters/public.py): (how many, per seconds). A letter per
# sender address and per phone (counted by a keyed digest), a status look-up per address.
LETTER_RATE_LIMITS = {
    "submit_per_address": (int(os.environ.get("LETTER_SUBMIT_PER_ADDRESS_PER_HOUR", "5")), 3600),
    "submit_per_phone": (int(os.environ.get("LETTER_SUBMIT_PER_PHONE_PER_DAY", "3")), 24 * 3600),
    "query_per_address": (int(os.environ.get("LETTER_QUERY_PER_ADDRESS_PER_10_MIN", "10")), 600),
}

# 依申请公开 (cms/applications, docs/applications.md).
APPLICATION_WARNING_WORKING_DAYS = int(os.environ.get("APPLICATION_WARNING_WORKING_DAYS", "3"))
# Personal data of concluded applications is erased this many days after the conclusion
# (manage.py purge_application_personal_data); the case and its figures stay.
APPLICATION_RETENTION_DAYS = int(os.environ.get("APPLICATION_RETENTION_DAYS", str(3 * 365)))
# The public application form (cms/applications/public.py): (how many, per seconds). An application
# per sender address and per identity document (a keyed digest), a status look-up per address.
APPLICATION_RATE_LIMITS = {
    "submit_per_address": (int(os.environ.get("APPLICATION_SUBMIT_PER_ADDRESS_PER_HOUR", "5")), 3600),
    "submit_per_id": (int(os.environ.get("APPLICATION_SUBMIT_PER_ID_PER_DAY", "5")), 24 * 3600),
    "query_per_address": (int(os.environ.get("APPLICATION_QUERY_PER_ADDRESS_PER_10_MIN", "10")), 600),
}
# Attachments (an identity document's scan): at most this many files of this many bytes each.
APPLICATION_MAX_ATTACHMENTS = 3
APPLICATION_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
