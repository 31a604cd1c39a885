"""``manage.py send_digests``: the daily digest job at once, in this process (SPEC 10).

For each organization the digests are written to the outbox with their sent-log (as the daily
task does), then delivered right away from here: no task broker or worker is needed (cron,
``make run``, a first try). A mail the server refuses is marked given up, so the next run
announces its notices again, and the command ends with an error naming how many were refused.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.mail import deliver_all, give_up
from accounts.models import Organization
from benefits.notifications.digests import send_organization_digests
from benefits.notifications.models import NoticeKind

BAD_DATE = "--date takes a day as YYYY-MM-DD (for example 2026-11-30), not {value!r}."
UNKNOWN_ORGANIZATION = "No organization has the MPN ID {value!r} (--organization takes one)."
REFUSED = (
    "The mail server refused {refused} of {total} digests (or could not be reached); they are "
    "marked given up, so the next run of send_digests announces their notices again."
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
            run = send_organization_digests(
                organization_id=organization_id, today=today, enqueue=False
            )
            counts.update(run.counts)
            with_digests += bool(run.mail_ids)
            delivery = deliver_all(mail_ids=[*run.waiting_mail_ids, *run.mail_ids])
            for mail_id in delivery.refused:
                give_up(mail_id=mail_id)
            sent += len(delivery.sent)
            refused += len(delivery.refused)
        for kind in NoticeKind:
            if counts[kind.value]:
                self.stdout.write(f"{kind.label}: {counts[kind.value]}")
        self.stdout.write(
            f"{plural(sent, 'digest')} sent to {plural(sent, 'account')} "
            f"in {plural(with_digests, 'organization')}"
        )
        if refused:
            raise CommandError(REFUSED.format(refused=refused, total=sent + refused))

    @staticmethod
    def _day(value: str | None) -> datetime.date:
        if value is None:
            return timezone.localdate()
        try:
            return datetime.datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(BAD_DATE.format(value=value)) from None
