"""``manage.py send_digests``: the daily digest job at once, in this process (SPEC 10).

For each organization the digests are written to the outbox with their sent-log (as the daily
task does), then delivered right away from here: no task broker or worker is needed (cron,
``make run``, a first try). A mail the server refuses goes to the workers' retries when a task
broker is configured; without one it is marked given up, so the next run announces its notices
again. Either way the command ends with an error naming how many were refused.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.mail import give_up
from accounts.models import Organization
from accounts.tasks import deliver_mail_later
from benefits.notifications.digests import organization_digests_deliver
from benefits.notifications.models import NoticeKind

BAD_DATE = "--date takes a day as YYYY-MM-DD (for example 2026-11-30), not {value!r}."
FUTURE_DATE = (
    "--date {value} is after today: a day's digests can be sent on that day or later, never "
    "before (what they tell would be logged as told before it is due)."
)
UNKNOWN_ORGANIZATION = "No organization has the MPN ID {value!r} (--organization takes one)."
REFUSED = (
    "The mail server refused {refused} of {total} digests (or could not be reached); they are "
    "marked given up, so the next run of send_digests announces their notices again."
)
REFUSED_RETRIED = (
    "The mail server refused {refused} of {total} digests (or could not be reached); the "
    "workers try them again with growing delays."
)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Send the notification digests of a day now, from this process (the daily job of "
        "06:00 UTC, without a worker): each notice once per account and threshold."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="the day to send the digests of (default: today, UTC)",
        )
        parser.add_argument(
            "--organization", metavar="MPN_ID", help="only this organization's digests"
        )

    def handle(self, *args, date: str | None, organization: str | None, **options) -> None:
        today = self._day(date)
        organizations = Organization.objects.order_by("pk")
        if organization is not None:
            organizations = organizations.filter(mpn_id=organization)
            if not organizations.exists():
                raise CommandError(UNKNOWN_ORGANIZATION.format(value=organization))
        counts: Counter[str] = Counter()
        sent = refused = with_digests = 0
        for organization_id in organizations.values_list("pk", flat=True):
            run, delivery = organization_digests_deliver(
                organization_id=organization_id, today=today
            )
            counts.update(run.counts)
            with_digests += bool(run.mail_ids)
            for mail_id in delivery.refused:
                if settings.CELERY_TASK_ALWAYS_EAGER:
                    give_up(mail_id=mail_id)  # no worker to retry: told again next run
                else:
                    deliver_mail_later(mail_id)  # the workers retry it with growing delays
            sent += len(delivery.sent)
            refused += len(delivery.refused)
        for kind in NoticeKind:
            self.stdout.write(f"{kind.label}: {counts[kind.value]}")
        self.stdout.write(
            f"{plural(sent, 'digest')} sent to {plural(sent, 'account')} "
            f"in {plural(with_digests, 'organization')}"
        )
        if refused:
            message = REFUSED if settings.CELERY_TASK_ALWAYS_EAGER else REFUSED_RETRIED
            raise CommandError(message.format(refused=refused, total=sent + refused))

    @staticmethod
    def _day(value: str | None) -> datetime.date:
        if value is None:
            return timezone.localdate()
        try:
            day = datetime.datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(BAD_DATE.format(value=value)) from None
        if day > timezone.localdate():
            # It would log notices as told that are not due yet, and silence them when they are.
            raise CommandError(FUTURE_DATE.format(value=value))
        return day
