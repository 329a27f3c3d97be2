import logging

from django.apps import AppConfig, apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def enable_trigram(using="default", **kwargs):
    """PostgreSQL's typo-tolerant search (modelsearch's Fuzzy) needs pg_trgm; it is a trusted
    extension, so the database owner may create it without superuser rights."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning(
            "pg_trgm could not be created (%s); search works without typo tolerance. "
            "Ask the DBA to run CREATE EXTENSION pg_trgm.",
            error,
        )


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Поиск")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # post_migrate is sent only for apps with models: hang on to the app that owns the
        # search index.
        post_migrate.connect(enable_trigram, sender=apps.get_app_config("wagtailsearch"))

        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from search.spelling import forget_stamps

        signals = (post_save, post_delete, page_published, page_unpublished, post_page_move)
        for signal in signals:
            signal.connect(forget_stamps, dispatch_uid=f"search_forget_stamps_{id(signal)}")
        backends = {config["BACKEND"] for config in settings.WAGTAILSEARCH_BACKENDS.values()}
        if "search.backends.sqlite_russian" in backends:
            from search.backends.sqlite_russian import forget_index_terms

            for signal in (post_save, post_delete):
                signal.connect(forget_index_terms, dispatch_uid=f"search_forget_terms_{id(signal)}")
