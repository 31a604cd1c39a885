"""The benefits overview and one benefit's details."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import benefits_access_required
from benefits import selectors


@require_safe
@benefits_access_required
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    summary = selectors.benefits_summary(organization=request.organization, today=today)
    return render(request, "benefits/overview.html", {"summary": summary, "today": today})


@require_safe
@benefits_access_required
def benefit_detail(request: HttpRequest, benefit_id: int) -> HttpResponse:
    benefit = selectors.benefit_details(organization=request.organization, benefit_id=benefit_id)
    today = timezone.localdate()
    return render(request, "benefits/benefit_detail.html", {"benefit": benefit, "today": today})
