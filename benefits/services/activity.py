"""Writing activity records: snapshots that still read correctly after the objects change."""

from __future__ import annotations

from accounts.models import DirectoryUser, User
from benefits.models import Activity, Benefit


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
    benefit: Benefit,
    before: dict,
    after: dict,
    idempotency_key: str = "",
    **links,
) -> Activity:
    """Append one record; call it inside the transaction of the change it describes.

    ``idempotency_key``: the one-time token of the request that made the change (a review's,
    or the API's Idempotency-Key), unique per organization, so a repeated request finds this
    record. ``links``: the objects the record names (subscription, product_key, …)."""
    return Activity.objects.create(
        organization_id=benefit.organization_id,
        kind=kind,
        actor=actor,
        actor_email=actor.email,
        benefit=benefit,
        before={"product": benefit.product.name, **before},
        after={"product": benefit.product.name, **after},
        idempotency_key=idempotency_key,
        **links,
    )
