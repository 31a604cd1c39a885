"""Staff see what each account chose and what was announced to whom; deleting a sent-log row
announces its notice again in the account's next digest."""

from __future__ import annotations

from django.contrib import admin

from benefits.notifications.models import NoticeSent, NotificationPreferences
from common.admin import PortalAdmin


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(PortalAdmin):
    list_display = ["account", "muted"]
    search_fields = ["account__email"]
    raw_id_fields = ["account"]


@admin.register(NoticeSent)
class NoticeSentAdmin(PortalAdmin):
    """The sent-log, read-only; a row can be deleted (its notice is then told again)."""

    list_display = ["account", "kind", "object_id", "ends_on", "threshold", "digest_date", "mail"]
    list_filter = ["kind", "threshold", "digest_date"]
    search_fields = ["account__email"]
    date_hierarchy = "digest_date"
    list_select_related = ["account", "mail"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
