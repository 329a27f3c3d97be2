from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", default=True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
# Static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
