"""Azure credit: assign it to a person, remove it (monthly credit), transfer it (bulk credit).

Each change locks the benefit row (and the people involved), re-checks every rule of SPEC 3.3
inside the transaction, writes, and records the activity in the same transaction, so two admins
can't both take the last seat and a refusal leaves no trace. The person concerned is mailed in
that transaction too (benefits.services.credit_mails): the mail leaves only once it commits.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiToken, AzureOffer, DirectoryUser, User
from benefits.models import Activity, Benefit, CreditAssignment
from benefits.models.credit_assignments import NOT_CREDIT
from benefits.services import credit_mails
from benefits.services.activity import activity_record, person_snapshot
from common.pagecache import pages_changed

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
NOT_A_HOLDER = _("This person no longer holds this credit; the list has been refreshed.")
GONE = _("This credit no longer exists.")
PERSON_GONE = _(
    "This person is no longer in your organization's tenants; the list has been refreshed."
)


def seats_full_message(benefit: Benefit) -> str:
    if benefit.credit_period == Benefit.Period.ANNUAL:
        return ngettext(
            "All %(count)d seat of this credit is assigned. Transfer it to change who holds it.",
            "All %(count)d seats of this credit are assigned. Transfer one to change who holds it.",
            benefit.quantity,
        ) % {"count": benefit.quantity}
    return ngettext(
        "All %(count)d seat of this credit is assigned. Remove someone first.",
        "All %(count)d seats of this credit are assigned. Remove someone first.",
        benefit.quantity,
    ) % {"count": benefit.quantity}


@transaction.atomic
def credit_assign(
    *,
    benefit: Benefit,
    directory_user: DirectoryUser,
    actor: User,
    today: date,
    idempotency_key: str = "",
    api_token: ApiToken | None = None,
) -> Activity:
    """Give ``directory_user`` one seat of ``benefit``; the activity record of the change.

    Holds when: the benefit is current Azure credit with a free seat; the person is enabled,
    in one of the organization's tenants, not on a consumer domain, and holds no other credit
    (nor, for bulk credit, any other Azure offer). Raises ValidationError naming the reason.
    ``idempotency_key`` and ``api_token`` (each change's): the API request's key and token,
    kept on the activity record.
    """
    benefit = _lock_benefit(benefit)
    person = _lock_people(benefit, directory_user)[0]
    _check_changeable(benefit, today)
    _check_eligible(benefit, person)
    if benefit.assignments.count() >= benefit.quantity:
        raise ValidationError(seats_full_message(benefit), code="seats_full")
    _hold(benefit, person, actor)
    record = activity_record(
        kind=Activity.Kind.CREDIT_ASSIGNED,
        actor=actor,
        benefit=benefit,
        directory_user=person,
        before={},
        after={"holder": person_snapshot(person)},
        idempotency_key=idempotency_key,
        api_token=api_token,
    )
    credit_mails.credit_mail(
        template=credit_mails.ASSIGNED, benefit=benefit, person=person, actor=actor
    )
    pages_changed(benefit.organization_id)
    return record


@transaction.atomic
def credit_remove(
    *,
    benefit: Benefit,
    directory_user: DirectoryUser,
    actor: User,
    today: date,
    idempotency_key: str = "",
    api_token: ApiToken | None = None,
) -> Activity:
    """Take monthly credit back from ``directory_user``; the activity record of the change.

    Holds when credit_remove_check passes on the locked rows: bulk credit is never removed.
    Raises ValidationError naming the reason.
    """
    benefit = _lock_benefit(benefit)
    person = _lock_people(benefit, directory_user)[0]
    credit_remove_check(benefit=benefit, directory_user=person, today=today)
    CreditAssignment.objects.filter(benefit=benefit, directory_user=person).delete()
    record = activity_record(
        kind=Activity.Kind.CREDIT_REMOVED,
        actor=actor,
        benefit=benefit,
        directory_user=person,
        before={"holder": person_snapshot(person)},
        after={},
        idempotency_key=idempotency_key,
        api_token=api_token,
    )
    credit_mails.credit_mail(
        template=credit_mails.REMOVED, benefit=benefit, person=person, actor=actor
    )
    pages_changed(benefit.organization_id)
    return record


def credit_remove_check(*, benefit: Benefit, directory_user: DirectoryUser, today: date) -> None:
    """The rules of a removal, in one place: the credit is current monthly credit of the
    person's organization and the person holds it. Raises ValidationError naming the reason.

    credit_remove runs it on the locked rows; the confirmation page runs it unlocked (through
    credit_remove_refusal) to say at once when the removal would be refused.
    """
    _check_changeable(benefit, today)
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


@transaction.atomic
def credit_transfer(
    *,
    benefit: Benefit,
    holder: DirectoryUser,
    to: DirectoryUser,
    actor: User,
    today: date,
    idempotency_key: str = "",
    api_token: ApiToken | None = None,
) -> Activity:
    """Move bulk credit from ``holder`` to ``to`` until the benefit's expiration date; the
    activity record of the change.

    Holds when: the benefit is current bulk credit, ``holder`` holds it, and ``to`` is someone
    else, eligible exactly as for an assignment. Raises ValidationError naming the reason.
    """
    benefit = _lock_benefit(benefit)
    holder, to = _lock_people(benefit, holder, to)
    _check_changeable(benefit, today)
    if benefit.credit_period != Benefit.Period.ANNUAL:
        raise ValidationError(MONTHLY_NOT_TRANSFERABLE, code="monthly_not_transferable")
    if holder.pk == to.pk:
        raise ValidationError(TRANSFER_TO_HOLDER % {"name": to.display_name}, code="same_person")
    _check_eligible(benefit, to)
    deleted, _rows = CreditAssignment.objects.filter(
        benefit=benefit, directory_user=holder
    ).delete()
    if not deleted:
        raise ValidationError(NOT_A_HOLDER, code="not_a_holder")
    _hold(benefit, to, actor)
    record = activity_record(
        kind=Activity.Kind.CREDIT_TRANSFERRED,
        actor=actor,
        benefit=benefit,
        directory_user=to,
        before={"holder": person_snapshot(holder)},
        after={"holder": person_snapshot(to)},
        idempotency_key=idempotency_key,
        api_token=api_token,
    )
    credit_mails.credit_mail(
        template=credit_mails.TRANSFERRED, benefit=benefit, person=to, actor=actor
    )
    credit_mails.credit_mail(
        template=credit_mails.REMOVED, benefit=benefit, person=holder, actor=actor, transferred=True
    )
    pages_changed(benefit.organization_id)
    return record


def _lock_benefit(benefit: Benefit) -> Benefit:
    """The benefit row, locked until the transaction ends: its seats are what is contested.
    Its product and organization come along (the activity and the mail name them)."""
    # of=("self",): the product row is shared by every organization and must not be locked.
    try:
        return (
            Benefit.objects.select_for_update(of=("self",))
            .select_related("product", "organization")
            .get(pk=benefit.pk)
        )
    except Benefit.DoesNotExist as error:
        raise ValidationError(GONE, code="gone") from error


def _lock_people(benefit: Benefit, *people: DirectoryUser) -> list[DirectoryUser]:
    """The people, locked in a fixed order (no deadlock between two transfers), and only if
    they are in the benefit's organization."""
    ids = [person.pk for person in people]
    locked = {
        person.pk: person
        for person in DirectoryUser.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .filter(pk__in=ids, tenant__organization_id=benefit.organization_id)
        .order_by("pk")
    }
    if len(locked) != len(set(ids)):
        raise ValidationError(PERSON_GONE, code="person_gone")
    return [locked[pk] for pk in ids]


def _check_changeable(benefit: Benefit, today: date) -> None:
    if not benefit.is_usage_based:
        raise ValidationError(NOT_CREDIT, code="not_credit")
    if benefit.expiration_date < today:
        raise ValidationError(
            EXPIRED % {"date": formats.date_format(benefit.expiration_date)}, code="expired"
        )


def _check_eligible(benefit: Benefit, person: DirectoryUser) -> None:
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


def _hold(benefit: Benefit, person: DirectoryUser, actor: User) -> CreditAssignment:
    try:
        # A savepoint: if the database refuses (the person took a credit elsewhere in the
        # meantime), the error is ours to explain and the outer transaction rolls back whole.
        with transaction.atomic():
            return CreditAssignment.objects.create(
                benefit=benefit, directory_user=person, assigned_by=actor
            )
    except IntegrityError as error:
        held = (
            CreditAssignment.objects.filter(directory_user=person)
            .select_related("benefit__product")
            .first()
        )
        if held is None:
            raise  # not the one-credit rule: a genuine error, not the reader's to fix
        raise ValidationError(
            ALREADY_HOLDS_OTHER
            % {"name": person.display_name, "credit": held.benefit.product.name},
            code="one_credit_per_person",
        ) from error
