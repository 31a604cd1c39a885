"""The accounts app's Celery tasks (partnerbenefits/celery.py finds them): delivering the outbox,
and its safety net for tasks a broker lost."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.mail import MailNotDelivered, deliver, give_up
from accounts.models import OutgoingMail

logger = logging.getLogger(__name__)

# A mail server that refuses or is down is tried again after MAIL_RETRY_BACKOFF_SECONDS (60),
# then twice as long each time — 60, 120, 240, 480, 960, 1920 seconds, then 50 minutes — 10
# tries over about three and a half hours, six of them in the first hour, before giving up.
MAX_RETRIES = 9
# The longest wait between two tries. It stays under the Redis broker's visibility timeout (one
# hour), past which Redis hands a task that waits for its time to a second worker, and under
# RESEND_UNTOUCHED_AFTER, so the safety net below never doubles a live chain of retries.
RETRY_DELAY_MAX = 50 * 60
# Each delay is drawn up to a tenth longer, never shorter, so the mails a server refused
# together don't all come back in the same second, and the tries still span the hours above.
RETRY_JITTER = 0.1
# An unsent mail nobody has tried for this long has lost its task (a broker restarted empty).
RESEND_UNTOUCHED_AFTER = timedelta(hours=1)


def retry_delay(retries: int, *, draw: float | None = None) -> float:
    """Seconds before the try after the ``retries``-th retry (0 for the first failure); ``draw``
    in [0, 1] picks the jitter (random by default)."""
    base = min(settings.MAIL_RETRY_BACKOFF_SECONDS * 2**retries, RETRY_DELAY_MAX)
    return base * (1 + RETRY_JITTER * (random.random() if draw is None else draw))  # noqa: S311


@shared_task(
    bind=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def deliver_mail(self: Task, mail_id: int) -> None:
    """Deliver the outbox row ``mail_id`` (accounts.mail.deliver): idempotent, so a task
    delivered twice (a worker lost mid-task, a broker redelivery) sends the mail once. A refusal
    is retried after ``retry_delay``; after the last retry the mail is given up. The SMTP or
    network error arrives here as ``MailNotDelivered``, which names only the error's kind, so
    neither the retries nor the worker's log show the recipient's address."""
    try:
        deliver(mail_id=mail_id)
    except MailNotDelivered as error:
        if self.request.is_eager:
            # Without a broker the task runs inside the process that committed the change:
            # retrying there would wait in the request. Logged; the row stays unsent.
            return
        retries = self.request.retries
        if retries >= MAX_RETRIES:
            give_up(mail_id=mail_id)
            logger.error(
                "Mail (outbox %s) given up after %s tries (%s)", mail_id, retries + 1, error
            )
            return
        raise self.retry(exc=error, countdown=retry_delay(retries)) from error


def deliver_mail_later(mail_id: int) -> None:
    """Hand the outbox row ``mail_id``, just refused once (``accounts.mail.deliver_all``), to
    ``deliver_mail``'s retries, as if that first try had been its own."""
    deliver_mail.apply_async((mail_id,), countdown=retry_delay(0), retries=1)


@shared_task(acks_late=True, ignore_result=True)
def retry_unsent_mail(untouched_for_seconds: float | None = None) -> int:
    """Hand a worker again every unsent mail, not given up, that nobody has tried (or written)
    for ``untouched_for_seconds`` (default an hour): the safety net for tasks lost with a
    broker's restart, run every 15 minutes. A mail whose task was not lost gets a second one,
    which sends nothing twice (``deliver`` is idempotent). Returns how many were handed over."""
    age = (
        RESEND_UNTOUCHED_AFTER
        if untouched_for_seconds is None
        else timedelta(seconds=untouched_for_seconds)
    )
    before = timezone.now() - age
    stale = OutgoingMail.objects.filter(
        Q(last_attempt_at__lt=before) | Q(last_attempt_at__isnull=True, created_at__lt=before),
        sent_at__isnull=True,
        given_up_at__isnull=True,
    )
    mail_ids = list(stale.order_by("pk").values_list("pk", flat=True))
    for mail_id in mail_ids:
        deliver_mail.delay(mail_id)
    if mail_ids:
        logger.warning("%s unsent mail(s) handed to a worker again", len(mail_ids))
    return len(mail_ids)
