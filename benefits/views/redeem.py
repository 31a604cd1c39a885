"""The redemption wizard: Choose → Key → Review → Done (SPEC §4), one address for every step.

Each request loads the state, lets the current step act (``benefits.wizard.steps``), saves the
state once if it changed, and renders. Each step is a partial swapped in place by htmx; without
JavaScript a form that moved the state posts and redirects back here (a form with errors is
shown again at once), and the page shows the step the state is at.
"""

from __future__ import annotations

import copy

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from accounts.permissions import PortalRequest, benefits_access_required
from benefits.wizard.base import Outcome
from benefits.wizard.state import state_store
from benefits.wizard.wizard import Wizard
from common.htmx import render_page_or_partial, wants_partial

# The parameters of a link that starts the wizard afresh (from Your products, a key's Redeem).
START_PARAMETERS = {"restart", "key_id", "subscription", "action"}


# A typed product key arrives in the POST field "key", and the page renders one back (the Key
# step's field): error reports hide that field and every variable under this view.
@sensitive_variables()
@sensitive_post_parameters("key")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@benefits_access_required
def redeem(request: PortalRequest) -> HttpResponse:
    store = state_store(request.session, request.user.pk)
    loaded = store.load()
    wizard = Wizard(request, copy.deepcopy(loaded))
    if request.method == "POST":
        outcome = wizard.post(request.POST)
        if not outcome.step and not wants_partial(request):
            _save_if_changed(store, wizard, loaded)
            return redirect("benefits:redeem")
    elif request.GET.keys() & START_PARAMETERS:
        outcome = wizard.start(request.GET)
    else:
        outcome = Outcome()
    context = wizard.page(outcome)
    _save_if_changed(store, wizard, loaded)
    return render_page_or_partial(
        request, "benefits/redeem.html", "wizard", context, status=outcome.status
    )


def _save_if_changed(store, wizard: Wizard, loaded) -> None:
    if wizard.state != loaded:
        store.save(wizard.state)
