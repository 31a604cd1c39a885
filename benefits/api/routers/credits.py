"""Azure credit holders: assign, remove (monthly credit only), transfer (bulk credit only).

The screens' services (benefits.services.credits), with the screens' refusals; every write
needs an ``Idempotency-Key`` (benefits.api.idempotency), stored with its activity record.
"""

from datetime import datetime
from typing import cast

from django.utils import timezone
from ninja import Router, Schema, Status

from accounts import selectors as people
from accounts.models import DirectoryUser, Scope
from benefits import selectors
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.fields import BodyIn, JsonInt, PathId
from benefits.api.idempotency import IdempotencyKey, Outcome, idempotent
from benefits.api.problems import WRITE_ERRORS, named_if_missing
from benefits.models import Activity, Benefit
from benefits.services import credits

router = Router(tags=["Azure credit"])


class HolderIn(BodyIn):
    directory_user_id: JsonInt


class TransferIn(BodyIn):
    to_directory_user_id: JsonInt


class HolderOut(Schema):
    benefit_id: int
    directory_user_id: int
    display_name: str
    user_principal_name: str
    tenant_domain: str
    assigned_at: datetime
    activity_id: int


@router.post(
    "/benefits/{benefit_id}/holders",
    response={201: HolderOut, **WRITE_ERRORS},
    summary="Assign Azure credit to a person",
    auth=TokenAuth(Scope.CREDITS),
)
def holder_assign(
    request: ApiRequest,
    benefit_id: PathId,
    payload: HolderIn,
    idempotency_key: str = IdempotencyKey,
) -> Status:
    benefit = _benefit(request, benefit_id)
    person = _person(request, payload.directory_user_id, "directory_user_id")

    def assign() -> Outcome:
        record = credits.credit_assign(
            benefit=benefit,
            directory_user=person,
            actor=request.user,
            today=timezone.localdate(),
            idempotency_key=idempotency_key,
            api_token=request.auth,
        )
        return _held(record)

    return idempotent(request, key=idempotency_key, payload=payload.dict(), write=assign)


@router.delete(
    "/benefits/{benefit_id}/holders/{directory_user_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove monthly Azure credit from its holder",
    auth=TokenAuth(Scope.CREDITS),
)
def holder_remove(
    request: ApiRequest,
    benefit_id: PathId,
    directory_user_id: PathId,
    idempotency_key: str = IdempotencyKey,
) -> Status:
    benefit = _benefit(request, benefit_id)
    person = _person(request, directory_user_id, "directory_user_id")

    def remove() -> Outcome:
        record = credits.credit_remove(
            benefit=benefit,
            directory_user=person,
            actor=request.user,
            today=timezone.localdate(),
            idempotency_key=idempotency_key,
            api_token=request.auth,
        )
        return Outcome(204, {}, record)

    return idempotent(request, key=idempotency_key, payload={}, write=remove)


@router.post(
    "/benefits/{benefit_id}/holders/{directory_user_id}/transfer",
    response={200: HolderOut, **WRITE_ERRORS},
    summary="Transfer bulk Azure credit from its holder to someone else",
    auth=TokenAuth(Scope.CREDITS),
)
def holder_transfer(
    request: ApiRequest,
    benefit_id: PathId,
    directory_user_id: PathId,
    payload: TransferIn,
    idempotency_key: str = IdempotencyKey,
) -> Status:
    benefit = _benefit(request, benefit_id)
    holder = _person(request, directory_user_id, "directory_user_id")
    to = _person(request, payload.to_directory_user_id, "to_directory_user_id")

    def transfer() -> Outcome:
        record = credits.credit_transfer(
            benefit=benefit,
            holder=holder,
            to=to,
            actor=request.user,
            today=timezone.localdate(),
            idempotency_key=idempotency_key,
            api_token=request.auth,
        )
        return _held(record, status=200)

    return idempotent(request, key=idempotency_key, payload=payload.dict(), write=transfer)


def _benefit(request: ApiRequest, benefit_id: int) -> Benefit:
    with named_if_missing("benefit_id"):
        return selectors.benefit_get(organization=request.organization, benefit_id=benefit_id)


def _person(request: ApiRequest, directory_user_id: int, field: str) -> DirectoryUser:
    with named_if_missing(field):
        return people.directory_user_get(
            organization=request.organization, directory_user_id=directory_user_id
        )


def _held(record: Activity, *, status: int = 201) -> Outcome:
    """The new holder, from the activity record the service wrote (its people in memory)."""
    person = cast(DirectoryUser, record.directory_user)  # a credit record always names one
    body = HolderOut(
        benefit_id=cast(int, record.benefit_id),
        directory_user_id=person.pk,
        display_name=person.display_name,
        user_principal_name=person.user_principal_name,
        tenant_domain=person.tenant.primary_domain,
        assigned_at=record.created_at,
        activity_id=record.pk,
    ).model_dump(mode="json")
    return Outcome(status, body, record)
