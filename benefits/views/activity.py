"""The organization's activity log: newest first, 50 a page, filterable by kind and benefit."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from accounts.permissions import benefits_access_required
from benefits import selectors
from benefits.forms import ActivityFilterForm
from partnerbenefits.fragments import digest, queryset_digest
from partnerbenefits.htmx import render_page_or_partial

PAGE_SIZE = 50


@require_safe
@benefits_access_required
def activity(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET, organization=request.organization)
    filters = form.filters()
    records = selectors.activity_list(organization=request.organization, **filters).select_related(
        "benefit__product"
    )
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        number = 1
    try:
        page = Paginator(records, PAGE_SIZE).page(number)
    except EmptyPage as error:
        raise Http404("No such page") from error
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        # The page links keep the other parameters of the address.
        "table_digest": digest(
            page.number,
            page.paginator.count,
            sorted(request.GET.lists()),
            queryset_digest(page.object_list, related=("benefit", "benefit.product")),
        ),
        "options_digest": digest(form.fields["benefit"].choices, filters["benefit_id"]),
    }
    return render_page_or_partial(request, "benefits/activity.html", "activity-table", context)
