"""User assignment of Azure credit: the people picker, assign, remove (monthly), transfer (bulk).

With htmx every action re-renders the User assignment area in place; without JavaScript the
picker and the confirmation are pages of their own and each change redirects to the details.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import selectors as people
from accounts.permissions import PortalRequest, benefits_access_required
from benefits import selectors
from benefits.forms import PickerSearchForm
from benefits.models import Benefit
from benefits.services import credits
from common.htmx import render_page_or_partial, wants_partial
from common.pagecache import page_key

AREA = "benefits/benefit_detail.html#user-assignment"

ASSIGNED = _("%(name)s now holds this credit.")
REMOVED = _("%(name)s no longer holds this credit.")
TRANSFERRED = _("%(name)s now holds this credit instead of %(holder)s.")


@require_safe
@benefits_access_required
def credit_picker(
    request: PortalRequest, benefit_id: int, holder_id: int | None = None
) -> HttpResponse:
    """Search people to assign the credit to, or (with a holder) to transfer it to."""
    benefit = selectors.benefit_get(organization=request.organization, benefit_id=benefit_id)
    holder = _person(request, holder_id) if holder_id is not None else None
    text = people.picker_text(request.GET.get("q", ""))
    organization = request.organization
    context = {
        "benefit": benefit,
        "holder": holder,
        # Said at once when whoever is chosen would be refused (not Azure credit, expired,
        # monthly credit to transfer, a holder who no longer holds it), as the removal does.
        "refusal": credits.credit_picker_refusal(
            benefit=benefit, holder=holder, today=timezone.localdate()
        ),
        "text": text,
        "search": PickerSearchForm(initial={"q": text}, benefit_id=benefit.pk),
        # Read only when the list is rendered, not when its cached copy is shown.
        "results": SimpleLazyObject(
            lambda: people.directory_user_search_cached(organization=organization, text=text)
        ),
        "results_key": page_key(
            organization.pk, "picker list", benefit.pk, holder and holder.pk, text
        ),
        "min_length": people.PICKER_MIN_LENGTH,
    }
    # Typing refreshes the results only; opening the picker brings its search box too.
    searching = request.htmx and request.htmx.target == f"picker-results-{benefit.pk}"
    partial = "results" if searching else "picker"
    return render_page_or_partial(request, "benefits/credit_picker.html", partial, context)


@require_POST
@benefits_access_required
def credit_assign(request: PortalRequest, benefit_id: int) -> HttpResponse:
    benefit = selectors.benefit_get(organization=request.organization, benefit_id=benefit_id)
    person = _person(request, request.POST.get("directory_user"))
    return _apply(
        request,
        benefit,
        lambda today: credits.credit_assign(
            benefit=benefit, directory_user=person, actor=request.user, today=today
        ),
        ASSIGNED % {"name": person.display_name},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@benefits_access_required
def credit_remove(request: PortalRequest, benefit_id: int, holder_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes."""
    benefit = selectors.benefit_get(organization=request.organization, benefit_id=benefit_id)
    holder = _person(request, holder_id)
    if request.method != "POST":
        # Say at once when the removal would be refused, rather than after the confirmation.
        refusal = credits.credit_remove_refusal(
            benefit=benefit, directory_user=holder, today=timezone.localdate()
        )
        context = {"benefit": benefit, "holder": holder, "refusal": refusal}
        return render_page_or_partial(request, "benefits/credit_remove.html", "confirm", context)
    return _apply(
        request,
        benefit,
        lambda today: credits.credit_remove(
            benefit=benefit, directory_user=holder, actor=request.user, today=today
        ),
        REMOVED % {"name": holder.display_name},
    )


@require_POST
@benefits_access_required
def credit_transfer(request: PortalRequest, benefit_id: int, holder_id: int) -> HttpResponse:
    benefit = selectors.benefit_get(organization=request.organization, benefit_id=benefit_id)
    holder = _person(request, holder_id)
    to = _person(request, request.POST.get("directory_user"))
    return _apply(
        request,
        benefit,
        lambda today: credits.credit_transfer(
            benefit=benefit, holder=holder, to=to, actor=request.user, today=today
        ),
        TRANSFERRED % {"name": to.display_name, "holder": holder.display_name},
    )


def _person(request: PortalRequest, directory_user_id):
    return people.directory_user_get(
        organization=request.organization, directory_user_id=directory_user_id
    )


def _apply(request: PortalRequest, benefit: Benefit, change, success: str) -> HttpResponse:
    """Run one service call; show the refreshed area (htmx) or go back to the details."""
    today = timezone.localdate()
    notice, error = "", ""
    try:
        change(today)
        notice = success
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if not wants_partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect("benefits:benefit_detail", benefit_id=benefit.pk)
    fresh = selectors.benefit_details(organization=request.organization, benefit_id=benefit.pk)
    context = {"benefit": fresh, "today": today, "notice": notice, "error": error}
    return render(request, AREA, context)
