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
from accounts.tasks import deliver_mail_later
from benefits.notifications.digests import organization_digests_deliver

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
    """The digests of ``date`` (ISO) for one organization (notifications.digests), written to
    the outbox and then delivered from this task over one connection to the mail server, with
    any of an earlier run left undelivered; a refused one goes to ``deliver_mail``'s retries.
    Returns how many were written. A worker that dies between the two steps leaves the digests
    in the outbox: this task run again (the broker hands it to another worker, or the next
    day's job) delivers them, and so does the outbox's safety net."""
    today = datetime.date.fromisoformat(date)
    run, delivery = organization_digests_deliver(organization_id=organization_id, today=today)
    for mail_id in delivery.refused:
        deliver_mail_later(mail_id)
    if run.mail_ids or delivery.refused:
        logger.info(
            "Organization %s: %s digest(s) for %s, %s sent, %s refused",
            organization_id,
            len(run.mail_ids),
            date,
            len(delivery.sent),
            len(delivery.refused),
        )
    return len(run.mail_ids)
