"""The daily digests on Celery (partnerbenefits/celery.py schedules them at 06:00 UTC): one task
fans out one unit of work per organization, so any number of workers share them and a worker
that dies costs only its organization's task, which the broker hands to another (acknowledged
late). Every task is idempotent: the sent-log makes a second run of the day send nothing."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from accounts.models import Organization
from notifications.digests import send_organization_digests

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_daily_digests(date: str | None = None) -> int:
    """Enqueue the digests of ``date`` (ISO; default: today in UTC) for every organization;
    returns how many organizations. The day is fixed here, so an organization's task that runs
    after midnight still sends that day's digest."""
    day = datetime.date.fromisoformat(date) if date else timezone.localdate()
    organization_ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    for organization_id in organization_ids:
        send_organization_digests_task.delay(organization_id, day.isoformat())
    return len(organization_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_organization_digests_task(organization_id: int, date: str) -> int:
    """The digests of ``date`` (ISO) for one organization (notifications.digests); returns how
    many were written to the outbox, which the workers then deliver."""
    today = datetime.date.fromisoformat(date)
    run = send_organization_digests(organization_id=organization_id, today=today)
    if run.mail_ids:
        logger.info(
            "Organization %s: %s digest(s) for %s", organization_id, len(run.mail_ids), date
        )
    return len(run.mail_ids)
