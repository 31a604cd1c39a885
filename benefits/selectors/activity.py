"""The activity log, and the redemption records the wizard's Done step reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization
from accounts.selectors import parse_id
from benefits.models import Activity


def activity_list(
    *,
    organization: Organization,
    kind: str = "",
    benefit_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Activity]:
    """The organization's activity, newest first, optionally of one kind, one benefit, and
    from ``date_from`` to ``date_to``: both days included, as days of the current time zone
    (from the start of the first to the start of the day after the last)."""
    records = Activity.objects.filter(organization=organization)
    if kind:
        records = records.filter(kind=kind)
    if benefit_id:
        records = records.filter(benefit_id=benefit_id)
    if date_from and (start := _day_start(date_from)):
        records = records.filter(created_at__gte=start)
    if date_to and date_to < date.max and (end := _day_start(date_to + timedelta(days=1))):
        records = records.filter(created_at__lt=end)
    return records.order_by("-created_at", "-pk")


def _day_start(day: date) -> datetime | None:
    """Midnight of ``day`` in the current time zone; None at the calendar's edges (year 1 or
    9999 in a zone that UTC can't reach), where the range is open on that side anyway."""
    try:
        start = timezone.make_aware(datetime.combine(day, time.min))
        start.astimezone(UTC)
    except OverflowError:
        return None
    return start


def redemption_record_get(*, organization: Organization, record_id: object) -> Activity | None:
    """A redemption record with what the Done step shows of it."""
    return (
        Activity.objects.filter(
            organization=organization, kind=Activity.Kind.KEY_REDEEMED, pk=parse_id(record_id)
        )
        .select_related("subscription__tenant", "subscription__product", "benefit__product")
        .first()
    )


def redemption_by_token(*, organization: Organization, token: str) -> Activity | None:
    """The redemption record a review's one-time token (or an API Idempotency-Key) produced,
    with what the Done step shows of it."""
    if not token:
        return None
    return (
        Activity.objects.filter(
            organization=organization, kind=Activity.Kind.KEY_REDEEMED, idempotency_key=token
        )
        .select_related("subscription__tenant", "subscription__product", "benefit__product")
        .first()
    )
