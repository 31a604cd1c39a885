"""Your products: the subscriptions of the organization's tenants, with their actions."""

from __future__ import annotations

import functools

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import PortalRequest, benefits_access_required
from benefits import selectors
from benefits.models import SUBSCRIPTION_STATUS_LABELS
from common.htmx import render_page_or_partial
from common.pagecache import page_key


@require_safe
@benefits_access_required
def products(request: PortalRequest) -> HttpResponse:
    today = timezone.localdate()
    subscriptions = selectors.subscription_listed(organization=request.organization, today=today)

    @functools.cache
    def rows() -> list[tuple]:
        # Called by the template only when it renders the table, not when it reuses the
        # cached copy; cached so that the table's `if` and `for` share one list.
        statuses = ((subscription, subscription.status_on(today)) for subscription in subscriptions)
        return [(sub, status, SUBSCRIPTION_STATUS_LABELS[status]) for sub, status in statuses]

    table_key = page_key(request.organization.pk, "products", today)
    context = {"rows": rows, "today": today, "table_key": table_key}
    return render_page_or_partial(request, "benefits/products.html", "products", context)
