"""Azure & Cloud products: the list, one benefit's details, and the CSV export."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.http import push_url, replace_url

from accounts.mfa import second_factor_required
from accounts.permissions import PortalRequest, benefits_access_required
from benefits import selectors
from benefits.forms import STATUS_CHOICES, BenefitListForm, query_params
from benefits.models import Benefit, Product
from benefits.selectors import DEFAULT_SORT, BenefitListQuery
from common.htmx import render_page_or_partial, wants_partial
from common.pagecache import page_key
from common.paging import page_number
from common.spreadsheets import SpreadsheetWriter

PAGE_SIZE = 50
STATUS_LABELS = dict(STATUS_CHOICES)
SECTIONS = [("usage", Product.Kind.USAGE), ("license", Product.Kind.LICENSE)]


@require_safe
@benefits_access_required
def azure_cloud(request: PortalRequest) -> HttpResponse:
    today = timezone.localdate()
    listed = BenefitListForm(request.GET)
    query, params, numbers = _list_view(listed, request.GET)

    def sections() -> dict:
        # Read only when the table is rendered, not when its cached copy is shown.
        table = selectors.benefit_table(organization=request.organization, query=query, today=today)
        return {
            name: _page(table.filter(product__kind=kind), numbers[name]) for name, kind in SECTIONS
        }

    state = QueryDict(mutable=True)
    state.update(params)
    address = _list_address(params, numbers)
    context = {
        # The filters are shown from the cached copy too: the form is built when that is missing.
        "form": SimpleLazyObject(lambda: BenefitListForm(params)),
        "query": query,
        "state": state,
        "address": address,
        "columns": SimpleLazyObject(lambda: sort_columns(query, state)),
        "sections": SimpleLazyObject(sections),
        "today": today,
        "filter_ignored": listed.filter_dropped,
        "table_key": page_key(
            request.organization.pk, "azure-cloud", today, params, numbers, wants_partial(request)
        ),
    }
    response = render_page_or_partial(
        request, "benefits/azure_cloud.html", "benefit-table", context
    )
    if not wants_partial(request):
        return response
    # The address bar shows the cleaned state, so a copied link reproduces this view. Typing
    # and choosing filters replace the entry; sorting and paging add one, as links do.
    url = f"{request.path}?{address.urlencode()}" if address else request.path
    if request.htmx.trigger == "benefit-filters":
        return replace_url(response, url)
    return push_url(response, url)


def _list_view(
    listed: BenefitListForm, data: QueryDict
) -> tuple[BenefitListQuery, dict[str, str], dict[str, int]]:
    """The list's view as an address asks for it (``listed``: its filters, read from ``data``):
    the query (filters and sort, cleaned), the URL parameters that reproduce it, and each
    section's page number."""
    query = listed.to_query()
    numbers = {name: page_number(data.get(f"{name}_page")) for name, _kind in SECTIONS}
    return query, query_params(query), numbers


def _list_address(params: dict[str, str], numbers: dict[str, int]) -> QueryDict:
    """The list's address query: its cleaned filters and sort, and each section's page past
    the first."""
    address = QueryDict(mutable=True)
    address.update(params)
    for name, number in numbers.items():
        if number > 1:
            address[f"{name}_page"] = str(number)
    return address


def _list_address_of(data: QueryDict) -> str:
    """The list's address query as ``data`` asks for it, cleaned, ready for a link."""
    _query, params, numbers = _list_view(BenefitListForm(data), data)
    return _list_address(params, numbers).urlencode()


@require_safe
@benefits_access_required
def benefit_detail(request: PortalRequest, benefit_id: int) -> HttpResponse:
    """Keys show only their last group here, so a license benefit's key table is cached like
    the lists; ``benefit_keys_revealed`` shows them in full."""
    benefit = selectors.benefit_details(organization=request.organization, benefit_id=benefit_id)
    today = timezone.localdate()
    context = {
        "benefit": benefit,
        "today": today,
        # Opened from the list without JavaScript, the link carries the list's state: the way
        # back returns to the same filters, sort and pages. Read when the breadcrumb is drawn,
        # not for the details htmx shows inside the list.
        "list_address": SimpleLazyObject(lambda: _list_address_of(request.GET)),
    }
    if not benefit.is_usage_based:
        context["keys"] = SimpleLazyObject(lambda: selectors.benefit_keys(benefit=benefit))
        context["keys_key"] = page_key(request.organization.pk, "keys", benefit.pk, today)
    return render_page_or_partial(request, "benefits/benefit_detail.html", "details", context)


@require_safe
@never_cache  # full product keys: no copy in any cache
@benefits_access_required
def benefit_keys_revealed(request: PortalRequest, benefit_id: int) -> HttpResponse:
    """A license benefit's keys in full, after a second factor proved in the last 15 minutes
    (the password for an account without one). Another organization's benefit is 404 before
    anything is asked."""
    benefit = selectors.benefit_details(organization=request.organization, benefit_id=benefit_id)
    if benefit.is_usage_based:
        raise Http404
    return _keys_revealed(request, benefit)


@second_factor_required
def _keys_revealed(request: PortalRequest, benefit: Benefit) -> HttpResponse:
    context = {
        "benefit": benefit,
        "today": timezone.localdate(),
        "keys": selectors.benefit_keys(benefit=benefit),
        "revealed": True,
    }
    return render_page_or_partial(request, "benefits/benefit_keys.html", "key-table", context)


# The sortable columns of the list, in their order on screen.
SORTABLE_LABELS = {
    "product": _("Product"),
    "quantity": _("Quantity"),
    "offer": _("Offer"),
    "type": _("Benefit type"),
    "expiration": _("Expiration date"),
}
# Column headings in the reader's language, like the values under them.
CSV_COLUMNS = [
    _("Section"),
    *SORTABLE_LABELS.values(),
    _("Status"),
    _("Credit amount"),
    _("Credit period"),
    _("Currency"),
]


@require_safe
@benefits_access_required
def azure_cloud_csv(request: PortalRequest) -> HttpResponse:
    """Exactly the rows the list shows for the same parameters (every page, both sections)."""
    today = timezone.localdate()
    query = BenefitListForm(request.GET).to_query()
    table = selectors.benefit_table(organization=request.organization, query=query, today=today)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="azure-cloud-products.csv"'
    # A byte-order mark, so spreadsheet programs read the French accents as UTF-8.
    response.write("\ufeff")
    writer = SpreadsheetWriter(response)
    writer.writerow([str(label) for label in CSV_COLUMNS])
    for _name, kind in SECTIONS:
        for benefit in table.filter(product__kind=kind).iterator(chunk_size=500):
            writer.writerow(
                [
                    benefit.product.get_kind_display(),
                    benefit.product.name,
                    benefit.quantity,
                    benefit.get_offer_display(),
                    benefit.get_benefit_type_display(),
                    benefit.expiration_date.isoformat(),
                    STATUS_LABELS[selectors.benefit_status(benefit, today=today)],
                    benefit.credit_amount if benefit.credit_amount is not None else "",
                    benefit.get_credit_period_display(),
                    benefit.currency,
                ]
            )
    return response


def sort_columns(query, state: QueryDict) -> list[dict]:
    """The column headers: label, the link that sorts by it (again: the other way round) and
    the aria-sort value of the current order."""
    columns = []
    for key, label in SORTABLE_LABELS.items():
        current = query.sort.lstrip("-") == key
        descending = query.sort.startswith("-")
        target = state.copy()
        target["sort"] = f"-{key}" if current and not descending else key
        if target["sort"] == DEFAULT_SORT:
            del target["sort"]
        columns.append(
            {
                "key": key,
                "label": label,
                "query": target.urlencode(),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


def _page(benefits, number: int):
    """One page of a section; a page past the end is 404 (found when the table is rendered:
    such a page is never cached)."""
    try:
        return Paginator(benefits, PAGE_SIZE).page(number)
    except EmptyPage as error:
        raise Http404("No such page") from error
