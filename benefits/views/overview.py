"""The benefits overview: a card per benefit area."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import PortalRequest, benefits_access_required
from benefits import selectors

# The card lists the first few; the link opens the list filtered on all of them.
EXPIRING_SHOWN = 5


@require_safe
@benefits_access_required
def overview(request: PortalRequest) -> HttpResponse:
    today = timezone.localdate()
    summary = selectors.benefits_summary(organization=request.organization, today=today)
    expiring = selectors.benefits_expiring_soon(organization=request.organization, today=today)
    context = {"summary": summary, "expiring": expiring[:EXPIRING_SHOWN], "today": today}
    return render(request, "benefits/overview.html", context)
