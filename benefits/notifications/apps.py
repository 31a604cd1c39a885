from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications of the benefits area, as an app of their own for their tables (their
    label stays "notifications")."""

    name = "benefits.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
