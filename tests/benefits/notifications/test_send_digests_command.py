"""``manage.py send_digests``: the daily job at once, in the process, without a broker; what the
demo data makes due on the day it is seeded (SPEC 5, part two); a refused mail fails the command
and is announced again by the next run."""

from __future__ import annotations

import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.models import OutgoingMail, User
from accounts.tasks import deliver_mail
from benefits.demo import seed_demo
from benefits.models import Benefit
from benefits.notifications.management.commands import send_digests as send_digests_module
from benefits.notifications.management.commands.send_digests import (
    BAD_DATE,
    FUTURE_DATE,
    REFUSED,
    REFUSED_RETRIED,
    UNKNOWN_ORGANIZATION,
)
from benefits.notifications.models import NoticeKind, NoticeSent
from tests.smtp import ACCEPTED
from tests.smtp import REFUSED as SERVER_REFUSES

pytestmark = pytest.mark.django_db

# A fixed day: the demo's Power BI Pro subscription ends "today + 2 months", which is 59 to 62
# days away depending on the day of the year — on some days within the 60 days of "Subscription
# ending", on others not. On 2026-11-30 it ends on 2027-01-30, 61 days away: not yet due.
DAY = date(2026, 11, 30)
CONTOSO_BENEFITS_ACCOUNTS = [
    "admin@contoso.example",
    "mpn@contoso.example",
    "users@contoso.example",
    "agent@contoso.example",
]
FABRIKAM_ADMIN = "admin@fabrikam.example"


def send_digests(*args: str) -> str:
    out = io.StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def told(email: str) -> set[tuple[str, str, int]]:
    rows = NoticeSent.objects.filter(account__email=email).values_list(
        "kind", "object_id", "threshold"
    )
    names = dict(Benefit.objects.values_list("pk", "product__name"))
    return {(kind, names[object_id], threshold) for kind, object_id, threshold in rows}


def test_the_demo_day_sends_what_the_specification_says_once(mailoutbox):
    seed_demo(today=DAY)

    with mock.patch.object(deliver_mail, "delay") as enqueued:
        output = send_digests("--date", DAY.isoformat())

    enqueued.assert_not_called()  # delivered from here: no broker needed
    assert output == (
        "Benefit expiring: 1\n"
        "Keys left unredeemed: 2\n"
        "Subscription ending: 0\n"
        "Credit seats free: 0\n"
        "5 digests sent to 5 accounts in 2 organizations\n"
    )
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == sorted([*CONTOSO_BENEFITS_ACCOUNTS, FABRIKAM_ADMIN])
    for email in CONTOSO_BENEFITS_ACCOUNTS:
        assert told(email) == {
            (NoticeKind.BENEFIT_EXPIRING, "Microsoft Intune", 30),
            (NoticeKind.KEYS_UNREDEEMED, "Microsoft Intune", 60),
        }
        assert "Microsoft Intune (Gold competency) expires on Dec. 20, 2026" in (
            by_address[email].body
        )
    assert told(FABRIKAM_ADMIN) == {(NoticeKind.KEYS_UNREDEEMED, "Office 365 E3", 60)}
    french = by_address[FABRIKAM_ADMIN]
    with translation.override("fr"):
        assert str(NoticeKind.KEYS_UNREDEEMED.label).upper() in french.body
    assert "Office 365 E3 (Compétence Gold) : 1 clé de produit pas encore échangée" in french.body
    assert "14 janvier 2027" in french.body  # today + 45 days
    assert "billing@contoso.example" not in by_address

    assert send_digests("--date", DAY.isoformat()).endswith(
        "Keys left unredeemed: 0\nSubscription ending: 0\nCredit seats free: 0\n"
        "0 digests sent to 0 accounts in 0 organizations\n"
    )
    assert len(mailoutbox) == 5


def test_one_organization_by_its_mpn_id(mailoutbox):
    seed_demo(today=DAY)

    output = send_digests("--date", DAY.isoformat(), "--organization", "4711002")

    assert "Keys left unredeemed: 1\n" in output
    assert output.endswith("1 digest sent to 1 account in 1 organization\n")
    assert [message.to for message in mailoutbox] == [[FABRIKAM_ADMIN]]


def test_without_a_date_it_sends_todays(mailoutbox):
    seed_demo(today=DAY)
    with mock.patch("django.utils.timezone.localdate", return_value=DAY):
        send_digests()
    assert len(mailoutbox) == 5
    assert set(NoticeSent.objects.values_list("digest_date", flat=True)) == {DAY}


@pytest.mark.parametrize("value", ["30/11/2026", "2026-02-30", "20261130", "tomorrow", ""])
def test_a_bad_date_is_refused_precisely(value):
    with pytest.raises(CommandError) as refused:
        send_digests("--date", value)
    assert str(refused.value) == BAD_DATE.format(value=value)


def test_a_day_after_today_is_refused(mailoutbox):
    seed_demo(today=DAY)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError) as refused:
        send_digests("--date", tomorrow)
    assert str(refused.value) == FUTURE_DATE.format(value=tomorrow)
    assert not NoticeSent.objects.exists()


def test_with_a_broker_a_refused_digest_goes_to_the_workers_retries(smtp_server, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker is configured: workers retry
    seed_demo(today=DAY)
    smtp_server.reply = SERVER_REFUSES

    with (
        mock.patch.object(send_digests_module, "deliver_mail_later") as retried,
        pytest.raises(CommandError) as refused,
    ):
        send_digests("--date", DAY.isoformat(), "--organization", "4711002")

    assert str(refused.value) == REFUSED_RETRIED.format(refused=1, total=1)
    [outgoing] = OutgoingMail.objects.all()
    retried.assert_called_once_with(outgoing.pk)
    assert outgoing.given_up_at is None  # still due to be delivered, by the retries


def test_an_unknown_organization_is_refused_precisely(mailoutbox):
    seed_demo(today=DAY)
    with pytest.raises(CommandError) as refused:
        send_digests("--organization", "9999999")
    assert str(refused.value) == UNKNOWN_ORGANIZATION.format(value="9999999")
    assert mailoutbox == []
    assert not OutgoingMail.objects.exists()


def test_a_refused_digest_fails_the_command_and_is_announced_again_next_run(smtp_server):
    seed_demo(today=DAY)
    smtp_server.reply = SERVER_REFUSES

    with pytest.raises(CommandError) as refused:
        send_digests("--date", DAY.isoformat(), "--organization", "4711002")

    assert str(refused.value) == REFUSED.format(refused=1, total=1)
    [outgoing] = OutgoingMail.objects.all()
    assert outgoing.given_up_at is not None
    assert outgoing.sent_at is None
    assert smtp_server.messages == []

    smtp_server.reply = ACCEPTED
    output = send_digests("--date", DAY.isoformat(), "--organization", "4711002")

    assert output.endswith("1 digest sent to 1 account in 1 organization\n")
    [message] = smtp_server.messages
    assert message["To"] == FABRIKAM_ADMIN
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto a second line, which readers unfold (RFC 5322).
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert told(FABRIKAM_ADMIN) == {(NoticeKind.KEYS_UNREDEEMED, "Office 365 E3", 60)}
    assert NoticeSent.objects.get().mail_id != outgoing.pk


def test_the_demo_admin_of_fabrikam_reads_french():
    seed_demo(today=DAY)
    assert User.objects.get(email=FABRIKAM_ADMIN).language == "fr"
    assert set(User.objects.exclude(email=FABRIKAM_ADMIN).values_list("language", flat=True)) == {
        ""
    }
