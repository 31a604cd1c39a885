"""The redemption wizard: Choose → Key → Review → Done, and Your products.

The wizard's state is kept under the visitor's session: in the cache when every process shares
it (Redis, settings.REDEEM_STATE_STORE), so a step costs a cache write rather than a database
write, and a state lost with the cache sends the user back to Choose; otherwise in the session.
Nothing else is written before Redeem. Each step is a
partial swapped in place by htmx; without JavaScript every form posts and redirects back to
the wizard, which shows the step the state is at. A state that doesn't fit (tampered, stale,
a skipped step) sends the user back to the right step with a message.
"""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import selectors as accounts_selectors
from accounts.permissions import benefits_access_required
from benefits import selectors
from benefits.forms import RedeemChooseForm, RedeemKeyForm
from benefits.models import SUBSCRIPTION_STATUS_LABELS, Activity
from benefits.services import redemption
from benefits.services.redemption import Action
from common import ratelimit
from common.htmx import render_page_or_partial, wants_partial
from common.pagecache import page_key

SESSION_KEY = "redeem_wizard"
# Long enough for anyone to finish; the state only needs to outlive the wizard.
STATE_TIMEOUT = 2 * 60 * 60
# What a stale or tampered wizard state can run into: handled as "go back a step", never a 500.
STALE = (ValidationError, ObjectDoesNotExist, Http404)
STEPS = ["choose", "key", "review", "done"]


@require_safe
@benefits_access_required
def products(request: HttpRequest) -> HttpResponse:
    """Your products: the subscriptions of the organization's tenants, with their actions."""
    today = timezone.localdate()
    subscriptions = (
        selectors.subscription_list(organization=request.organization)
        .listed_on(today)
        .order_by("tenant__primary_domain", "product__name", "pk")
    )

    @functools.cache
    def rows() -> list[tuple]:
        # Called by the template only when it renders the table, not when it reuses the
        # cached copy; cached so that the table's `if` and `for` share one list.
        statuses = ((subscription, subscription.status_on(today)) for subscription in subscriptions)
        return [(sub, status, SUBSCRIPTION_STATUS_LABELS[status]) for sub, status in statuses]

    table_key = page_key(request.organization.pk, "products", today)
    context = {"rows": rows, "today": today, "table_key": table_key}
    return render_page_or_partial(request, "benefits/products.html", "products", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@benefits_access_required
def redeem(request: HttpRequest) -> HttpResponse:
    state = _load(request)
    if request.method == "POST":
        return _post(request, state)
    if "restart" in request.GET or request.GET.keys() & {"key", "subscription", "action"}:
        state = _start(request, state)
    return _show(request, state)


# --- Steps -------------------------------------------------------------------------------------


def _start(request: HttpRequest, state: dict) -> dict:
    """A fresh wizard; ?subscription=&action= makes the choice, ?key= fills the key."""
    state = {"step": "choose", "tenant": _primary_tenant_id(request)}
    action = request.GET.get("action")
    subscription = None
    if request.GET.get("subscription"):
        # Another organization's subscription is 404, like any of its objects.
        subscription = selectors.subscription_get(
            organization=request.organization, subscription_id=request.GET["subscription"]
        )
    if action in Action.values:
        if action == Action.ACTIVATE:
            state.update(action=action, subscription=None, step="key")
            if subscription is not None:
                state["tenant"] = subscription.tenant_id
        elif subscription is not None:
            state.update(
                action=action,
                subscription=subscription.pk,
                tenant=subscription.tenant_id,
                step="key",
            )
    key_text = request.GET.get("key", "")
    if key_text and len(key_text) <= 200:
        state["key_text"] = key_text
    _save(request, state)
    return state


def _post(request: HttpRequest, state: dict) -> HttpResponse:
    step = request.POST.get("step")
    if step == "back":
        state["step"] = STEPS[max(STEPS.index(state.get("step", "choose")) - 1, 0)]
        state.pop("error", None)
        return _saved_and_shown(request, state)
    if step == "restart":
        return _saved_and_shown(request, {"step": "choose", "tenant": _primary_tenant_id(request)})
    handler = {"choose": _post_choose, "key": _post_key, "review": _post_review}.get(step)
    if handler is None:
        messages.error(request, _("That step doesn't exist; here is where you were."))
        return _saved_and_shown(request, state)
    return handler(request, state)


def _post_choose(request: HttpRequest, state: dict) -> HttpResponse:
    # Checked against the one subscription chosen rather than all the organization's (a large
    # one has hundreds); all of them only to show the form again.
    form = _choose_form(request, data=request.POST, only=request.POST.get("subscription"))
    if not form.is_valid():
        form = _choose_form(request, data=request.POST)
        return _show(request, {**state, "step": "choose"}, choose_form=form)
    state.update(
        step="key",
        action=form.cleaned_data["action"],
        subscription=form.cleaned_data["subscription"]
        if form.cleaned_data["action"] != Action.ACTIVATE
        else None,
        tenant=form.cleaned_data["tenant"],
    )
    return _saved_and_shown(request, state)


def _post_key(request: HttpRequest, state: dict) -> HttpResponse:
    if "action" not in state:
        messages.error(request, _("Choose what to do with the key first."))
        return _saved_and_shown(request, {**state, "step": "choose"})
    minutes = ratelimit.minutes_locked(request.user.pk)
    if minutes:
        return _show(request, {**state, "step": "key"}, locked_minutes=minutes, status=429)
    form = RedeemKeyForm(request.POST)
    preview, offer_activate = None, False
    if form.is_valid():
        try:
            preview = _preview(request, state, raw=form.cleaned_data["key"])
        except ValidationError as refusal:
            form.add_error("key", refusal)
            offer_activate = refusal.code == "InactiveSubscriptionError"
    if preview is None:
        ratelimit.record_failure(request.user.pk)
        return _show(
            request, {**state, "step": "key"}, key_form=form, offer_activate=offer_activate
        )
    state.update(
        step="review",
        key=preview.key.pk,
        reviewed=preview.fingerprint(),
        token=uuid.uuid4().hex,
        tenant=preview.tenant.pk,
    )
    state.pop("key_text", None)
    return _saved_and_shown(request, state, preview=preview)


def _post_review(request: HttpRequest, state: dict) -> HttpResponse:
    token = request.POST.get("token", "")
    if token and token == state.get("done_token"):
        # Redeem pressed twice (double click, resubmission, Back): the same confirmation.
        return _saved_and_shown(request, {**state, "step": "done"})
    if state.get("step") != "review" or token != state.get("token") or "key" not in state:
        messages.error(request, _("This review is no longer current; check it again."))
        return _saved_and_shown(request, state)
    try:
        record = redemption.key_redeem(
            organization=request.organization,
            key_id=state["key"],
            action=state["action"],
            tenant_id=state["tenant"],
            subscription_id=state.get("subscription"),
            reviewed=state.get("reviewed", {}),
            actor=request.user,
            today=timezone.localdate(),
        )
    except redemption.SubscriptionChanged as changed:
        # Show the new figures to confirm again, with a new token.
        try:
            state["reviewed"] = _preview(request, state).fingerprint()
            state.update(token=uuid.uuid4().hex, error=" ".join(changed.messages))
        except STALE as refusal:
            state.update(step="key", error=" ".join(getattr(refusal, "messages", [])))
        return _saved_and_shown(request, state)
    except STALE as refusal:
        earlier = _own_redemption(request, state)
        if earlier is not None:
            # The same Redeem pressed twice at once: the other press redeemed it; same Done.
            state.update(step="done", done=earlier.pk, done_token=token)
            return _saved_and_shown(request, state)
        message = " ".join(getattr(refusal, "messages", [_("This key can no longer be redeemed.")]))
        state.update(step="key", error=message)
        return _saved_and_shown(request, state)
    state.update(step="done", done=record.pk, done_token=token)
    state.pop("error", None)
    return _saved_and_shown(request, state, record=record)


# --- Rendering -----------------------------------------------------------------------------


def _saved_and_shown(request: HttpRequest, state: dict, preview=None, record=None) -> HttpResponse:
    """``preview``, ``record``: the review this request just computed, or the redemption it
    just recorded, shown as they are rather than read again."""
    _save(request, state)
    if wants_partial(request):
        return _show(request, state, preview=preview, record=record)
    return redirect("benefits:redeem")


def _show(
    request,
    state,
    *,
    choose_form=None,
    key_form=None,
    locked_minutes=0,
    offer_activate=False,
    status=200,
    preview=None,
    record=None,
):
    step = state.get("step") if state.get("step") in STEPS else "choose"
    context = {
        "step": step,
        "steps": STEPS,
        "state": state,
        "locked_minutes": locked_minutes,
        "offer_activate": offer_activate,
    }
    error = state.pop("error", None) if step != "done" else None
    if error:
        context["error"] = error
        _save(request, state)
    if step == "choose":
        context["form"] = choose_form or _choose_form(request, initial=state)
    elif step == "key":
        context["form"] = key_form or RedeemKeyForm(initial={"key": state.get("key_text", "")})
        context["choice"] = _choice(request, state)
    elif step == "review":
        try:
            context["preview"] = preview or _preview_from_state(request, state)
        except STALE:
            state["step"] = "key"
            _save(request, state)
            messages.error(request, _("This key can no longer be redeemed as reviewed."))
            return _show(request, state)
    elif step == "done":
        context["record"] = record or _done_record(request, state)
        if context["record"] is None:
            return _saved_and_shown(request, {"step": "choose"})
    return render_page_or_partial(request, "benefits/redeem.html", "wizard", context, status=status)


def _choose_form(request: HttpRequest, *, only: str | None = None, **kwargs) -> RedeemChooseForm:
    """The Choose form offering the organization's Active subscriptions (``only``: just this
    one, if it is among them)."""
    active = (
        selectors.subscription_list(organization=request.organization)
        .active_on(timezone.localdate())
        .order_by("product__name", "pk")
        .values_list("pk", "product__name", "tenant__primary_domain", "seats")
    )
    if only is not None:
        active = active.filter(pk=accounts_selectors.parse_id(only))
    tenants = accounts_selectors.tenant_list(organization=request.organization)
    return RedeemChooseForm(subscriptions=active, tenants=tenants, **kwargs)


def _choice(request: HttpRequest, state: dict) -> dict:
    subscription = None
    if state.get("subscription"):
        subscription = selectors.subscription_get(
            organization=request.organization, subscription_id=state["subscription"]
        )
    if subscription is not None and subscription.tenant_id == state.get("tenant"):
        tenant = subscription.tenant  # read with the subscription, through the organization
    else:
        tenant = accounts_selectors.tenant_get(
            organization=request.organization, tenant_id=state.get("tenant")
        )
    return {"action": state["action"], "subscription": subscription, "tenant": tenant}


def _preview(request: HttpRequest, state: dict, *, raw: str | None = None):
    """The preview for the state's choice and either the typed key or the reviewed one."""
    choice = _choice(request, state)
    if raw is not None:
        key = redemption.key_find(organization=request.organization, raw=raw)
    else:
        key = redemption.key_list(organization=request.organization).get(pk=state["key"])
    return redemption.redemption_preview(
        key=key,
        action=choice["action"],
        tenant=choice["tenant"],
        subscription=choice["subscription"],
        today=timezone.localdate(),
    )


def _preview_from_state(request: HttpRequest, state: dict):
    preview = _preview(request, state)
    if preview.fingerprint() != state.get("reviewed"):
        # Changed since the key step: show the new figures with a new token, so that a form
        # still showing the old ones (another tab) can no longer redeem.
        state.update(reviewed=preview.fingerprint(), token=uuid.uuid4().hex)
        _save(request, state)
    return preview


def _own_redemption(request: HttpRequest, state: dict) -> Activity | None:
    """This user's redemption of the reviewed key, if another press of Redeem made it."""
    if not state.get("key"):
        return None
    return (
        selectors.activity_list(organization=request.organization)
        .filter(kind=Activity.Kind.KEY_REDEEMED, product_key_id=state["key"], actor=request.user)
        .first()
    )


def _done_record(request: HttpRequest, state: dict) -> Activity | None:
    return (
        selectors.activity_list(organization=request.organization)
        .select_related("subscription__tenant", "subscription__product", "benefit__product")
        .filter(pk=state.get("done"), kind=Activity.Kind.KEY_REDEEMED)
        .first()
    )


def _primary_tenant_id(request: HttpRequest) -> int | None:
    tenant = accounts_selectors.tenant_list(organization=request.organization).first()
    return tenant.pk if tenant else None


def state_key(session_key: str, user_id: int) -> str:
    """Where a session's wizard state is kept: under its account and its session key (secret),
    so that no other session or account can read or overwrite it."""
    return f"redeem-wizard:{user_id}:{session_key}"


def load_state(session, user_id: int) -> dict:
    """The wizard state of this signed-in session, wherever the settings keep it."""
    if settings.REDEEM_STATE_STORE == "session":
        return session.get(SESSION_KEY) or {}
    if session.session_key is None:
        return {}
    return cache.get(state_key(session.session_key, user_id)) or {}


def save_state(session, user_id: int, state: dict) -> None:
    if settings.REDEEM_STATE_STORE == "session":
        session[SESSION_KEY] = state
        return
    if session.session_key is None:
        session.save()  # gives the session the key its state is kept under
    cache.set(state_key(session.session_key, user_id), state, STATE_TIMEOUT)


def _load(request: HttpRequest) -> dict:
    return load_state(request.session, request.user.pk)


def _save(request: HttpRequest, state: dict) -> None:
    save_state(request.session, request.user.pk, state)
