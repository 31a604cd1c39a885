"""Staff's changes to benefits and subscriptions in the admin, saved with the row locked, as the
portal's own changes lock it: what the portal changed meanwhile is never overruled."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.staff_changes import DELETED_MEANWHILE
from benefits.models import Benefit, Subscription
from benefits.services.key_quantities import benefits_lock

SUBSCRIPTION_CHANGED_MEANWHILE = _(
    "This subscription changed since you opened it (a key was redeemed into it, or someone else "
    "saved it): nothing was saved. Check its new figures and make your change again."
)


@transaction.atomic
def benefit_save_by_staff(*, benefit: Benefit) -> Benefit:
    """Save ``benefit`` as staff changed it. The admin's form checked the rules (``Benefit.clean``:
    holders, keys, what is in use) before the row was locked; they are checked again with it
    locked, as the portal's credit changes and key imports lock it, so a credit assigned or keys
    imported meanwhile are never overruled. Raises ValidationError then: nothing is saved."""
    if benefit.pk is not None:
        if not benefits_lock([benefit.pk]):
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        benefit.clean()
    benefit.save()
    return benefit


def subscription_as_shown(subscription: Subscription) -> str:
    """What the admin's form shows of a subscription, to tell at the save whether it changed."""
    fields = ("tenant_id", "product_id", "seats", "start_date", "end_date")
    return "|".join(str(getattr(subscription, field)) for field in fields)


@transaction.atomic
def subscription_save_by_staff(*, subscription: Subscription, shown: str) -> Subscription:
    """Save ``subscription`` as staff changed it on a form that showed it as ``shown``
    (``subscription_as_shown``). A redemption locks and changes the row too: if it changed
    since the form showed it, the form's figures are old and would take back the redemption's
    licenses, so ValidationError, and nothing is saved."""
    if subscription.pk is not None:
        stored = Subscription.objects.select_for_update(of=("self",)).filter(pk=subscription.pk)
        current = stored.first()
        if current is None:
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        if subscription_as_shown(current) != shown:
            raise ValidationError(SUBSCRIPTION_CHANGED_MEANWHILE, code="changed")
        subscription.clean()  # keys redeemed meanwhile keep it where it is
    subscription.save()
    return subscription
