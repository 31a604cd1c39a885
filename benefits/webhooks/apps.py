from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhooks of the activity log (SPEC 11), as an app of their own for their tables (their
    label stays "webhooks")."""

    name = "benefits.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
