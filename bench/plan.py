"""What the load generator needs to know: the account, the ids of the pages it loads, and for
the redemption scenario one subscription and a supply of fresh keys per simulated user.

Every redemption uses up a key. Before each run the keys of the chosen products are topped up
(new keys added to the product's latest benefit, its quantity raised to match, as staff would
do) so each simulated user has enough for the run; the rest of the data keeps its shape.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Organization
from bench.api_plan import api_keys_each, api_plan, split_keys
from bench.load import WARMUP_SECONDS
from bench.shape import ADMIN_EMAIL, ADMIN_PASSWORD, LARGE_MPN_ID
from benefits.licensing import KEY_ALPHABET, KEY_GROUP_SIZE, KEY_LENGTH
from benefits.models import Benefit, Product, ProductKey, Subscription
from common import ratelimit
from common.pagecache import pages_changed

# Generous: with 16 users a simulated user redeems about 3 keys a second, but with fewer users
# each goes faster (13 a second with 4), and redemptions into one tenant take turns, so a user
# alone in its tenant can go faster still. The warm-up redeems too.
REDEMPTIONS_PER_USER_SECOND = 15
TOP_UP_KEY_LICENSES = 10
FILTERED_QUERY = "offer=gold&sort=-quantity&status=active"
PICKER_PREFIXES = [
    "al", "an", "be", "ch", "da", "el", "em", "gr", "ja", "jo", "ka", "la", "ma", "me", "mi",
    "na", "ol", "pa", "ra", "sa", "so", "st", "th", "ali", "ann", "ben", "cha", "dav", "eli",
    "jul", "kat", "lau", "mar", "meg", "nin", "oli", "pie", "sar", "sop", "tho",
]  # fmt: skip


def make_plan(*, users: int, duration: float) -> dict:
    organization = Organization.objects.get(mpn_id=LARGE_MPN_ID)
    admin = organization.members.get(email=ADMIN_EMAIL)
    # Nothing failed on purpose, but a previous interrupted run must not leave the key field
    # locked for this one.
    cache.delete_many(ratelimit.cache_keys(admin.pk))
    details = _details_benefit(organization)
    keys_each = int((duration + WARMUP_SECONDS) * REDEMPTIONS_PER_USER_SECOND) + 10
    slots = redemption_slots(
        organization=organization,
        users=users,
        keys_each=keys_each + api_keys_each(duration),
        spare=details,
    )
    # The page's redemption and the API's each get keys of their own (bench/api_plan.py).
    slots, api_slots = split_keys(slots, first=keys_each)
    return {
        "email": ADMIN_EMAIL,
        "password": ADMIN_PASSWORD,
        "picker_benefit": _picker_benefit(organization),
        "details_benefit": details,
        "filtered_query": FILTERED_QUERY,
        "picker_prefixes": PICKER_PREFIXES,
        "slots": slots,
        "api": api_plan(admin=admin, users=users, slots=api_slots),
    }


def _current(organization: Organization):
    return Benefit.objects.filter(
        organization=organization, expiration_date__gte=timezone.localdate()
    )


def _picker_benefit(organization: Organization) -> int:
    """An Azure monthly credit still running: the one whose picker people use most."""
    return (
        _current(organization)
        .filter(product__kind=Product.Kind.USAGE, credit_period=Benefit.Period.MONTHLY)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def _details_benefit(organization: Organization) -> int:
    """The first license-based benefit still running. The redemption neither uses nor tops up
    its keys, so its page is the same from run to run."""
    return (
        _current(organization)
        .filter(product__kind=Product.Kind.LICENSE)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def redemption_slots(
    *, organization: Organization, users: int, keys_each: int, spare: int
) -> list[dict]:
    """One Active subscription per simulated user (no two users contend for the same one),
    each with ``keys_each`` available keys of its product that no other user gets. The keys of
    the benefit ``spare`` are left alone."""
    today = timezone.localdate()
    subscriptions = list(
        Subscription.objects.filter(
            tenant__organization=organization,
            product__kind=Product.Kind.LICENSE,
            end_date__gte=today + timedelta(days=30),
        )
        .annotate(
            available=Count(
                "product__benefits__keys",
                filter=Q(
                    product__benefits__organization=organization,
                    product__benefits__expiration_date__gte=today,
                    product__benefits__keys__redeemed_at__isnull=True,
                ),
            )
        )
        .order_by("-available", "pk")[:users]
    )
    if len(subscriptions) < users:
        raise RuntimeError(f"Only {len(subscriptions)} Active subscriptions for {users} users.")
    taken: set[str] = set()
    slots = []
    for subscription in subscriptions:
        product = subscription.product_id
        keys = _available_keys(organization, product, exclude=taken, spare=spare)[:keys_each]
        if len(keys) < keys_each:
            _top_up(organization, product, keys_each - len(keys), spare=spare)
            keys = _available_keys(organization, product, exclude=taken, spare=spare)
            keys = keys[:keys_each]
        taken.update(keys)
        slots.append(
            {
                "subscription": subscription.pk,
                "tenant": subscription.tenant_id,
                "product": subscription.product_id,
                "keys": keys,
            }
        )
    return slots


def _available_keys(organization: Organization, product_id: int, *, exclude: set[str], spare):
    keys = (
        ProductKey.objects.filter(
            benefit__organization=organization,
            benefit__product_id=product_id,
            benefit__expiration_date__gte=timezone.localdate(),
            redeemed_at__isnull=True,
        )
        .exclude(benefit_id=spare)
        .order_by("pk")
    )
    return [key for key in keys.values_list("key", flat=True) if key not in exclude]


@transaction.atomic
def _top_up(organization: Organization, product_id: int, count: int, *, spare: int) -> None:
    benefit = (
        _current(organization)
        .select_for_update()
        .filter(product_id=product_id)
        .exclude(pk=spare)
        .order_by("-expiration_date", "pk")
        .first()
    )
    if benefit is None:
        raise RuntimeError(f"No running benefit of product {product_id} to add keys to.")
    ProductKey.objects.bulk_create(
        ProductKey(benefit=benefit, key=_random_key(), licenses=TOP_UP_KEY_LICENSES)
        for _ in range(count)
    )
    Benefit.objects.filter(pk=benefit.pk).update(
        quantity=F("quantity") + count * TOP_UP_KEY_LICENSES
    )
    pages_changed(organization.pk)


def _random_key() -> str:
    compact = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
    return "-".join(compact[i : i + KEY_GROUP_SIZE] for i in range(0, KEY_LENGTH, KEY_GROUP_SIZE))
