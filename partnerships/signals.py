from django.dispatch import Signal

# Sent by a cooperation (CooperationPage.refresh_level) after its parties may have changed: a
# history row approved, moved or removed, or rows written in bulk. Arguments: sender (the
# model), instance (the cooperation).
parties_changed = Signal()
