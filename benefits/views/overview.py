"""The benefits overview: a card per benefit area, its figures cached under the organization's
page version and today (common/pagecache.py): it is every partner admin's landing page, and
its counts read every product key of the organization."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from accounts.permissions import PortalRequest, benefits_access_required
from benefits import selectors
from common.pagecache import page_key

# The card lists the first few; the link opens the list filtered on all of them.
EXPIRING_SHOWN = 5


@require_safe
@benefits_access_required
def overview(request: PortalRequest) -> HttpResponse:
    today = timezone.localdate()
    organization = request.organization
    context = {
        # Read only when the card is rendered, not when its cached copy is shown (the
        # QuerySet of those expiring is read when iterated, too).
        "summary": SimpleLazyObject(
            lambda: selectors.benefits_summary(organization=organization, today=today)
        ),
        "expiring": selectors.benefits_expiring_soon(organization=organization, today=today)[
            :EXPIRING_SHOWN
        ],
        "today": today,
        "summary_key": page_key(organization.pk, "overview", today),
    }
    return render(request, "benefits/overview.html", context)
