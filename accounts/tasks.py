"""The accounts app's Celery tasks (partnerbenefits/celery.py finds them)."""

from __future__ import annotations

from celery import Task, shared_task

from accounts.mail import MailNotDelivered, deliver

# A mail server that refuses or is down is tried again after about 1, 2, 4 … seconds, each
# delay at most an hour (with jitter), 10 tries in all: over two hours before giving up.
MAX_RETRIES = 9


@shared_task(
    bind=True,
    autoretry_for=(MailNotDelivered,),
    retry_backoff=True,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def deliver_mail(self: Task, mail_id: int) -> None:
    """Deliver the outbox row ``mail_id`` (accounts.mail.deliver): idempotent, so a task
    delivered twice (a worker lost mid-task, a broker redelivery) sends the mail once. The SMTP
    or network error arrives here as ``MailNotDelivered``, which names only the error's kind, so
    neither the retries nor the worker's log show the recipient's address."""
    try:
        deliver(mail_id=mail_id)
    except MailNotDelivered:
        if self.request.is_eager:
            # Without a broker the task runs inside the process that committed the change:
            # retrying there would wait in the request. Logged; the row stays unsent.
            return
        raise
