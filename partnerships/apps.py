from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    label = "partnerships"
    verbose_name = _("Сотрудничество библиотек одноимённых населённых пунктов")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signal_handlers  # noqa: F401  (checks register on import)

        signal_handlers.register_signal_handlers()
