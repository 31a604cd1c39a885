"""Redeeming a product key: preview what it would do (writes nothing), then redeem it once.

The same services as the wizard: ``redemption_preview`` for the figures, ``key_redeem`` to
redeem exactly what was computed, bound to the request's ``Idempotency-Key`` (stored with the
activity record, as the wizard stores its review's token). Key guesses count against the same
limit as the wizard's Key step.
"""

from datetime import date, datetime
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables
from ninja import Router, Schema, Status
from pydantic import Field, field_validator

from accounts.models import Scope
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.fields import BodyIn, JsonInt, refusal
from benefits.api.idempotency import IdempotencyKey, Outcome, idempotent
from benefits.api.problems import WRITE_ERRORS, ApiProblem, named_if_missing
from benefits.models import Activity, ProductKey, Subscription
from benefits.services import redemption
from benefits.services.redemption import SUBSCRIPTION_CHANGED, Action, Preview
from common import ratelimit

router = Router(tags=["Redemptions"])

NEW_FIGURES = _(
    "The new subscription would now get other figures than expected_end_date and "
    "expected_seats say (a day may have passed since the preview). Nothing was redeemed: "
    "preview again and send the new figures."
)


class RedemptionIn(BodyIn):
    key: str = Field(
        ...,
        description="The product key, as received.",
        json_schema_extra={"maxLength": redemption.KEY_INPUT_MAX_LENGTH},
    )
    action: Action
    tenant_id: JsonInt | None = Field(
        None, description="Activate: the tenant (the primary one when left out)."
    )
    subscription_id: JsonInt | None = Field(
        None, description="Extend or Add licenses: the subscription."
    )

    # The wizard's limit and words, rather than pydantic's "at most N characters" (the schema
    # documents the limit as maxLength all the same).
    @field_validator("key")
    @classmethod
    def _not_far_too_long(cls, key: str) -> str:
        if len(key) > redemption.KEY_INPUT_MAX_LENGTH:
            raise refusal(redemption.KEY_FAR_TOO_LONG)
        return key


class RedeemIn(RedemptionIn):
    expected_end_date: date | None = Field(
        None, description="The end date the preview showed: refused (409) if it changed."
    )
    expected_seats: JsonInt | None = Field(
        None, ge=1, description="The licenses the preview showed: refused (409) if they changed."
    )


class AlternativeOut(Schema):
    action: Action
    seats: int | None
    end_date: date | None
    refusal: str = Field("", description="Why the other of Extend / Add isn't possible.")


class PreviewOut(Schema):
    action: Action
    key_id: int
    key_masked: str
    product: str
    tenant_id: int
    tenant_domain: str
    subscription_id: int | None
    seats_before: int | None
    end_date_before: date | None
    seats_after: int
    end_date_after: date
    short_of_a_year: bool = Field(description="Add licenses gives less than a year.")
    alternative: AlternativeOut | None = Field(
        None, description="What the other of Extend / Add licenses would give."
    )
    active_elsewhere_subscription_id: int | None = Field(
        None, description="Activate: the Active subscription of this product already there."
    )


class RedemptionOut(Schema):
    activity_id: int
    subscription_id: int
    product: str
    tenant_domain: str
    seats: int
    end_date: date
    redeemed_at: datetime


@router.post(
    "/redemptions/preview",
    response={200: PreviewOut, **WRITE_ERRORS},
    summary="Preview a redemption: the figures the review shows; nothing changes",
    auth=TokenAuth(Scope.REDEEM),
)
@sensitive_variables()
def redemption_preview(request: ApiRequest, payload: RedemptionIn) -> dict:
    return _preview_out(_preview(request, payload))


@router.post(
    "/redemptions",
    response={201: RedemptionOut, **WRITE_ERRORS},
    summary="Redeem a product key once (requires an Idempotency-Key)",
    auth=TokenAuth(Scope.REDEEM),
)
@sensitive_variables()
def redemption_create(
    request: ApiRequest, payload: RedeemIn, idempotency_key: str = IdempotencyKey
) -> Status:
    def redeem() -> Outcome:
        preview = _preview(request, payload)
        expected = (payload.expected_end_date, payload.expected_seats)
        shown = (preview.term.end_date, preview.term.seats)
        if any(want is not None and want != got for want, got in zip(expected, shown, strict=True)):
            # A new subscription has no "subscription changed": the day turned since the preview.
            message = NEW_FIGURES if preview.action == Action.ACTIVATE else SUBSCRIPTION_CHANGED
            raise redemption.SubscriptionChanged(message, code="changed")
        record = redemption.key_redeem(
            organization=request.organization,
            key=preview.key,
            action=preview.action,
            tenant=preview.tenant,
            subscription=preview.subscription,
            reviewed=preview.fingerprint(),
            token=idempotency_key,
            actor=request.user,
            today=timezone.localdate(),
            api_token=request.auth,
        )
        # The record holds the subscription as redeemed, with its tenant and product.
        return Outcome(201, _redemption_out(record), record)

    return idempotent(
        request, key=idempotency_key, payload=payload.model_dump(mode="json"), write=redeem
    )


def _preview(request: ApiRequest, payload: RedemptionIn) -> Preview:
    # Where it goes first, as the wizard's Choose step comes before its Key step: a tenant or
    # subscription that isn't there is no guess at a key, and doesn't use up the attempts.
    with named_if_missing("tenant_id" if payload.action == Action.ACTIVATE else "subscription_id"):
        tenant, subscription = redemption.redemption_target(
            organization=request.organization,
            action=payload.action,
            tenant_id=payload.tenant_id,
            subscription_id=payload.subscription_id,
        )
    key = _key_found(request, payload.key)
    preview = redemption.redemption_preview(
        key=key,
        action=payload.action,
        tenant=tenant,
        subscription=subscription,
        today=timezone.localdate(),
    )
    # As in the wizard's Key step: a key counts as a wrong guess until a preview accepts it.
    ratelimit.succeeded(request.user.pk)
    return preview


@sensitive_variables()
def _key_found(request: ApiRequest, raw: str) -> ProductKey:
    """The organization's key for ``raw``, the lookup counted against the account's limit of
    guesses, shared with the wizard's Key step (common.ratelimit); ``_preview`` gives it back
    once the key is accepted. A key of the wrong shape is refused first, uncounted: no key has
    that shape, so it is no guess."""
    redemption.key_well_formed(raw)
    try:
        minutes = ratelimit.attempt(request.user.pk)
    except ratelimit.Unavailable as error:  # fail closed: no guess goes uncounted
        raise ApiProblem(503, str(ratelimit.PAUSED_MESSAGES[ratelimit.KEY_VALIDATION])) from error
    if minutes:
        raise ApiProblem(429, _too_many(minutes), headers={"Retry-After": str(minutes * 60)})
    return redemption.key_find(organization=request.organization, raw=raw)


def _too_many(minutes: int) -> str:
    # The wizard's own words (templates/benefits/redeem/_key.html), so one translation serves.
    return ngettext(
        "Too many attempts, try again in %(minutes)s minute.",
        "Too many attempts, try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def _preview_out(preview: Preview) -> dict:
    alternative = None
    if preview.action != Action.ACTIVATE:
        other_action = Action.ADD if preview.action == Action.EXTEND else Action.EXTEND
        alternative = {
            "action": other_action,
            "seats": preview.other.seats if preview.other else None,
            "end_date": preview.other.end_date if preview.other else None,
            "refusal": preview.other_error,
        }
    return {
        "action": preview.action,
        "key_id": preview.key.pk,
        "key_masked": preview.key.masked_key,
        "product": preview.key.benefit.product.name,
        "tenant_id": preview.tenant.pk,
        "tenant_domain": preview.tenant.primary_domain,
        "subscription_id": preview.subscription.pk if preview.subscription else None,
        "seats_before": preview.seats_before,
        "end_date_before": preview.end_before,
        "seats_after": preview.term.seats,
        "end_date_after": preview.term.end_date,
        "short_of_a_year": preview.short_of_a_year,
        "alternative": alternative,
        "active_elsewhere_subscription_id": (
            preview.active_elsewhere.pk if preview.active_elsewhere else None
        ),
    }


def _redemption_out(record: Activity) -> dict:
    subscription = cast(Subscription, record.subscription)  # a redemption always names it
    return RedemptionOut(
        activity_id=record.pk,
        subscription_id=subscription.pk,
        product=subscription.product.name,
        tenant_domain=subscription.tenant.primary_domain,
        seats=subscription.seats,
        end_date=subscription.end_date,
        redeemed_at=record.created_at,
    ).model_dump(mode="json")
