"""Reading an organization's webhook endpoints and their delivery logs, always through the
organization (another organization's endpoint is 404)."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint

DELIVERIES_PER_PAGE = 25


def endpoint_list(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization).order_by("created_at", "pk")


def endpoint_get(*, organization: Organization, endpoint_id: int) -> WebhookEndpoint:
    return get_object_or_404(endpoint_list(organization=organization), pk=endpoint_id)


def delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    return get_object_or_404(
        WebhookDelivery.objects.filter(endpoint=endpoint).select_related("endpoint"),
        pk=delivery_id,
    )


def delivery_page(*, endpoint: WebhookEndpoint, number: int) -> Page:
    """One page of the endpoint's deliveries, newest first, each with its activity's kind;
    Http404 for a page past the last, as every paged list of the portal answers."""
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("activity")
        .only(
            "pk",
            "message_id",
            "status",
            "attempts",
            "created_at",
            "last_attempt_at",
            "last_response_code",
            "last_error",
            "failure",
            "next_attempt_at",
            "delivered_at",
            "activity__kind",
            "activity__created_at",
        )
        .order_by("-created_at", "-pk")
    )
    try:
        return Paginator(deliveries, DELIVERIES_PER_PAGE).page(number)
    except EmptyPage:
        raise Http404("No such page") from None
