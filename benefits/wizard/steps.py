"""The redemption wizard's steps — Choose, Key, Review, Done — each an object that gives its
page's context (``context``) and handles its form (``post``); see ``benefits.wizard.wizard``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.views.decorators.debug import sensitive_variables

from accounts import selectors as accounts_selectors
from accounts.selectors import parse_id
from benefits import licensing, selectors
from benefits.models import ProductKey, Subscription
from benefits.services import redemption
from benefits.services.redemption import Action, Preview
from benefits.wizard.base import (
    CHOOSE_FIRST,
    REVIEW_NOT_CURRENT,
    Choice,
    Outcome,
    PrefilledKey,
    Stale,
    new_token,
)
from benefits.wizard.forms import RedeemChooseForm, RedeemKeyForm
from benefits.wizard.state import CHOOSE, DONE, KEY, REVIEW, WizardState
from common import ratelimit

if TYPE_CHECKING:
    from benefits.wizard.wizard import Wizard


class Step:
    def __init__(self, wizard: Wizard) -> None:
        self.wizard = wizard
        self.state = wizard.state

    def context(self, shown: dict) -> dict:
        raise NotImplementedError

    def post(self, data: QueryDict) -> Outcome:
        raise NotImplementedError


class ChooseStep(Step):
    def context(self, shown: dict) -> dict:
        state = self.state
        initial = {
            "action": state.action,
            "subscription": state.subscription_id,
            "tenant": state.tenant_id,
        }
        return {"form": shown.get("form") or self._form(initial=initial)}

    def _form(self, **kwargs) -> RedeemChooseForm:
        """The form offering all the organization's Active subscriptions and its tenants."""
        active = (
            self._active()
            .order_by("tenant__primary_domain", "product__name", "pk")  # grouped by tenant
            .values_list("pk", "product__name", "tenant__primary_domain", "seats")
        )
        tenants = accounts_selectors.tenant_list(organization=self.wizard.organization)
        return RedeemChooseForm(subscriptions=active, tenants=tenants, **kwargs)

    def _active(self):
        """The organization's Active subscriptions: those Extend and Add may change."""
        wizard = self.wizard
        return selectors.subscription_list(organization=wizard.organization).active_on(wizard.today)

    def post(self, data: QueryDict) -> Outcome:
        # Checked against the one subscription and tenant chosen rather than all of the
        # organization's (a large one has hundreds); all of them only to show the form again.
        wizard = self.wizard
        if data.get("action") == Action.ACTIVATE and data.get("subscription"):
            # A new subscription: the one still chosen in the list plays no part.
            data = data.copy()
            data["subscription"] = ""
        subscription = self._active().filter(pk=parse_id(data.get("subscription"))).first()
        if subscription is not None and str(subscription.tenant_id) == data.get("tenant"):
            tenant = subscription.tenant
        else:
            tenants = accounts_selectors.tenant_list(organization=wizard.organization)
            tenant = tenants.filter(pk=parse_id(data.get("tenant"))).first()
        form = RedeemChooseForm(
            data,
            subscriptions=[_labelled(subscription)] if subscription else [],
            tenants=[tenant] if tenant else [],
        )
        if not form.is_valid():
            return Outcome(shown={"form": self._form(data=data)}, step=CHOOSE)
        action = form.cleaned_data["action"]
        # A new choice: any earlier review is void; a key a Redeem link named (or the one
        # reviewed before going back) stays.
        wizard.state = WizardState(
            step=KEY,
            action=action,
            tenant_id=tenant.pk,
            prefill_key_id=self.state.prefill_key_id,
            prefill_reviewed=self.state.prefill_reviewed,
        )
        if action == Action.ACTIVATE:
            return Outcome(shown={"choice": Choice(action, None, tenant)})
        wizard.state.subscription_id = subscription.pk
        wizard.state.tenant_id = subscription.tenant_id  # Extend and Add stay in its tenant
        return Outcome(shown={"choice": Choice(action, subscription, subscription.tenant)})


def _labelled(subscription: Subscription) -> tuple[int, str, str, int]:
    return (
        subscription.pk,
        subscription.product.name,
        subscription.tenant.primary_domain,
        subscription.seats,
    )


class KeyStep(Step):
    """The key, typed into the field or named by a Redeem link. A named key is shown by its last
    group and posted back as its id (``key_id``): the full key is read on the server only, so
    that a Redeem link never shows what Show full keys guards with a second factor."""

    def context(self, shown: dict) -> dict:
        return {
            "choice": shown.get("choice") or self.wizard.choice(),
            "form": shown.get("form") or RedeemKeyForm(),
            "prefilled": self._prefilled(),
            "refused": shown.get("refused", []),
            "locked_minutes": shown.get("locked_minutes", 0),
            "paused": shown.get("paused", ""),
            "offer_activate": shown.get("offer_activate", False),
        }

    @sensitive_variables()  # the full key, read to show its last group
    def _prefilled(self) -> PrefilledKey | None:
        """The key a Redeem link named, read through the organization; one it no longer has
        leaves the field to type a key."""
        if self.state.prefill_key_id is None:
            return None
        keys = selectors.key_list(organization=self.wizard.organization)
        found = keys.filter(pk=self.state.prefill_key_id).values_list("pk", "key").first()
        if found is None:
            self.state.prefill_key_id = None
            return None
        return PrefilledKey(
            id=found[0],
            masked=licensing.key_last_group(found[1]),
            reviewed=self.state.prefill_reviewed,
        )

    # The typed key is in ``data`` and in the form's cleaning, a named key in ``key``: error
    # reports hide every variable here and below (named ones would hide less there: the
    # innermost decorator wins).
    @sensitive_variables()
    def post(self, data: QueryDict) -> Outcome:
        wizard, state = self.wizard, self.state
        if state.action not in Action.values:
            raise Stale(CHOOSE, CHOOSE_FIRST)
        named = "key_id" in data  # the Key step of a Redeem link posts the id, not the key
        form = RedeemKeyForm(None if named else data)
        if not named and not form.is_valid():
            # Empty, too long, the wrong length or characters: no key has that shape, so it is
            # no guess, and typos don't use up the attempts.
            state.prefill_key_id = None
            return Outcome(shown={"form": form}, step=KEY)
        # Counted the same whichever way the key is named: an id is a guess too.
        try:
            minutes = ratelimit.attempt(wizard.user.pk)  # counted as a failure until it succeeds
        except ratelimit.Unavailable:  # fail closed: no guess goes uncounted
            paused = ratelimit.PAUSED_MESSAGES[ratelimit.KEY_VALIDATION]
            return Outcome(shown={"paused": paused}, status=503, step=KEY)
        if minutes:
            return Outcome(shown={"locked_minutes": minutes}, status=429, step=KEY)
        # The key to show again, by its last group, after a refusal or Back from the review: a
        # typed key replaces a named one; an id the organization lacks leaves the field to type.
        state.prefill_key_id = (parse_id(data["key_id"]) or None) if named else None
        choice = wizard.choice()
        try:
            key = self._key(data, form)
            preview = wizard.preview(key=key, choice=choice)
        except ValidationError as refusal:
            if not named:
                form.add_error("key", refusal)
            shown = {
                "form": form,
                "choice": choice,
                "refused": refusal.messages if named else [],
                "offer_activate": refusal.code == redemption.INACTIVE,
            }
            return Outcome(shown=shown, step=KEY)
        ratelimit.succeeded(wizard.user.pk)
        state.step, state.key_id = REVIEW, key.pk
        state.tenant_id = preview.tenant.pk
        state.reviewed, state.token = preview.fingerprint(), new_token()
        return Outcome(shown={"preview": preview})

    def _key(self, data: QueryDict, form: RedeemKeyForm) -> ProductKey:
        """The organization's key, named by its id or typed; ValidationError if it has none."""
        organization = self.wizard.organization
        if "key_id" not in data:
            return redemption.key_find(organization=organization, raw=form.cleaned_data["key"])
        return redemption.key_find_by_id(organization=organization, key_id=data["key_id"])


class ReviewStep(Step):
    def context(self, shown: dict) -> dict:
        return {"preview": shown.get("preview") or self._preview_again(), "token": self.state.token}

    def _preview_again(self) -> Preview:
        wizard, state = self.wizard, self.state
        key, choice = wizard.reviewed_key(), wizard.choice()
        try:
            preview = wizard.preview(key=key, choice=choice)
        except ValidationError as refusal:
            raise Stale(KEY, " ".join(refusal.messages)) from refusal
        if preview.fingerprint() != state.reviewed:
            # Changed since it was reviewed: the new figures get a new token, so that a form
            # still showing the old ones (another tab) can no longer redeem.
            state.reviewed, state.token = preview.fingerprint(), new_token()
        return preview

    def post(self, data: QueryDict) -> Outcome:
        wizard, state = self.wizard, self.state
        current = state.step in {REVIEW, DONE} and state.key_id is not None
        if not (current and state.token and data.get("token") == state.token):
            state.error = str(REVIEW_NOT_CURRENT)
            return Outcome()
        choice = wizard.choice()
        try:
            record = redemption.key_redeem(
                organization=wizard.organization,
                key=wizard.reviewed_key(),
                action=choice.action,
                tenant=choice.tenant,
                subscription=choice.subscription,
                reviewed=state.reviewed,
                token=state.token,
                actor=wizard.user,
                today=wizard.today,
            )
        except redemption.SubscriptionChanged as changed:
            # The new figures, to confirm again with a new token.
            state.step = REVIEW
            preview = self._preview_again()
            state.error = " ".join(changed.messages)
            return Outcome(shown={"preview": preview})
        except ValidationError as refusal:
            state.error = " ".join(refusal.messages)
            if refusal.code != "not_saved":  # nothing changed: the same review may try again
                state.step = KEY
            return Outcome()
        state.step, state.done_id = DONE, record.pk
        return Outcome(shown={"record": record})


class DoneStep(Step):
    def context(self, shown: dict) -> dict:
        record = shown.get("record") or selectors.redemption_record_get(
            organization=self.wizard.organization, record_id=self.state.done_id
        )
        if record is None:
            raise Stale(CHOOSE)
        return {"record": record}


SHOWN: dict[str, type[Step]] = {
    CHOOSE: ChooseStep,
    KEY: KeyStep,
    REVIEW: ReviewStep,
    DONE: DoneStep,
}
POSTED = {CHOOSE: ChooseStep, KEY: KeyStep, REVIEW: ReviewStep}
