"""Redeeming a product key once, exactly as reviewed, bound to the review's one-time token.

``key_redeem`` locks the key (and for an activation the tenant and its subscriptions of the
product, for Extend and Add the subscription), re-checks everything, refuses when the
subscription changed since the preview (what you previewed is what you get), then changes the
subscription, marks the key and records the activity with the token, in one transaction.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import cast

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import ApiToken, Organization, Tenant, User
from accounts.selectors import tenant_list
from benefits import selectors
from benefits.models import Activity, ProductKey, Subscription
from benefits.services.activity import activity_record
from benefits.services.redemption.preview import (
    Action,
    Preview,
    key_used_error,
    redemption_preview,
)
from common.pagecache import pages_changed

logger = logging.getLogger(__name__)

SUBSCRIPTION_CHANGED = _(
    "This subscription changed since you reviewed it (someone else may have redeemed a key "
    "into it). Nothing was redeemed: check the new figures and confirm again."
)
NO_LONGER_REDEEMABLE = _("This key can no longer be redeemed as reviewed.")
NOTHING_SAVED = _(
    "Nothing was redeemed: the portal couldn't save the change. Try again; if it happens "
    "again, tell your administrator."
)
TOKEN_SPENT = _(
    "This review was already used for another redemption. Enter the key again to review it."
)
# The database's last defence of single use, and of one change per token.
SINGLE_USE = "activity_one_redemption_per_key"
ONE_PER_TOKEN = "activity_one_record_per_idempotency_key"  # noqa: S105 - a constraint name


class SubscriptionChanged(ValidationError):
    """The subscription is not what was previewed; the caller shows the new preview."""


def key_redeem(
    *,
    organization: Organization,
    key: ProductKey,
    action: str,
    tenant: Tenant,
    subscription: Subscription | None,
    reviewed: dict,
    token: str,
    actor: User,
    today: date,
    api_token: ApiToken | None = None,
) -> Activity:
    """Redeem ``key`` once, exactly as reviewed (``reviewed``: Preview.fingerprint()).

    ``token`` is the review's one-time token (the API's Idempotency-Key): a press whose token
    already produced a record gets that record back, unchanged; any other attempt on a used key
    is refused with SPEC 3.1's message naming when and where. Raises SubscriptionChanged when the
    subscription differs from the review, and ValidationError for any other refusal — including
    a row that vanished and a database that refused the change (nothing is then changed).
    ``api_token``: the API token the change was made with, named by the activity record.
    """
    try:
        return _redeem_in_one_transaction(
            organization=organization,
            key=key,
            action=action,
            tenant=tenant,
            subscription=subscription,
            reviewed=reviewed,
            token=token,
            actor=actor,
            today=today,
            api_token=api_token,
        )
    # Caught here, after the transaction rolled back, so that the checks below can still read.
    except IntegrityError as error:
        violated = constraint_violated(error, Activity)
        if violated == ONE_PER_TOKEN:
            earlier = selectors.redemption_by_token(organization=organization, token=token)
            if earlier is not None and earlier.product_key_id == key.pk:
                return earlier
            raise ValidationError(TOKEN_SPENT, code="token_spent") from error
        if violated == SINGLE_USE:
            used = selectors.key_list(organization=organization).filter(pk=key.pk).first()
            raise key_used_error(key=used or key) from error
        logger.exception("Redemption of key %s refused by the database", key.masked_key)
        raise ValidationError(NOTHING_SAVED, code="not_saved") from error
    except DatabaseError as error:
        logger.exception("Redemption of key %s failed in the database", key.masked_key)
        raise ValidationError(NOTHING_SAVED, code="not_saved") from error


# It reads the key's row: error reports hide the variables here and below, where it is held.
@sensitive_variables()
@transaction.atomic
def _redeem_in_one_transaction(
    *,
    organization: Organization,
    key: ProductKey,
    action: str,
    tenant: Tenant,
    subscription: Subscription | None,
    reviewed: dict,
    token: str,
    actor: User,
    today: date,
    api_token: ApiToken | None,
) -> Activity:
    # Always locked in the same order — key, tenant, subscriptions — so presses never deadlock.
    locked = (
        selectors.key_list(organization=organization)
        .select_for_update(of=("self",))
        .filter(pk=key.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(NO_LONGER_REDEEMABLE, code="gone")
    if locked.is_redeemed:
        # The same review pressed again (double click, two presses at once, resubmitted form):
        # its token finds the record it produced. Every other review of the key is refused.
        earlier = selectors.redemption_by_token(organization=organization, token=token)
        if earlier is not None and earlier.product_key_id == locked.pk:
            return earlier
        raise key_used_error(key=locked)
    if action == Action.ACTIVATE:
        # Activations into one tenant take turns, and the subscriptions of the product there
        # are locked before the preview reads them again.
        locked_tenant = (
            tenant_list(organization=organization)
            .select_for_update(of=("self",))
            .filter(pk=tenant.pk)
            .first()
        )
        if locked_tenant is None:
            raise ValidationError(NO_LONGER_REDEEMABLE, code="gone")
        tenant = locked_tenant
        product_subscriptions = Subscription.objects.filter(
            tenant=tenant, product=locked.benefit.product
        )
        list(product_subscriptions.select_for_update(of=("self",)))
        subscription = None
    elif subscription is not None:
        subscription = (
            selectors.subscription_list(organization=organization)
            .select_for_update(of=("self",))
            .filter(pk=subscription.pk)
            .first()
        )
        if subscription is None:
            raise ValidationError(NO_LONGER_REDEEMABLE, code="gone")
    preview = redemption_preview(
        key=locked, action=action, tenant=tenant, subscription=subscription, today=today
    )
    if preview.fingerprint() != reviewed:
        raise SubscriptionChanged(SUBSCRIPTION_CHANGED, code="changed")
    record = _apply(preview, actor=actor, today=today, token=token, api_token=api_token)
    pages_changed(organization.pk)
    return record


def _apply(
    preview: Preview, *, actor: User, today: date, token: str, api_token: ApiToken | None
) -> Activity:
    key, term, subscription = preview.key, preview.term, preview.subscription
    before: dict[str, object] = {"key": key.masked_key, "action": preview.action}
    if subscription is None:
        subscription = Subscription.objects.create(
            tenant=preview.tenant,
            product=key.benefit.product,
            seats=term.seats,
            start_date=today,
            end_date=term.end_date,
        )
    else:
        before.update(seats=subscription.seats, end=subscription.end_date.isoformat())
        if preview.action == Action.ACTIVATE:
            subscription.start_date = today
        subscription.seats = term.seats
        subscription.end_date = term.end_date
        subscription.save(update_fields=["seats", "start_date", "end_date"])
    key.redeemed_at = timezone.now()
    key.redeemed_by = actor
    key.redeemed_into = subscription
    key.save(update_fields=["redeemed_at", "redeemed_by", "redeemed_into"])
    return activity_record(
        kind=Activity.Kind.KEY_REDEEMED,
        actor=actor,
        benefit=key.benefit,
        before=before,
        after={
            "key": key.masked_key,
            "tenant": subscription.tenant.primary_domain,
            "seats": subscription.seats,
            "end": subscription.end_date.isoformat(),
            "months": str(term.months),
        },
        idempotency_key=token,
        subscription=subscription,
        product_key=key,
        api_token=api_token,
    )


def constraint_violated(error: IntegrityError, model: type[models.Model]) -> str | None:
    """The name of ``model``'s unique constraint that ``error`` reports, if it says which:
    PostgreSQL names it; SQLite lists the constrained columns."""
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if name:
        return name
    table = model._meta.db_table
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            # A unique constraint names concrete fields, never a reverse relation.
            columns = [
                cast(models.Field, model._meta.get_field(field)).column
                for field in constraint.fields
            ]
            if str(error) == "UNIQUE constraint failed: " + ", ".join(
                f"{table}.{column}" for column in columns
            ):
                return constraint.name
    return None
