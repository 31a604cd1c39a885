"""Benefits: the Azure & Cloud list (its filters, search and sorting, a page at a time) and
one benefit with its product keys or its Azure credit's holders.

The list is the page's own query (``selectors.benefit_table``, checked by the page's form),
with the figures of ``selectors.benefits_counted``; a page is one query whatever the list's
length. Keys show only their last group, as on the screens, unless the token has the
``keys`` scope.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone, translation
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from accounts.models import Scope
from benefits import selectors
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.cursor import Cursor, cursor_read, keyset_page, page_link
from benefits.api.fields import PathId
from benefits.api.problems import READ_ERRORS, Problem, named_if_missing
from benefits.api.queries import CURSOR, PAGE_SIZE, choice, form_valid
from benefits.forms import SEARCH_MAX_LENGTH, STATUS_CHOICES, BenefitListForm
from benefits.models import Benefit, BenefitType, Offer, Product, ProductKey
from common.pagecache import TIMEOUT, page_cache, page_key

router = Router(tags=["Benefits"])

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


# Answers are plain pydantic models: ninja's Schema reads each field through a wrapper meant for
# ORM objects, which cost a third of the list's time; these are built from dicts.
class CreditOut(BaseModel):
    amount: Decimal
    period: str = Field(..., description="monthly or annual (bulk credit).")
    period_label: str
    currency: str
    seats_held: int = Field(..., description="People holding this credit (of `quantity`).")


class LicensesOut(BaseModel):
    available: int = Field(..., description="Licenses of the keys not redeemed yet.")
    redeemed: int = Field(..., description="Licenses of the keys redeemed.")


class BenefitOut(BaseModel):
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


class BenefitPage(BaseModel):
    items: list[BenefitOut]
    next: str | None = Field(..., description="The next page's address; null on the last.")
    previous: str | None = Field(..., description="The previous page's; null on the first.")


class SubscriptionRef(BaseModel):
    id: int
    product: str
    tenant_domain: str


class KeyOut(BaseModel):
    id: int
    key: str = Field(..., description="In full with the `keys` scope, else its last group.")
    licenses: int
    redeemed: bool
    redeemed_at: datetime | None
    redeemed_into: SubscriptionRef | None


class CreditHolderOut(BaseModel):
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
    cursor = cursor_read(params.cursor)
    # Labels sort in the language of the first page, so that a walk keeps one order.
    language = cursor.context.get("language", "") if cursor else translation.get_language()
    today = timezone.localdate()
    # Kept in the page cache like the list page itself: any change to the organization's
    # benefits gives it a new version, so a copy is never stale (common.pagecache).
    key = page_key(request.organization.pk, "api benefits", today, request.build_absolute_uri())
    body = page_cache().get(key)
    if body is None:
        body = _benefits_page(request, form.to_query(), cursor, params.page_size, language, today)
        page_cache().set(key, body, TIMEOUT)
    return body


def _benefits_page(
    request: ApiRequest,
    query: selectors.BenefitListQuery,
    cursor: Cursor | None,
    size: int,
    language: str | None,
    today: date,
) -> dict:
    with translation.override(language or None):
        table = selectors.benefit_table(organization=request.organization, query=query, today=today)
    page = keyset_page(
        selectors.benefits_counted(table),
        cursor=cursor,
        size=size,
        context={"sort": query.sort, "language": language or ""},
    )
    labels = ChoiceLabels.current()
    return {
        "items": [benefit_out(benefit, today=today, labels=labels) for benefit in page.items],
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
def benefit_detail(request: ApiRequest, benefit_id: PathId, response: HttpResponse) -> dict:
    with named_if_missing("benefit_id"):
        benefit = selectors.benefit_details(
            organization=request.organization, benefit_id=benefit_id, counted=True
        )
    body = benefit_out(benefit, today=timezone.localdate(), labels=ChoiceLabels.current())
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


@dataclass(frozen=True)
class ChoiceLabels:
    """The labels of every coded field, translated once per response rather than once per
    field of every row (a lazy label is translated again at each use)."""

    kinds: dict[str, str]
    offers: dict[str, str]
    types: dict[str, str]
    periods: dict[str, str]
    statuses: dict[str, str]

    @classmethod
    def current(cls) -> "ChoiceLabels":
        def labels(choices) -> dict[str, str]:
            return {str(code): str(label) for code, label in choices}

        return cls(
            kinds=labels(Product.Kind.choices),
            offers=labels(Offer.choices),
            types=labels(BenefitType.choices),
            periods=labels(Benefit.Period.choices),
            statuses=labels(STATUS_CHOICES),
        )


def benefit_out(benefit: Benefit, *, today: date, labels: ChoiceLabels) -> dict:
    """A benefit as the list shows it (``benefit`` from ``selectors.benefits_counted``)."""
    status = selectors.benefit_status(benefit, today=today)
    kind = benefit.product.kind
    body = {
        "id": benefit.pk,
        "product": benefit.product.name,
        "kind": kind,
        "kind_label": labels.kinds.get(kind, kind),
        "offer": benefit.offer,
        "offer_label": labels.offers.get(benefit.offer, benefit.offer),
        "type": benefit.benefit_type,
        "type_label": labels.types.get(benefit.benefit_type, benefit.benefit_type),
        "quantity": benefit.quantity,
        "expiration_date": benefit.expiration_date,
        "status": status,
        "status_label": labels.statuses.get(status, status),
    }
    if benefit.is_usage_based:
        period = benefit.credit_period
        body["credit"] = {
            "amount": benefit.credit_amount,
            "period": period,
            "period_label": labels.periods.get(period, period),
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
