"""One request's redemption wizard: the state it loaded, the step it shows, and what the steps
read through the organization.

A step's ``post`` moves the state and returns an ``Outcome`` carrying what it computed (the
form with its errors, the preview, the redemption record) so that the page shows it rather
than reading it again. A state that no longer fits (a skipped step, a row that vanished, a key
used meanwhile) raises ``Stale`` and the person goes back to the step named, with a message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone

from accounts.permissions import PortalRequest
from benefits import licensing, selectors
from benefits.models import ProductKey
from benefits.services import redemption
from benefits.services.redemption import Action, Preview
from benefits.wizard.base import (
    CHOOSE_FIRST,
    STEP_UNKNOWN,
    Choice,
    Outcome,
    Stale,
)
from benefits.wizard.forms import SUBSCRIPTION_NOT_OFFERED
from benefits.wizard.state import CHOOSE, KEY, STEPS, WizardState
from benefits.wizard.steps import POSTED, SHOWN


class Wizard:
    """One request's wizard: who asks, for which organization, on which day, in which state."""

    def __init__(self, request: PortalRequest, state: WizardState) -> None:
        self.organization = request.organization
        self.user = request.user
        self.state = state
        self.today = timezone.localdate()

    def start(self, params: QueryDict) -> Outcome:
        """A fresh wizard; ?subscription=&action= makes the choice, ?key_id= names the key the
        Key step shows by its last group (another organization's key is 404, like any of its
        objects)."""
        state = self.state = WizardState()
        subscription = None
        if params.get("subscription"):
            # Another organization's subscription is 404, like any of its objects.
            subscription = selectors.subscription_get(
                organization=self.organization, subscription_id=params["subscription"]
            )
        action, shown = params.get("action"), {}
        if action == Action.ACTIVATE:
            state.action, state.step = action, KEY
            if subscription is not None:
                state.tenant_id = subscription.tenant_id
                shown["choice"] = Choice(action, None, subscription.tenant)
        elif action in Action.values and subscription is not None:
            if subscription.status_on(self.today) is licensing.SubscriptionStatus.ACTIVE:
                state.action, state.step = action, KEY
                state.subscription_id, state.tenant_id = subscription.pk, subscription.tenant_id
                shown["choice"] = Choice(action, subscription, subscription.tenant)
            else:
                # A link kept from when it was Active: told on Choose, before a key is typed
                # (a key refused for it would count as a guess).
                state.error = str(SUBSCRIPTION_NOT_OFFERED)
        if params.get("key_id"):
            key = selectors.key_get(organization=self.organization, key_id=params["key_id"])
            state.prefill_key_id = key.pk
        return Outcome(shown=shown)

    def post(self, data: QueryDict) -> Outcome:
        name = data.get("step", "")
        if name == "back":
            self.state.back()
            return Outcome()
        if name == "restart":
            self.state = WizardState()
            return Outcome()
        if name == "type_key":  # "Type another key instead" of the one a Redeem link named
            self.state.prefill_key_id = None
            return Outcome()

        step = POSTED.get(name)
        if step is None:
            self.state.error = str(STEP_UNKNOWN)
            return Outcome()
        try:
            return step(self).post(data)
        except Stale as stale:
            self.state.step, self.state.error = stale.step, stale.message
            return Outcome()

    def page(self, outcome: Outcome) -> dict:
        """The context of the step to show. A step whose state no longer fits goes back a step
        or more (Choose always fits); an error is shown once."""

        name, shown = outcome.step or self.state.step, outcome.shown
        error, self.state.error = self.state.error, ""
        while True:
            try:
                context = SHOWN[name](self).context(shown)
                break
            except Stale as stale:
                self.state.step = name = stale.step
                error, shown = stale.message or error, {}
        return {"step": name, "steps": STEPS, "error": error, **context}

    # -- what the steps read, through the organization --

    def choice(self) -> Choice:
        state = self.state
        if state.action not in Action.values:
            raise Stale(CHOOSE, CHOOSE_FIRST)
        try:
            tenant, subscription = redemption.redemption_target(
                organization=self.organization,
                action=state.action,
                tenant_id=state.tenant_id,
                subscription_id=state.subscription_id,
            )
        except (Http404, ValidationError) as gone:
            raise Stale(CHOOSE, CHOOSE_FIRST) from gone
        return Choice(state.action, subscription, tenant)

    def reviewed_key(self) -> ProductKey:
        try:
            return selectors.key_get(organization=self.organization, key_id=self.state.key_id)
        except Http404 as gone:
            raise Stale(KEY, redemption.NO_LONGER_REDEEMABLE) from gone

    def preview(self, *, key: ProductKey, choice: Choice) -> Preview:
        return redemption.redemption_preview(
            key=key,
            action=choice.action,
            tenant=choice.tenant,
            subscription=choice.subscription,
            today=self.today,
        )
