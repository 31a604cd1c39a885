"""Redeeming a product key: look it up, preview the outcome, and redeem it once.

The preview writes nothing. ``key_redeem`` locks the key and the subscription, re-checks
everything, refuses when the subscription changed since the preview (what you previewed is what
you get), then changes the subscription, marks the key and records the activity in one
transaction. The arithmetic is all in ``benefits.licensing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Tenant, User
from benefits import licensing
from benefits.errors import translated
from benefits.models import Activity, ProductKey, Subscription
from benefits.models.catalog import Product
from common.pagecache import pages_changed

KEY_NOT_FOUND = _(
    "We can't find this product key. Check each character against the key you received; "
    "a key works only for the organization it was issued to."
)
KEY_USED = _("This product key has already been used. Please enter a different product key.")
KEY_USED_WHERE = _("It was redeemed on %(date)s into %(product)s (%(tenant)s).")
KEY_EXPIRED = _("The product key you entered has expired. Enter a different key.")
PRODUCT_MISMATCH = _("This key is for %(key_product)s; the subscription you chose is %(product)s.")
NOT_STARTED = _(
    "This subscription starts on %(date)s. Licenses can be added once it has started; until "
    "then you can extend its end date."
)
SUBSCRIPTION_CHANGED = _(
    "This subscription changed since you reviewed it (someone else may have redeemed a key "
    "into it). Nothing was redeemed: check the new figures and confirm again."
)


class Action(TextChoices):
    ACTIVATE = "activate", _("Activate a new subscription")
    EXTEND = "extend", _("Extend the end date")
    ADD = "add", _("Add licenses")


class SubscriptionChanged(ValidationError):
    """The subscription is not what was previewed; the caller shows the new preview."""


@dataclass(frozen=True)
class Preview:
    """What a redemption would do, before anything changes.

    ``subscription`` is the one extended or enlarged, or the Expired/Disabled one that
    activation re-activates (None for a brand-new one). ``other`` is what the other of
    Extend/Add would give, so nobody adds licenses when they meant to renew.
    """

    action: str
    key: ProductKey
    tenant: Tenant
    subscription: Subscription | None
    term: licensing.Term
    other: licensing.Term | None = None
    other_error: str = ""
    active_elsewhere: Subscription | None = None

    @property
    def seats_before(self) -> int | None:
        return self.subscription.seats if self.subscription else None

    @property
    def end_before(self) -> date | None:
        return self.subscription.end_date if self.subscription else None

    @property
    def short_of_a_year(self) -> bool:
        return self.action == Action.ADD and self.term.months < licensing.TERM_MONTHS

    def fingerprint(self) -> dict:
        """What the review showed of the subscriptions involved, to compare at redemption."""
        shown = {}
        if self.subscription is not None:
            shown = {
                "seats": self.subscription.seats,
                "end": self.subscription.end_date.isoformat(),
            }
        if self.active_elsewhere is not None:
            shown["active"] = [self.active_elsewhere.pk, self.active_elsewhere.seats]
        return shown


def key_list(*, organization: Organization):
    """The organization's keys, with the benefit and product the checks and the review show.
    (Where a used key went is read only to say so: joined every time, it slowed every step.)"""
    return ProductKey.objects.filter(benefit__organization=organization).select_related(
        "benefit__product"
    )


def key_find(*, organization: Organization, raw: str) -> ProductKey:
    """The organization's key for the text typed. A malformed key gets the format message;
    an unknown key and another organization's key get the same 'can't find' message."""
    try:
        canonical = licensing.normalize_key(raw)
    except licensing.KeyFormatError as error:
        raise ValidationError(translated(error), code="format") from error
    key = key_list(organization=organization).filter(key=canonical).first()
    if key is None:
        raise ValidationError(KEY_NOT_FOUND, code="not_found")
    return key


def key_check(*, key: ProductKey, today: date) -> None:
    """Refuse a key that has been used or whose benefit has expired."""
    if key.is_redeemed:
        where = ""
        into = (
            Subscription.objects.select_related("tenant", "product")
            .filter(pk=key.redeemed_into_id)
            .first()
        )
        if into is not None:
            where = " " + KEY_USED_WHERE % {
                "date": formats.date_format(timezone.localdate(key.redeemed_at)),
                "product": into.product.name,
                "tenant": into.tenant.primary_domain,
            }
        raise ValidationError(f"{KEY_USED}{where}", code="used")
    if key.benefit.expiration_date < today:
        raise ValidationError(KEY_EXPIRED, code="expired")


def redemption_preview(
    *,
    key: ProductKey,
    action: str,
    tenant: Tenant,
    subscription: Subscription | None,
    today: date,
) -> Preview:
    """The outcome of redeeming ``key`` as ``action``; raises ValidationError with the
    reason when it can't be redeemed that way. Writes nothing."""
    key_check(key=key, today=today)
    product = key.benefit.product
    if action == Action.ACTIVATE:
        target = _reactivation_target(tenant=tenant, product=product, today=today)
        term = licensing.activate(key_seats=key.licenses, today=today)
        return Preview(
            action=action,
            key=key,
            tenant=tenant,
            subscription=target,
            term=term,
            active_elsewhere=_active_subscription(tenant=tenant, product=product, today=today),
        )
    if subscription is None:
        raise ValidationError(_("Choose the subscription to change."), code="no_subscription")
    if subscription.product_id != product.pk:
        raise ValidationError(
            PRODUCT_MISMATCH % {"key_product": product.name, "product": subscription.product.name},
            code="mismatch",
        )
    term = _term(action, key=key, subscription=subscription, today=today)
    other_action = Action.ADD if action == Action.EXTEND else Action.EXTEND
    try:
        other, other_error = (
            _term(other_action, key=key, subscription=subscription, today=today),
            "",
        )
    except ValidationError as refusal:
        other, other_error = None, " ".join(refusal.messages)
    return Preview(
        action=action,
        key=key,
        tenant=subscription.tenant,
        subscription=subscription,
        term=term,
        other=other,
        other_error=other_error,
    )


@transaction.atomic
def key_redeem(
    *,
    organization: Organization,
    key_id: int,
    action: str,
    tenant_id: int,
    subscription_id: int | None,
    reviewed: dict,
    actor: User,
    today: date,
) -> Activity:
    """Redeem the key once, exactly as reviewed.

    Locks the key, then the tenant, then the subscriptions (always in that order), re-checks
    every rule and compares the subscriptions with ``reviewed`` (Preview.fingerprint()); raises
    SubscriptionChanged when they differ and ValidationError for any other refusal. Returns
    the activity record, written in the same transaction.
    """
    key = key_list(organization=organization).select_for_update(of=("self",)).get(pk=key_id)
    tenant = Tenant.objects.select_for_update(of=("self",)).get(
        pk=tenant_id, organization=organization
    )
    subscription = None
    if subscription_id is not None:
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("tenant", "product")
            .get(pk=subscription_id, tenant__organization=organization)
        )
    if action == Action.ACTIVATE:
        # Activations into one tenant take turns (the tenant row is locked above), and the
        # subscriptions of the product there are locked before the preview reads them again.
        list(
            Subscription.objects.select_for_update(of=("self",)).filter(
                tenant=tenant, product=key.benefit.product
            )
        )
    preview = redemption_preview(
        key=key, action=action, tenant=tenant, subscription=subscription, today=today
    )
    if preview.fingerprint() != reviewed:
        raise SubscriptionChanged(SUBSCRIPTION_CHANGED, code="changed")
    record = _apply(preview, actor=actor, today=today)
    pages_changed(organization.pk)
    return record


def _apply(preview: Preview, *, actor: User, today: date) -> Activity:
    key, term = preview.key, preview.term
    before = (
        {"seats": preview.subscription.seats, "end": preview.subscription.end_date.isoformat()}
        if preview.subscription is not None
        else {}
    )
    subscription = preview.subscription
    if subscription is None:
        subscription = Subscription.objects.create(
            tenant=preview.tenant,
            product=key.benefit.product,
            seats=term.seats,
            start_date=today,
            end_date=term.end_date,
        )
    else:
        if preview.action == Action.ACTIVATE:
            subscription.start_date = today
        subscription.seats = term.seats
        subscription.end_date = term.end_date
        subscription.save(update_fields=["seats", "start_date", "end_date"])
    key.redeemed_at = timezone.now()
    key.redeemed_by = actor
    key.redeemed_into = subscription
    key.save(update_fields=["redeemed_at", "redeemed_by", "redeemed_into"])
    try:
        with transaction.atomic():
            return Activity.objects.create(
                organization_id=key.benefit.organization_id,
                kind=Activity.Kind.KEY_REDEEMED,
                actor=actor,
                actor_email=actor.email,
                benefit=key.benefit,
                subscription=subscription,
                product_key=key,
                before={
                    "product": key.benefit.product.name,
                    "key": key.masked_key,
                    "action": preview.action,
                    **before,
                },
                after={
                    "product": key.benefit.product.name,
                    "key": key.masked_key,
                    "tenant": subscription.tenant.primary_domain,
                    "seats": subscription.seats,
                    "end": subscription.end_date.isoformat(),
                    "months": str(term.months),
                },
            )
    except IntegrityError as error:
        # The last defence: the database allows one redemption record per key.
        raise ValidationError(KEY_USED, code="used") from error


def _term(action: str, *, key: ProductKey, subscription: Subscription, today: date):
    if action == Action.ADD and subscription.start_date > today:
        # The average of the time left would count days before the start, and could end the
        # subscription before it begins.
        raise ValidationError(
            NOT_STARTED % {"date": formats.date_format(subscription.start_date)},
            code="not_started",
        )
    compute = licensing.extend_end_date if action == Action.EXTEND else licensing.add_licenses
    try:
        return compute(
            active_seats=subscription.seats,
            key_seats=key.licenses,
            end_date=subscription.end_date,
            today=today,
        )
    except licensing.LicensingError as error:
        raise ValidationError(translated(error), code=type(error).__name__) from error


def _reactivation_target(*, tenant: Tenant, product: Product, today: date) -> Subscription | None:
    """An Expired or Disabled subscription of the product in the tenant, re-activated rather
    than duplicated."""
    return (
        Subscription.objects.filter(tenant=tenant, product=product)
        .ended_on(today)
        .order_by("-end_date")
        .first()
    )


def _active_subscription(*, tenant: Tenant, product: Product, today: date) -> Subscription | None:
    """An Active subscription of the product in the tenant: activating is allowed, but the
    review warns that extending or adding licenses may be what was meant."""
    return (
        Subscription.objects.filter(tenant=tenant, product=product)
        .active_on(today)
        .order_by("-end_date")
        .first()
    )
