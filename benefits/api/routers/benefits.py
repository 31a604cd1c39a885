"""Benefits: the Azure & Cloud list (its filters, search and sorting, a page at a time) and
one benefit with its product keys or its Azure credit's holders.

The list is the page's own query (``selectors.benefit_table``, checked by the page's form),
with the figures of ``selectors.benefits_counted``; a page is one query whatever the list's
length. Keys show only their last group, as on the screens, unless the token has the
``keys`` scope.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone, translation
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.models import Scope
from benefits import selectors
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.cursor import cursor_read, keyset_page, page_link
from benefits.api.problems import Problem
from benefits.api.queries import CURSOR, PAGE_SIZE, choice, form_valid
from benefits.forms import SEARCH_MAX_LENGTH, STATUS_CHOICES, BenefitListForm
from benefits.models import Benefit, BenefitType, Offer, ProductKey

router = Router(tags=["Benefits"])

READ_ERRORS = {401: Problem, 403: Problem, 422: Problem, 429: Problem}
STATUS_LABELS = dict(STATUS_CHOICES)
SORTS = [key for name in selectors.SORTABLE for key in (name, f"-{name}")]


class BenefitListParams(Schema):
    q: str = Field(
        "", description=f"Part of the product's name, any case ({SEARCH_MAX_LENGTH} at most)."
    )
    offer: str = choice(list(Offer.values), "Only benefits of this offer.")
    type: str = choice(list(BenefitType.values), "Only benefits of this type.")
    status: str = choice(
        [code for code, _label in STATUS_CHOICES],
        "active: more than 30 days left; expiring: 30 days at most; expired.",
    )
    sort: str = choice(
        SORTS,
        "The order, as the list's columns sort (offer and type by their label in the "
        "language asked for); '-' in front for descending. Ties by product, then id.",
    )
    cursor: str | None = CURSOR
    page_size: int = PAGE_SIZE


class CreditOut(Schema):
    amount: Decimal
    period: str = Field(..., description="monthly or annual (bulk credit).")
    period_label: str
    currency: str
    seats_held: int = Field(..., description="People holding this credit (of `quantity`).")


class LicensesOut(Schema):
    available: int = Field(..., description="Licenses of the keys not redeemed yet.")
    redeemed: int = Field(..., description="Licenses of the keys redeemed.")


class BenefitOut(Schema):
    id: int
    product: str
    kind: str = Field(..., description="usage (Azure credit) or license (product keys).")
    kind_label: str
    offer: str
    offer_label: str
    type: str
    type_label: str
    quantity: int
    expiration_date: date
    status: str = Field(..., description="active, expiring (within 30 days) or expired.")
    status_label: str
    credit: CreditOut | None = Field(None, description="Azure credit only.")
    licenses: LicensesOut | None = Field(None, description="License-based benefits only.")


class BenefitPage(Schema):
    items: list[BenefitOut]
    next: str | None = Field(..., description="The next page's address; null on the last.")
    previous: str | None = Field(..., description="The previous page's; null on the first.")


class SubscriptionRef(Schema):
    id: int
    product: str
    tenant_domain: str


class KeyOut(Schema):
    id: int
    key: str = Field(..., description="In full with the `keys` scope, else its last group.")
    licenses: int
    redeemed: bool
    redeemed_at: datetime | None
    redeemed_into: SubscriptionRef | None


class CreditHolderOut(Schema):
    directory_user_id: int
    display_name: str
    user_principal_name: str
    tenant_domain: str
    assigned_at: datetime


class BenefitDetailOut(BenefitOut):
    keys: list[KeyOut] | None = Field(None, description="License-based benefits only.")
    holders: list[CreditHolderOut] | None = Field(None, description="Azure credit only.")


@router.get(
    "/benefits",
    response={200: BenefitPage, **READ_ERRORS},
    summary="List the organization's benefits",
    description="Filtered, searched and sorted as the Azure & Cloud products list; a page at "
    "a time, following `next` and `previous`.",
    auth=TokenAuth(Scope.READ),
)
def benefits_list(request: ApiRequest, params: Query[BenefitListParams]) -> dict:
    form = form_valid(BenefitListForm(params.dict(exclude={"cursor", "page_size"})))
    query = form.to_query()
    cursor = cursor_read(params.cursor)
    # Labels sort in the language of the first page, so that a walk keeps one order.
    language = cursor.context.get("language", "") if cursor else translation.get_language()
    today = timezone.localdate()
    with translation.override(language or None):
        table = selectors.benefit_table(organization=request.organization, query=query, today=today)
    page = keyset_page(
        selectors.benefits_counted(table),
        cursor=cursor,
        size=params.page_size,
        context={"sort": query.sort, "language": language or ""},
    )
    return {
        "items": [benefit_out(benefit, today=today) for benefit in page.items],
        "next": page_link(request, page.next),
        "previous": page_link(request, page.previous),
    }


@router.get(
    "/benefits/{benefit_id}",
    response={200: BenefitDetailOut, **READ_ERRORS, 404: Problem},
    summary="Get a benefit with its product keys or its credit's holders",
    description="Keys in full need a token with the `keys` scope; otherwise each shows only "
    "its last group, as on the screens.",
    auth=TokenAuth(Scope.READ),
)
def benefit_detail(request: ApiRequest, benefit_id: int, response: HttpResponse) -> dict:
    benefit = selectors.benefit_details(
        organization=request.organization, benefit_id=benefit_id, counted=True
    )
    body = benefit_out(benefit, today=timezone.localdate())
    if benefit.is_usage_based:
        body["holders"] = [
            {
                "directory_user_id": held.directory_user_id,
                "display_name": held.directory_user.display_name,
                "user_principal_name": held.directory_user.user_principal_name,
                "tenant_domain": held.directory_user.tenant.primary_domain,
                "assigned_at": held.assigned_at,
            }
            for held in benefit.assignments.all()
        ]
        return body
    full = Scope.KEYS in request.auth.scopes
    if full:
        response["Cache-Control"] = "no-store"  # full product keys: no copy in any cache
    body["keys"] = [key_out(key, full=full) for key in selectors.benefit_keys(benefit=benefit)]
    return body


def benefit_out(benefit: Benefit, *, today: date) -> dict:
    """A benefit as the list shows it (``benefit`` from ``selectors.benefits_counted``)."""
    status = selectors.benefit_status(benefit, today=today)
    body = {
        "id": benefit.pk,
        "product": benefit.product.name,
        "kind": benefit.product.kind,
        "kind_label": benefit.product.get_kind_display(),
        "offer": benefit.offer,
        "offer_label": benefit.get_offer_display(),
        "type": benefit.benefit_type,
        "type_label": benefit.get_benefit_type_display(),
        "quantity": benefit.quantity,
        "expiration_date": benefit.expiration_date,
        "status": status,
        "status_label": str(STATUS_LABELS[status]),
    }
    if benefit.is_usage_based:
        body["credit"] = {
            "amount": benefit.credit_amount,
            "period": benefit.credit_period,
            "period_label": benefit.get_credit_period_display(),
            "currency": benefit.currency,
            "seats_held": benefit.seats_held,  # type: ignore[attr-defined]
        }
    else:
        body["licenses"] = {
            "available": benefit.licenses_available,  # type: ignore[attr-defined]
            "redeemed": benefit.licenses_redeemed,  # type: ignore[attr-defined]
        }
    return body


def key_out(key: ProductKey, *, full: bool) -> dict:
    into = key.redeemed_into
    return {
        "id": key.pk,
        "key": key.key if full else key.masked_key,
        "licenses": key.licenses,
        "redeemed": key.is_redeemed,
        "redeemed_at": key.redeemed_at,
        "redeemed_into": None
        if into is None
        else {
            "id": into.pk,
            "product": into.product.name,
            "tenant_domain": into.tenant.primary_domain,
        },
    }
