"""A license-based benefit's quantity is the total licenses of its keys (SPEC 2): whoever adds,
changes or deletes keys — an import, or staff one key at a time in the admin — sets it again
and writes one activity record per benefit, in the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from accounts.staff_changes import DELETED_MEANWHILE
from benefits.models import Activity, Benefit, ProductKey
from benefits.models.product_keys import REDEEMED_KEY_STAYS
from benefits.services.activity import activity_record
from common.pagecache import pages_changed


def benefit_quantities_from_keys(
    *, benefits: Sequence[Benefit], actor: User, kind: str, after: dict[int, dict] | None = None
) -> None:
    """Set each benefit's quantity to its keys' licenses and record it (``after``: more to say
    per benefit id). The benefits must be locked already (``benefits_lock``). A benefit left
    without keys keeps its quantity, which is never below 1. A fixed number of queries per
    benefit, none per key."""
    totals = dict(
        ProductKey.objects.filter(benefit__in=benefits)
        .values("benefit")
        .annotate(licenses=Sum("licenses"))
        .values_list("benefit", "licenses")
    )
    before = {benefit.pk: benefit.quantity for benefit in benefits}
    for benefit in benefits:
        benefit.quantity = totals.get(benefit.pk) or benefit.quantity
    Benefit.objects.bulk_update(benefits, ["quantity"])
    for benefit in benefits:
        activity_record(
            kind=kind,
            actor=actor,
            benefit=benefit,
            # "seats": the activity page reads it as the benefit's licenses, before and after.
            before={"seats": before[benefit.pk]},
            after={"seats": benefit.quantity, **(after or {}).get(benefit.pk, {})},
        )


def benefits_lock(benefit_ids: Iterable[int]) -> list[Benefit]:
    """The benefits, locked by id order (imports and staff's key changes take turns), their
    rows only: the products they name are shared by every organization."""
    locked = Benefit.objects.select_for_update(of=("self",)).filter(pk__in=set(benefit_ids))
    return list(locked.select_related("product").order_by("pk"))


@transaction.atomic
def key_save_by_staff(*, key: ProductKey, actor: User) -> ProductKey:
    """Save a key staff added or changed; the benefits it left and joined follow their keys,
    each with a record naming the key. A change that changes nothing writes nothing. Raises
    ValidationError when the key was deleted meanwhile, or redeemed meanwhile and the change
    touches what its subscription holds (``REDEEMED_KEY_STAYS``): nothing is then saved."""
    stored = None
    if key.pk is not None:
        # Locked first, as a redemption locks it: the two take turns.
        stored = ProductKey.objects.select_for_update(of=("self",)).filter(pk=key.pk).first()
        if stored is None:
            raise ValidationError(DELETED_MEANWHILE, code="deleted")
        if not stored.redeemed_fields_differ(key):
            return stored
        if stored.is_redeemed:
            raise ValidationError(REDEEMED_KEY_STAYS, code="redeemed")
    benefits = benefits_lock({key.benefit_id, stored.benefit_id if stored else key.benefit_id})
    if stored is None:
        key.save()
    else:
        # Only what staff may change: the redemption's fields are the portal's (and a form
        # opened before a redemption holds none).
        key.save(update_fields=["key", "licenses", "benefit"])
    named = {"key": key.masked_key, "licenses": key.licenses}
    if stored is not None and stored.key != key.key:
        named["was"] = stored.masked_key
    benefit_quantities_from_keys(
        benefits=benefits,
        actor=actor,
        kind=Activity.Kind.KEYS_CHANGED,
        after={benefit.pk: named for benefit in benefits},
    )
    pages_changed(*{benefit.organization_id for benefit in benefits})
    return key


@transaction.atomic
def keys_delete_by_staff(*, keys: Iterable[ProductKey], actor: User) -> None:
    """Delete keys staff selected; their benefits follow the keys left, each record saying how
    many keys and licenses went. A key redeemed meanwhile is protected by its activity record:
    ProtectedError, and nothing is deleted."""
    chosen = ProductKey.objects.filter(pk__in=[key.pk for key in keys])
    locked = list(chosen.select_for_update(of=("self",)).order_by("pk"))
    benefits = benefits_lock(key.benefit_id for key in locked)
    gone: dict[int, dict] = {
        benefit.pk: {"keys": 0, "licenses": 0, "deleted": []} for benefit in benefits
    }
    for key in locked:
        entry = gone[key.benefit_id]
        entry["keys"] -= 1
        entry["licenses"] -= key.licenses
        entry["deleted"].append(key.masked_key)
    chosen.delete()
    benefit_quantities_from_keys(
        benefits=benefits, actor=actor, kind=Activity.Kind.KEYS_CHANGED, after=gone
    )
    pages_changed(*{benefit.organization_id for benefit in benefits})
