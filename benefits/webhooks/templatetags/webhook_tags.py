"""The delivery log's words for a failed try (benefits/webhooks/failures.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html

from benefits.webhooks.failures import WITH_DETAILS, failure_text
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from benefits.webhooks.transport import TIMEOUT_SECONDS

register = template.Library()


@register.simple_tag
def delivery_failure(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> str:
    """Why ``delivery``'s last try failed, in the reader's language, followed by the technical
    words (English, marked so) when they say more; a row written before failures had kinds
    shows its technical words alone."""
    if not delivery.failure:
        return delivery.last_error
    sentence = failure_text(
        failure=delivery.failure,
        host=urlsplit(endpoint.url).hostname or "",
        status=delivery.last_response_code,
        seconds=TIMEOUT_SECONDS,
    )
    if delivery.failure not in WITH_DETAILS:
        return sentence
    return format_html('{} <span lang="en">({})</span>', sentence, delivery.last_error)
