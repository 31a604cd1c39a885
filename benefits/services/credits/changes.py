"""Azure credit: assign it to a person, remove it (monthly credit), transfer it (bulk credit).

Each change locks the benefit row (and the people involved), re-checks every rule of SPEC 3.3
(``rules``) inside the transaction, writes, and records the activity in the same transaction,
so two admins can't both take the last seat and a refusal leaves no trace. The person concerned
is mailed in that transaction too (benefits.services.credit_mails): the mail leaves only once it
commits.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import ApiToken, DirectoryUser, User
from benefits.models import Activity, Benefit, CreditAssignment
from benefits.services import credit_mails
from benefits.services.activity import activity_record, person_snapshot
from benefits.services.credits.rules import (
    ALREADY_HOLDS_OTHER,
    GONE,
    NOT_A_HOLDER,
    PERSON_GONE,
    check_changeable,
    check_eligible,
    check_seat_free,
    credit_remove_check,
    credit_transfer_check,
)
from common.pagecache import pages_changed


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
    check_changeable(benefit, today)
    check_eligible(benefit, person)
    check_seat_free(benefit)
    _hold(benefit, person, actor)
    credit_mails.credit_mail(
        template=credit_mails.ASSIGNED, benefit=benefit, person=person, actor=actor
    )
    return _recorded(
        Activity.Kind.CREDIT_ASSIGNED,
        benefit=benefit,
        person=person,
        before={},
        after={"holder": person_snapshot(person)},
        actor=actor,
        idempotency_key=idempotency_key,
        api_token=api_token,
    )


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
    credit_mails.credit_mail(
        template=credit_mails.REMOVED, benefit=benefit, person=person, actor=actor
    )
    return _recorded(
        Activity.Kind.CREDIT_REMOVED,
        benefit=benefit,
        person=person,
        before={"holder": person_snapshot(person)},
        after={},
        actor=actor,
        idempotency_key=idempotency_key,
        api_token=api_token,
    )


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
    credit_transfer_check(benefit=benefit, holder=holder, to=to, today=today)
    deleted, _rows = CreditAssignment.objects.filter(
        benefit=benefit, directory_user=holder
    ).delete()
    if not deleted:  # checked under the benefit's lock; the database has the last word
        raise ValidationError(NOT_A_HOLDER, code="not_a_holder")
    _hold(benefit, to, actor)
    credit_mails.credit_mail(
        template=credit_mails.TRANSFERRED, benefit=benefit, person=to, actor=actor
    )
    credit_mails.credit_mail(
        template=credit_mails.REMOVED, benefit=benefit, person=holder, actor=actor, transferred=True
    )
    return _recorded(
        Activity.Kind.CREDIT_TRANSFERRED,
        benefit=benefit,
        person=to,
        before={"holder": person_snapshot(holder)},
        after={"holder": person_snapshot(to)},
        actor=actor,
        idempotency_key=idempotency_key,
        api_token=api_token,
    )


def _recorded(
    kind: str,
    *,
    benefit: Benefit,
    person: DirectoryUser,
    before: dict,
    after: dict,
    actor: User,
    idempotency_key: str,
    api_token: ApiToken | None,
) -> Activity:
    """The change's activity record, in its transaction; its organization's pages show it once
    that commits."""
    record = activity_record(
        kind=kind,
        actor=actor,
        benefit=benefit,
        directory_user=person,
        before=before,
        after=after,
        idempotency_key=idempotency_key,
        api_token=api_token,
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
    # Asked again in a statement of its own: a tenant that staff moved to another organization
    # while this read waited on the people's locks (accounts.staff_changes holds them) shows
    # here, where the locked read's join still saw the tenant as it was when the read began.
    here = DirectoryUser.objects.filter(pk__in=ids, tenant__organization_id=benefit.organization_id)
    if here.count() != len(set(ids)):
        raise ValidationError(PERSON_GONE, code="person_gone")
    return [locked[pk] for pk in ids]


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
