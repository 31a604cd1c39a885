"""Writing activity records: snapshots that still read correctly after the objects change."""

from __future__ import annotations

from accounts.models import DirectoryUser, Organization, User
from benefits.models import Activity, Benefit
from benefits.webhooks.outbox import deliveries_queue


def person_snapshot(person: DirectoryUser) -> dict[str, str]:
    return {
        "name": person.display_name,
        "upn": person.user_principal_name,
        "tenant": person.tenant.primary_domain,
    }


def activity_record(
    *,
    kind: str,
    actor: User,
    before: dict,
    after: dict,
    benefit: Benefit | None = None,
    organization: Organization | None = None,
    idempotency_key: str = "",
    **links,
) -> Activity:
    """Append one record; call it inside the transaction of the change it describes. Every
    activity of the portal is written here, so each record has the same shape.

    A benefit's record (credit, redemption) names the benefit, and the organization is the
    benefit's; its snapshots start with the product's name. A record of no benefit (a team
    change) names the ``organization`` instead. ``idempotency_key``: the one-time token of the
    request that made the change (a review's, or the API's Idempotency-Key), unique per
    organization, so a repeated request finds this record. ``links``: the objects the record
    names (subscription, product_key, …)."""
    if benefit is not None:
        organization_id = benefit.organization_id
        before = {"product": benefit.product.name, **before}
        after = {"product": benefit.product.name, **after}
    elif organization is not None:
        organization_id = organization.pk
    else:
        raise TypeError("activity_record needs a benefit or an organization")
    activity = Activity.objects.create(
        organization_id=organization_id,
        kind=kind,
        actor=actor,
        actor_email=actor.email,
        benefit=benefit,
        before=before,
        after=after,
        idempotency_key=idempotency_key,
        **links,
    )
    # The webhooks' outbox, in the same transaction: a committed record has its deliveries.
    deliveries_queue(activity)
    return activity
