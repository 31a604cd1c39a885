"""The organization's activity log: newest first, 50 a page, filterable by kind and benefit."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from accounts.permissions import PortalRequest, benefits_access_required
from benefits import selectors
from benefits.forms import ActivityFilterForm
from benefits.models import Activity
from common.htmx import render_page_or_partial
from common.pagecache import page_key
from common.paging import page_number

PAGE_SIZE = 50


@dataclass(frozen=True)
class LogPage:
    """One page of the log. The log is never counted — over a large organization's hundred
    thousand records the count cost more than the page — so the page is read with one record
    more than it shows, which tells whether an older page follows."""

    object_list: list[Activity]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@require_safe
@benefits_access_required
def activity(request: PortalRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET, organization=request.organization)
    filters = form.filters()
    number = page_number(request.GET.get("page"))

    def page() -> LogPage:
        # Read only when the table is rendered, not when its cached copy is shown.
        records = selectors.activity_list(organization=request.organization, **filters)
        start = (number - 1) * PAGE_SIZE
        shown = list(records.select_related("benefit__product")[start : start + PAGE_SIZE + 1])
        if not shown and number > 1:
            raise Http404("No such page")  # such a page is never cached
        return LogPage(shown[:PAGE_SIZE], number, len(shown) > PAGE_SIZE)

    params = {"kind": filters["kind"], "benefit": filters["benefit_id"]}
    context = {
        "form": form,
        "filters": filters,
        "page": SimpleLazyObject(page),
        # The page links keep the filters; the key holds only what was understood, so junk
        # in the address can't fill the cache with copies of one table.
        "filter_query": urlencode({name: value for name, value in params.items() if value}),
        "table_key": page_key(request.organization.pk, "activity", number, filters),
    }
    return render_page_or_partial(request, "benefits/activity.html", "activity-table", context)
