"""Settings for the benchmark: like production (DEBUG off), on the bench's own database.

The database is `DATABASE_URL` when it is set, otherwise the SQLite file that bench/run.py names
in `TEZKI_BENCH_SQLITE` (under bench/results/, git-ignored). Never the site's db.sqlite3.
"""

import os
from pathlib import Path

import dj_database_url

from config.settings.test import *  # noqa: F403

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config()}
else:
    DATABASES = {
        "default": dj_database_url.parse(
            "sqlite:///"
            + os.environ.get("TEZKI_BENCH_SQLITE", str(RESULTS_DIR / "tezki-bench.sqlite3"))
        )
    }

MEDIA_ROOT = Path(os.environ.get("TEZKI_BENCH_MEDIA", RESULTS_DIR / "media"))

if SEARCH_ENGINE_URLS:  # noqa: F405
    # OPENSEARCH_URL or ELASTICSEARCH_URL: the engine tier as the site runs it (the test
    # settings leave engines to the tests that choose them).
    from config.settings import base as site_settings

    WAGTAILSEARCH_BACKENDS = site_settings.WAGTAILSEARCH_BACKENDS

# Generated pages are written in bulk and never indexed on save; `--index` runs update_index.
WAGTAILSEARCH_BACKENDS = {
    alias: {**backend, "AUTO_UPDATE": False} for alias, backend in WAGTAILSEARCH_BACKENDS.items()
}

# A failing page is counted and reported by the bench, not logged as a traceback per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "CRITICAL"}, "django.security": {"level": "ERROR"}},
}
