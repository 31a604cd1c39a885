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
    """Save ``benefit`` as staff changed it. The admin's form checked the rules (``Benefit.clean``:
    holders, keys, what is in use) before the row was locked; they are checked again with it
    locked, as the portal's credit changes and key imports lock it, so a credit assigned or keys
    imported meanwhile are never overruled. Raises ValidationError then: nothing is saved.

    A change of its figures is recorded (``Activity.Kind.BENEFIT_CHANGED``). Adding a benefit,
    or moving one nobody uses yet, is not: that is where the grant goes, not a change to it,
    and a record would keep a mistaken grant from ever being deleted."""
    before: dict = {}
    if benefit.pk is not None:
        stored = benefits_lock([benefit.pk])
        if not stored:
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        benefit.clean()
        before = benefit_figures(stored[0])
    benefit.save()
    if before:
        _record_change(
            kind=Activity.Kind.BENEFIT_CHANGED,
            actor=actor,
            before=before,
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
    licenses, so ValidationError, and nothing is saved.

    A change of its licenses or dates is recorded (``Activity.Kind.SUBSCRIPTION_CHANGED``),
    in the organization of its tenant; adding one, or moving one the log doesn't name yet, is
    not (as for benefits)."""
    current = None
    if subscription.pk is not None:
        stored = Subscription.objects.select_for_update(of=("self",)).filter(pk=subscription.pk)
        current = stored.first()
        if current is None:
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        if subscription_as_shown(current) != shown:
            raise ValidationError(SUBSCRIPTION_CHANGED_MEANWHILE, code="changed")
        subscription.clean()  # what the log names keeps its tenant and product
    subscription.save()
    organization = subscription.tenant.organization
    if current is not None:
        product = {"product": subscription.product.name}
        _record_change(
            kind=Activity.Kind.SUBSCRIPTION_CHANGED,
            actor=actor,
            before=subscription_figures(current),
            after=subscription_figures(subscription),
            organization=organization,
            subscription=subscription,
            named=product,
        )
    pages_changed(organization.pk)
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
    return {
        "seats": subscription.seats,
        "starts": subscription.start_date.isoformat(),
        "ends": subscription.end_date.isoformat(),
    }


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
