"""Subscriptions: what Your products lists (every subscription of the organization's tenants
but Deleted ones, by tenant then product), a page at a time."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.models import Scope
from benefits import selectors
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.cursor import cursor_read, keyset_page, page_link
from benefits.api.problems import READ_ERRORS
from benefits.api.queries import CURSOR, PAGE_SIZE
from benefits.models import SUBSCRIPTION_STATUS_LABELS, Subscription

router = Router(tags=["Subscriptions"])


class SubscriptionParams(Schema):
    cursor: str | None = CURSOR
    page_size: int = PAGE_SIZE


class SubscriptionOut(Schema):
    id: int
    product_id: int
    product: str
    tenant_id: int
    tenant_domain: str
    seats: int
    start_date: date
    end_date: date
    status: str = Field(..., description="active, expired, disabled (as the admin center says).")
    status_label: str


class SubscriptionPage(Schema):
    items: list[SubscriptionOut]
    next: str | None = Field(..., description="The next page's address; null on the last.")
    previous: str | None = Field(..., description="The previous page's; null on the first.")


@router.get(
    "/subscriptions",
    response={200: SubscriptionPage, **READ_ERRORS},
    summary="List the subscriptions of the organization's tenants",
    description="As Your products lists them: all but Deleted ones, by tenant then product.",
    auth=TokenAuth(Scope.READ),
)
def subscriptions_list(request: ApiRequest, params: Query[SubscriptionParams]) -> dict:
    today = timezone.localdate()
    page = keyset_page(
        selectors.subscription_listed(organization=request.organization, today=today),
        cursor=cursor_read(params.cursor),
        size=params.page_size,
        context={},
    )
    return {
        "items": [subscription_out(item, today=today) for item in page.items],
        "next": page_link(request, page.next),
        "previous": page_link(request, page.previous),
    }


def subscription_out(subscription: Subscription, *, today: date) -> dict:
    status = subscription.status_on(today)
    return {
        "id": subscription.pk,
        "product_id": subscription.product_id,
        "product": subscription.product.name,
        "tenant_id": subscription.tenant_id,
        "tenant_domain": subscription.tenant.primary_domain,
        "seats": subscription.seats,
        "start_date": subscription.start_date,
        "end_date": subscription.end_date,
        "status": status.value,
        "status_label": str(SUBSCRIPTION_STATUS_LABELS[status]),
    }
