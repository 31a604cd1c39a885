"""Staff see the organizations' webhook endpoints (never their secrets) and their deliveries,
read-only: endpoints change only through their team admins' pages."""

from __future__ import annotations

from django.contrib import admin

from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from common.admin import ReadOnlyAdmin


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = [
        "url",
        "organization",
        "is_active",
        "disabled_reason",
        "failing_since",
        "last_success_at",
    ]
    list_filter = ["is_active", "disabled_reason"]
    search_fields = ["url", "organization__name"]
    list_select_related = ["organization"]
    # Everything but the secret.
    fields = [
        "organization",
        "url",
        "kinds",
        "is_active",
        "created_at",
        "created_by",
        "secret_rotated_at",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "last_success_at",
    ]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "message_id",
        "endpoint",
        "status",
        "attempts",
        "last_response_code",
        "failure",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
    ]
    list_filter = ["status"]
    search_fields = ["message_id", "endpoint__url"]
    date_hierarchy = "created_at"
    list_select_related = ["endpoint"]
    raw_id_fields = ["endpoint", "activity"]
