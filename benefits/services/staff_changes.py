"""Staff's changes to benefits and subscriptions in the admin, saved with the row locked, as the
portal's own changes lock it: what the portal changed meanwhile is never overruled. A change to
what the partner sees of them (a quantity, a date, a credit, licenses) is written to their
organization's activity log, as the portal's own changes are (SPEC: every change)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.staff_changes import DELETED_MEANWHILE
from benefits.models import Activity, Benefit, Subscription
from benefits.services.activity import activity_record
from benefits.services.key_quantities import benefits_lock
from common.pagecache import pages_changed

SUBSCRIPTION_CHANGED_MEANWHILE = _(
    "This subscription changed since you opened it (a key was redeemed into it, or someone else "
    "saved it): nothing was saved. Check its new figures and make your change again."
)


@transaction.atomic
def benefit_save_by_staff(*, benefit: Benefit, actor: User) -> Benefit:
    """Save ``benefit`` as staff changed it, the rules its form checked (``Benefit.clean``:
    holders, keys, what is in use) checked again with its row locked, as credit changes and key
    imports lock it, so that what they did meanwhile is never overruled (ValidationError, and
    nothing is saved). A change of its figures is recorded (``BENEFIT_CHANGED``); adding a
    benefit, or moving one nobody uses yet, is not: that is where a grant goes, not a change to
    it, and a record would keep a mistaken grant from ever being deleted."""
    stored = None
    if benefit.pk is not None:
        locked = benefits_lock([benefit.pk])
        if not locked:
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        stored = locked[0]
        benefit.clean()
    benefit.save()
    if _changed_in_place(stored, benefit, "organization_id", "product_id"):
        _record_change(
            kind=Activity.Kind.BENEFIT_CHANGED,
            actor=actor,
            before=benefit_figures(stored),
            after=benefit_figures(benefit),
            benefit=benefit,
        )
    pages_changed(benefit.organization_id)
    return benefit


def subscription_as_shown(subscription: Subscription) -> str:
    """What the admin's form shows of a subscription, to tell at the save whether it changed."""
    fields = ("tenant_id", "product_id", "seats", "start_date", "end_date")
    return "|".join(str(getattr(subscription, field)) for field in fields)


@transaction.atomic
def subscription_save_by_staff(
    *, subscription: Subscription, shown: str, actor: User
) -> Subscription:
    """Save ``subscription`` as staff changed it on a form that showed it as ``shown``
    (``subscription_as_shown``). A redemption locks and changes the row too: if it changed
    since the form showed it, the form's figures are old and would take back the redemption's
    licenses, so ValidationError, and nothing is saved. A change of its licenses or dates is
    recorded (``SUBSCRIPTION_CHANGED``) in its tenant's organization; adding one, or moving one
    the log doesn't name yet, is not (as for benefits)."""
    stored = None
    if subscription.pk is not None:
        locked = Subscription.objects.select_for_update(of=("self",)).filter(pk=subscription.pk)
        stored = locked.first()
        if stored is None:
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        if subscription_as_shown(stored) != shown:
            raise ValidationError(SUBSCRIPTION_CHANGED_MEANWHILE, code="changed")
        subscription.clean()  # what the log names keeps its tenant and product
    subscription.save()
    tenant = subscription.tenant
    if _changed_in_place(stored, subscription, "tenant_id", "product_id"):
        _record_change(
            kind=Activity.Kind.SUBSCRIPTION_CHANGED,
            actor=actor,
            before=subscription_figures(stored),
            after=subscription_figures(subscription),
            organization=tenant.organization,
            subscription=subscription,
            # Which of the organization's subscriptions: its product and tenant, as they are.
            named={"product": subscription.product.name, "tenant": tenant.primary_domain},
        )
    pages_changed(tenant.organization_id)
    return subscription


def benefit_figures(benefit: Benefit) -> dict:
    """What the partner sees of a benefit, as its activity records keep it (``changes_text``
    reads it back)."""
    figures: dict = {
        "quantity": benefit.quantity,
        "expires": benefit.expiration_date.isoformat(),
        "offer": benefit.offer,
        "type": benefit.benefit_type,
    }
    if benefit.credit_amount is not None:
        figures["credit"] = {
            "amount": f"{benefit.credit_amount:.2f}",
            "currency": benefit.currency,
            "period": benefit.credit_period,
        }
    return figures


def subscription_figures(subscription: Subscription) -> dict:
    """What the partner sees of a subscription, named as a redemption's record names them."""
    return {
        "seats": subscription.seats,
        "start": subscription.start_date.isoformat(),
        "end": subscription.end_date.isoformat(),
    }


def _changed_in_place(stored, saved, *where: str) -> bool:
    """Whether a stored row was saved where it was (``where``: the fields that place it)."""
    if stored is None:
        return False
    return all(getattr(stored, field) == getattr(saved, field) for field in where)


def _record_change(
    *, kind: str, actor: User, before: dict, after: dict, named: dict | None = None, **links
) -> None:
    """One record of the figures that differ, each as it was and as it is (under "changed",
    which the activity page reads as a staff change); nothing when none differs. ``named``:
    what the record shows beside the figures (a subscription's product)."""
    changed = sorted(
        key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
    )
    if not changed:
        return
    activity_record(
        kind=kind,
        actor=actor,
        before={**(named or {}), "changed": _only(before, changed)},
        after={**(named or {}), "changed": _only(after, changed)},
        **links,
    )


def _only(figures: dict, keys: list[str]) -> dict:
    return {key: figures[key] for key in keys if figures.get(key) is not None}
