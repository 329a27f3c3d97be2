"""Settings shared by every environment; values come from environment variables."""

import os
from pathlib import Path

import dj_database_url

CONFIG_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = CONFIG_DIR.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "search",
    "partnerships",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# The embedded default is SQLite next to manage.py; DATABASE_URL points elsewhere.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Russian first; English content through wagtail-localize.
LANGUAGE_CODE = "ru"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [("ru", "Русский"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский")]
WAGTAIL_I18N_ENABLED = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tezki@localhost")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Тёзки"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# A cooperation's moderators approve its member libraries' pages (see partnerships/workflows.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "partnerships.workflows.publish_approved"
# Avatars from gravatar.com would be fetched from the internet on every admin page.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_USER_LOGIN_FORM = "partnerships.forms.AdminLoginForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- Search ------------------------------------------------------------------------------------
# Russian on every tier. The database always keeps an index of its own: SQLite (embedded
# default, stems made in Python) or PostgreSQL (the `russian` configuration). OPENSEARCH_URL, or
# ELASTICSEARCH_URL with ELASTICSEARCH_VERSION (8 or 9), makes that cluster the default backend;
# the database index stays as "database", the fallback of the search page while the cluster is
# unreachable. Comma-separated URLs; user:password@ in a URL is passed on to the client.
if IS_POSTGRES:
    SEARCH_DATABASE_BACKEND = {
        "BACKEND": "search.backends.postgres_russian",
        "SEARCH_CONFIG": "russian",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SEARCH_DATABASE_BACKEND = {"BACKEND": "search.backends.sqlite_russian"}
else:
    SEARCH_DATABASE_BACKEND = {"BACKEND": "wagtail.search.backends.database"}

SEARCH_ENGINE_URLS = env_list("OPENSEARCH_URL") or env_list("ELASTICSEARCH_URL")
if SEARCH_ENGINE_URLS:
    if env_list("OPENSEARCH_URL"):
        SEARCH_ENGINE_BACKEND = "search.backends.opensearch2"
    else:
        ELASTICSEARCH_VERSION = os.environ.get("ELASTICSEARCH_VERSION", "9").strip()
        if ELASTICSEARCH_VERSION not in ("8", "9"):
            raise ValueError("ELASTICSEARCH_VERSION must be 8 or 9 (the cluster's major version).")
        SEARCH_ENGINE_BACKEND = "search.backends.elasticsearch" + ELASTICSEARCH_VERSION
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": SEARCH_ENGINE_BACKEND,
            "URLS": SEARCH_ENGINE_URLS,
            "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "tezki-"),
            "TIMEOUT": int(os.environ.get("SEARCH_TIMEOUT", "5")),
        },
        "database": SEARCH_DATABASE_BACKEND,
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": SEARCH_DATABASE_BACKEND}
# --- end of search -----------------------------------------------------------------------------

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The hub's sections may be created under the host site's home page only.
PARTNERSHIPS_SECTION_PARENT_PAGE_TYPES = ["home.HomePage"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
