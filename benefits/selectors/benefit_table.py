"""The Azure & Cloud products list: filtered, searched and sorted as its address says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, QuerySet, Value, When

from accounts.models import Organization
from benefits.models import Benefit, BenefitType, Offer
from benefits.selectors.catalog import EXPIRES_SOON_DAYS, BenefitStatus, benefit_list

SORTABLE = {
    "product": "product__name",
    "quantity": "quantity",
    "offer": "offer_label",
    "type": "type_label",
    "expiration": "expiration_date",
}


DEFAULT_SORT = "product"


@dataclass(frozen=True)
class BenefitListQuery:
    """The state of the Azure & Cloud list, as the URL carries it. Already validated."""

    sort: str = DEFAULT_SORT  # a key of SORTABLE, "-" in front for descending
    offer: str = ""
    benefit_type: str = ""
    status: str = ""
    search: str = ""


def _label_of(field: str, choices: Sequence[tuple[str, object]]) -> Case:
    """Sort by the label the reader sees, in their language, not by the stored code."""
    return Case(
        *(When(**{field: code}, then=Value(str(label))) for code, label in choices),
        default=Value(""),
        output_field=CharField(),
    )


def benefit_table(
    *, organization: Organization, query: BenefitListQuery, today: date
) -> QuerySet[Benefit]:
    """The organization's benefits filtered, searched and sorted as ``query`` says; callers
    split it into the usage-based and license-based sections and paginate each."""
    benefits = benefit_list(organization=organization)
    if query.offer:
        benefits = benefits.filter(offer=query.offer)
    if query.benefit_type:
        benefits = benefits.filter(benefit_type=query.benefit_type)
    if query.search:
        benefits = benefits.filter(product__name__icontains=query.search)
    soon = today + timedelta(days=EXPIRES_SOON_DAYS)
    if query.status == BenefitStatus.ACTIVE:
        benefits = benefits.filter(expiration_date__gt=soon)
    elif query.status == BenefitStatus.EXPIRING:
        benefits = benefits.filter(expiration_date__gte=today, expiration_date__lte=soon)
    elif query.status == BenefitStatus.EXPIRED:
        benefits = benefits.filter(expiration_date__lt=today)
    descending = query.sort.startswith("-")
    field = SORTABLE.get(query.sort.lstrip("-"), SORTABLE[DEFAULT_SORT])
    ordering = [f"-{field}" if descending else field, "product__name", "pk"]
    # Only the label the rows are sorted by is computed: each is a CASE over every choice.
    if field == "offer_label":
        benefits = benefits.annotate(offer_label=_label_of("offer", Offer.choices))
    elif field == "type_label":
        benefits = benefits.annotate(type_label=_label_of("benefit_type", BenefitType.choices))
    return benefits.order_by(*ordering)
