"""Redeeming a key the way the wizard does (preview, then redeem what was previewed), for tests
that need many redemptions rather than the wizard's pages."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from benefits import selectors
from benefits.models import Subscription
from benefits.services import redemption


def redeem_by_service(*, key_id: int, subscription: Subscription, actor: User) -> str:
    """Extend ``subscription`` with the key: "redeemed", or "refused" with a clear reason."""
    today = timezone.localdate()
    organization = actor.organization
    assert organization is not None
    try:
        current = selectors.subscription_get(
            organization=organization, subscription_id=subscription.pk
        )
        key = selectors.key_get(organization=organization, key_id=key_id)
        preview = redemption.redemption_preview(
            key=key, action="extend", tenant=current.tenant, subscription=current, today=today
        )
        redemption.key_redeem(
            organization=organization,
            key=key,
            action="extend",
            tenant=current.tenant,
            subscription=current,
            reviewed=preview.fingerprint(),
            token=uuid.uuid4().hex,
            actor=actor,
            today=today,
        )
    except ValidationError:
        return "refused"
    return "redeemed"
