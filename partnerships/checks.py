from django.conf import settings
from django.core.checks import Warning, register

FINISH_ACTION = "partnerships.workflows.publish_approved"


@register()
def check_host_settings(app_configs, **kwargs):
    """Settings the add-on needs from its host, with the reason for each."""
    warnings = []
    if getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", None) != FINISH_ACTION:
        warnings.append(
            Warning(
                "Approving a library's page would fail for its cooperation's moderators.",
                hint=f'Set WAGTAIL_FINISH_WORKFLOW_ACTION = "{FINISH_ACTION}".',
                id="partnerships.W001",
            )
        )
    if getattr(settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True):
        warnings.append(
            Warning(
                "Every submission would be e-mailed to every superuser.",
                hint="Set WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False.",
                id="partnerships.W002",
            )
        )
    return warnings
