"""The rules of Azure credit (SPEC 3.3) and the messages that name a broken one: who may hold
credit, when a credit can still change, when a removal is allowed. ``changes`` applies them to
locked rows; the confirmation pages apply them unlocked to say at once what would be refused.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import AzureOffer, DirectoryUser
from benefits.models import Benefit, CreditAssignment

# The model's own message, raised here too for a benefit that is not Azure credit.
from benefits.models.credit_assignments import NOT_CREDIT
from common.dates import date_for_people

CONSUMER_DOMAINS = frozenset({"outlook.com", "hotmail.com", "live.com", "gmail.com", "yahoo.com"})

EXPIRED = _("This credit expired on %(date)s; nothing about it can be changed any more.")
DISABLED = _(
    "%(name)s's account is disabled in %(tenant)s. Enable it in Azure AD first, "
    "or choose someone else."
)
CONSUMER_DOMAIN = _(
    "%(name)s's address %(address)s is on a free consumer domain (%(domain)s). Azure credit "
    "goes to work or school accounts: choose someone with an address of your organization."
)
ALREADY_HOLDS_THIS = _("%(name)s already holds this credit.")
ALREADY_HOLDS_OTHER = _(
    "%(name)s already holds %(credit)s; a person can hold one Azure credit at a time. "
    "Remove that credit first, or choose someone else."
)
OTHER_OFFER = _(
    "%(name)s already holds %(offer)s; bulk credit can't be combined with other offers."
)
BULK_NOT_REMOVABLE = _("Bulk credit can't be removed. Transfer it to another person instead.")
MONTHLY_NOT_TRANSFERABLE = _(
    "Monthly credit isn't transferred: remove the holder, then assign someone else."
)
TRANSFER_TO_HOLDER = _("%(name)s already holds this credit; choose someone else.")
NOT_A_HOLDER = _(
    "This person no longer holds this credit: someone removed or transferred it meanwhile."
)
GONE = _("This credit no longer exists.")
PERSON_GONE = _(
    "This person is no longer in your organization's tenants: nothing was changed for them."
)


def seats_full_message(benefit: Benefit) -> str:
    if benefit.credit_period == Benefit.Period.ANNUAL:
        return ngettext(
            "This credit’s only seat is assigned. Transfer it to change who holds it.",
            "All %(count)d seats of this credit are assigned. Transfer one to change who holds it.",
            benefit.quantity,
        ) % {"count": benefit.quantity}
    return ngettext(
        "This credit’s only seat is assigned. Remove someone first.",
        "All %(count)d seats of this credit are assigned. Remove someone first.",
        benefit.quantity,
    ) % {"count": benefit.quantity}


def check_seat_free(benefit: Benefit) -> None:
    if benefit.assignments.count() >= benefit.quantity:
        raise ValidationError(seats_full_message(benefit), code="seats_full")


def credit_remove_check(*, benefit: Benefit, directory_user: DirectoryUser, today: date) -> None:
    """The rules of a removal, in one place: the credit is current monthly credit of the
    person's organization and the person holds it. Raises ValidationError naming the reason.

    credit_remove runs it on the locked rows; the confirmation page runs it unlocked (through
    credit_remove_refusal) to say at once when the removal would be refused.
    """
    check_changeable(benefit, today)
    if benefit.credit_period == Benefit.Period.ANNUAL:
        raise ValidationError(BULK_NOT_REMOVABLE, code="bulk_not_removable")
    holds = CreditAssignment.objects.filter(
        benefit=benefit,
        directory_user=directory_user,
        directory_user__tenant__organization_id=benefit.organization_id,
    )
    if not holds.exists():
        raise ValidationError(NOT_A_HOLDER, code="not_a_holder")


def credit_remove_refusal(*, benefit: Benefit, directory_user: DirectoryUser, today: date) -> str:
    """Why credit_remove would refuse, or "" (credit_remove_check without a lock)."""
    try:
        credit_remove_check(benefit=benefit, directory_user=directory_user, today=today)
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    return ""


def credit_transfer_check(
    *,
    benefit: Benefit,
    holder: DirectoryUser,
    today: date,
    to: DirectoryUser | None = None,
) -> None:
    """The rules of a transfer, in one place: the credit is current bulk credit, ``holder``
    holds it, and ``to`` (once chosen) is someone else, eligible as for an assignment. Raises
    ValidationError naming the first rule broken, in that order.

    credit_transfer runs it on the locked rows; the picker runs it unlocked without ``to``
    (through credit_picker_refusal) to say at once when any transfer would be refused.
    """
    check_changeable(benefit, today)
    if benefit.credit_period != Benefit.Period.ANNUAL:
        raise ValidationError(MONTHLY_NOT_TRANSFERABLE, code="monthly_not_transferable")
    if not CreditAssignment.objects.filter(benefit=benefit, directory_user=holder).exists():
        raise ValidationError(NOT_A_HOLDER, code="not_a_holder")
    if to is None:
        return
    if holder.pk == to.pk:
        raise ValidationError(TRANSFER_TO_HOLDER % {"name": to.display_name}, code="same_person")
    check_eligible(benefit, to)


def credit_picker_refusal(*, benefit: Benefit, holder: DirectoryUser | None, today: date) -> str:
    """Why the picker's choice would be refused whoever is chosen, or "": for a transfer, its
    rules but the new holder's; for an assignment, that the credit can still change and has a
    free seat."""
    try:
        if holder is None:
            check_changeable(benefit, today)
            check_seat_free(benefit)
        else:
            credit_transfer_check(benefit=benefit, holder=holder, today=today)
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    return ""


def check_changeable(benefit: Benefit, today: date) -> None:
    if not benefit.is_usage_based:
        raise ValidationError(NOT_CREDIT, code="not_credit")
    if benefit.expiration_date < today:
        raise ValidationError(
            EXPIRED % {"date": date_for_people(benefit.expiration_date)}, code="expired"
        )


def check_eligible(benefit: Benefit, person: DirectoryUser) -> None:
    name = person.display_name
    if not person.is_enabled:
        raise ValidationError(
            DISABLED % {"name": name, "tenant": person.tenant.primary_domain}, code="disabled"
        )
    domain = person.user_principal_name.rsplit("@", 1)[-1].lower()
    if domain in CONSUMER_DOMAINS:
        raise ValidationError(
            CONSUMER_DOMAIN
            % {"name": name, "address": person.user_principal_name, "domain": domain},
            code="consumer_domain",
        )
    held = (
        CreditAssignment.objects.filter(directory_user=person)
        .select_related("benefit__product")
        .first()
    )
    if held is not None:
        if held.benefit_id == benefit.pk:
            raise ValidationError(ALREADY_HOLDS_THIS % {"name": name}, code="already_holds")
        raise ValidationError(
            ALREADY_HOLDS_OTHER % {"name": name, "credit": held.benefit.product.name},
            code="one_credit_per_person",
        )
    if benefit.credit_period == Benefit.Period.ANNUAL and person.other_offers:
        offer = dict(AzureOffer.choices).get(person.other_offers[0], person.other_offers[0])
        raise ValidationError(OTHER_OFFER % {"name": name, "offer": offer}, code="other_offer")
