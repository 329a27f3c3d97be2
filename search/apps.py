from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Поиск")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from search import signal_handlers
        from search.spelling import forget_stamps

        signal_handlers.register_signal_handlers()

        signals = (post_save, post_delete, page_published, page_unpublished, post_page_move)
        for signal in signals:
            signal.connect(forget_stamps, dispatch_uid=f"search_forget_stamps_{id(signal)}")
        backends = {config["BACKEND"] for config in settings.WAGTAILSEARCH_BACKENDS.values()}
        if "search.backends.sqlite_russian" in backends:
            from search.backends.sqlite_russian import forget_index_terms

            for signal in (post_save, post_delete):
                signal.connect(forget_index_terms, dispatch_uid=f"search_forget_terms_{id(signal)}")
