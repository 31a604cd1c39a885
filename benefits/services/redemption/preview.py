"""Looking a product key up and previewing what redeeming it would do. Writes nothing.

The arithmetic is all in ``benefits.licensing``; this module turns its refusals into the
portal's messages and reads what the review shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Organization, Tenant
from accounts.selectors import parse_id, tenant_get, tenant_list
from benefits import licensing, selectors
from benefits.errors import translated
from benefits.models import ProductKey, Subscription
from common.dates import date_for_people

# The longest text a key field takes, on the screens and in the API alike: far past a key's 25
# characters with its dashes and spaces, and the same answer for anything longer.
KEY_INPUT_MAX_LENGTH = 200
KEY_FAR_TOO_LONG = _("A product key has 25 characters; this is far longer.")
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
NO_SUBSCRIPTION = _("Choose the subscription to extend or add to.")
NO_TENANT = _("Your organization has no tenant to activate a subscription in.")
# The refusal code of a key for a subscription that has ended: the wizard offers activation.
INACTIVE = "inactive"


class Action(TextChoices):
    ACTIVATE = "activate", _("Activate a new subscription")
    EXTEND = "extend", _("Extend the end date")
    ADD = "add", _("Add licenses")


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
        """What the review showed, to compare at redemption: the subscriptions involved, the
        key's licenses and the outcome (a review confirmed before midnight and redeemed after
        it would otherwise give another end date than the one confirmed)."""
        shown: dict = {
            "key": [self.key.pk, self.key.licenses],
            "outcome": [self.term.seats, self.term.end_date.isoformat()],
        }
        if self.subscription is not None:
            shown.update(seats=self.subscription.seats, end=self.subscription.end_date.isoformat())
        if self.active_elsewhere is not None:
            shown["active"] = [self.active_elsewhere.pk, self.active_elsewhere.seats]
        return shown


@sensitive_variables()  # the key typed
def key_well_formed(raw: str) -> str:
    """The key typed, in its canonical form, or ValidationError with the format message. No key
    has a malformed shape: callers check it before they count a guess (typos are no guesses)."""
    try:
        return licensing.normalize_key(raw)
    except licensing.KeyFormatError as error:
        raise ValidationError(translated(error), code="format") from error


# Error reports hide every variable of this call and of the calls it makes (the query's
# parameters hold the key too). Named variables would hide less: the innermost decorator wins.
@sensitive_variables()
def key_find(*, organization: Organization, raw: str) -> ProductKey:
    """The organization's key for the text typed. A malformed key gets the format message;
    an unknown key and another organization's key get the same 'can't find' message."""
    canonical = key_well_formed(raw)
    key = selectors.key_list(organization=organization).filter(key=canonical).first()
    if key is None:
        raise ValidationError(KEY_NOT_FOUND, code="not_found")
    return key


def redemption_target(
    *,
    organization: Organization,
    action: str,
    tenant_id: object = None,
    subscription_id: object = None,
) -> tuple[Tenant, Subscription | None]:
    """Where a redemption goes, as the wizard's Choose step and the API name it: Activate into
    the tenant chosen (the primary one when none is), Extend and Add into the subscription
    chosen, in its own tenant. ValidationError when nothing is chosen and nothing can be. An id
    the organization lacks is the selectors' Http404, left to pass: another organization's
    tenant or subscription is "not found" on pages and in the API alike."""
    if action == Action.ACTIVATE:
        if tenant_id is not None:
            return tenant_get(organization=organization, tenant_id=tenant_id), None
        primary = tenant_list(organization=organization).first()  # the primary one is first
        if primary is None:
            raise ValidationError(NO_TENANT, code="no_tenant")
        return primary, None
    if subscription_id is None:
        raise ValidationError(NO_SUBSCRIPTION, code="no_subscription")
    subscription = selectors.subscription_get(
        organization=organization, subscription_id=subscription_id
    )
    return subscription.tenant, subscription


@sensitive_variables()  # the key read, and the row while it is being read
def key_find_by_id(*, organization: Organization, key_id: object) -> ProductKey:
    """The organization's key a Redeem link named by its id. An unknown id, a malformed one and
    another organization's key get the same 'can't find' message as a typed key."""
    key = selectors.key_list(organization=organization).filter(pk=parse_id(key_id)).first()
    if key is None:
        raise ValidationError(KEY_NOT_FOUND, code="not_found")
    return key


def key_used_error(*, key: ProductKey) -> ValidationError:
    """SPEC 3.1's refusal of a used key, saying when and into which subscription."""
    where = ""
    into = selectors.key_redeemed_into(key=key)
    if into is not None and key.redeemed_at is not None:
        where = " " + KEY_USED_WHERE % {
            "date": date_for_people(timezone.localdate(key.redeemed_at)),
            "product": into.product.name,
            "tenant": into.tenant.primary_domain,
        }
    return ValidationError(f"{KEY_USED}{where}", code="used")


def key_check(*, key: ProductKey, today: date) -> None:
    """Refuse a key that has been used or whose benefit has expired."""
    if key.is_redeemed:
        raise key_used_error(key=key)
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
        target = selectors.subscription_reactivation_target(
            tenant=tenant, product=product, today=today
        )
        return Preview(
            action=action,
            key=key,
            tenant=tenant,
            subscription=target,
            term=licensing.activate(key_seats=key.licenses, today=today),
            active_elsewhere=selectors.subscription_active_in(
                tenant=tenant, product=product, today=today
            ),
        )
    if subscription is None:
        raise ValidationError(NO_SUBSCRIPTION, code="no_subscription")
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


def _term(action: str, *, key: ProductKey, subscription: Subscription, today: date):
    if action == Action.ADD and subscription.start_date > today:
        # The average of the time left would count days before the start, and could end the
        # subscription before it begins.
        raise ValidationError(
            NOT_STARTED % {"date": date_for_people(subscription.start_date)},
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
        code = INACTIVE if isinstance(error, licensing.InactiveSubscriptionError) else "term"
        raise ValidationError(translated(error), code=code) from error
