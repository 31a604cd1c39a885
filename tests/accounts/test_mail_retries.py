"""A refused mail is tried again at least 5 times over at least an hour (SPEC 10), then given up
(so a digest's notices become due again); a mail whose task a broker lost is handed to a worker
again by the outbox's safety net."""

from __future__ import annotations

from datetime import timedelta
from itertools import accumulate
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from accounts.mail import deliver, give_up
from accounts.models import OutgoingMail
from accounts.tasks import (
    MAX_RETRIES,
    RESEND_UNTOUCHED_AFTER,
    RETRY_DELAY_MAX,
    deliver_mail,
    retry_delay,
    retry_unsent_mail,
)
from partnerbenefits.celery import app
from tests.smtp import REFUSED

HOUR = 60 * 60
# Redis hands a task that waits for its time longer than this to a second worker.
REDIS_VISIBILITY_TIMEOUT = HOUR


def try_times(draw: float) -> list[float]:
    """When each try happens, in seconds after the first, with every jitter drawn at ``draw``."""
    delays = [retry_delay(retries, draw=draw) for retries in range(MAX_RETRIES)]
    return [0.0, *accumulate(delays)]


@pytest.mark.parametrize("draw", [0.0, 0.5, 1.0])
def test_a_refused_mail_is_tried_at_least_5_times_over_at_least_an_hour(settings, draw):
    settings.MAIL_RETRY_BACKOFF_SECONDS = 60
    times = try_times(draw)
    assert len(times) == MAX_RETRIES + 1 == 10
    # A short outage is caught soon: 5 tries or more within the first hour...
    assert sum(1 for at in times if at <= HOUR) >= 5
    # ...and a long one is waited out: the last try comes more than an hour after the first.
    assert times[-1] >= 3 * HOUR
    assert [round(retry_delay(n, draw=0)) for n in range(7)] == [60, 120, 240, 480, 960, 1920, 3000]


def test_no_wait_reaches_the_brokers_visibility_timeout_or_the_safety_nets_age(settings):
    settings.MAIL_RETRY_BACKOFF_SECONDS = 600  # the largest the setting accepts
    longest = max(retry_delay(n, draw=1.0) for n in range(MAX_RETRIES))
    assert longest == pytest.approx(RETRY_DELAY_MAX * 1.1)
    assert longest < REDIS_VISIBILITY_TIMEOUT
    assert longest < RESEND_UNTOUCHED_AFTER.total_seconds()


def test_the_tests_workers_wait_about_a_second(settings):
    settings.MAIL_RETRY_BACKOFF_SECONDS = 1
    assert [round(retry_delay(n, draw=0)) for n in range(4)] == [1, 2, 4, 8]


@pytest.mark.django_db
def test_after_the_last_retry_the_mail_is_given_up_and_never_tried_again(smtp_server):
    outgoing = OutgoingMail.objects.create(
        template="greeting", to="ana@example.com", from_email="a@example.com", subject="Hi"
    )
    smtp_server.reply = REFUSED
    deliver_mail.push_request(is_eager=False, retries=MAX_RETRIES - 1)
    try:
        with mock.patch.object(deliver_mail, "retry", side_effect=Retry), pytest.raises(Retry):
            deliver_mail.run(outgoing.pk)
    finally:
        deliver_mail.pop_request()
    outgoing.refresh_from_db()
    assert outgoing.given_up_at is None

    deliver_mail.push_request(is_eager=False, retries=MAX_RETRIES)
    try:
        with mock.patch.object(deliver_mail, "retry") as retry:
            deliver_mail.run(outgoing.pk)  # the last try: no retry, no exception
    finally:
        deliver_mail.pop_request()
    retry.assert_not_called()
    outgoing.refresh_from_db()
    assert outgoing.given_up_at is not None
    assert (outgoing.attempts, outgoing.last_error) == (2, "SMTPDataError")

    # A late copy of its task sends nothing, even once the server accepts again.
    smtp_server.reply = "250 OK"
    assert deliver(mail_id=outgoing.pk) is False
    assert smtp_server.messages == []
    assert give_up(mail_id=outgoing.pk) is False


@pytest.mark.django_db
def test_the_safety_net_hands_over_only_unsent_mail_nobody_touched_for_an_hour():
    now = timezone.now()
    old = now - RESEND_UNTOUCHED_AFTER - timedelta(minutes=1)
    recent = now - timedelta(minutes=10)

    def mail(**fields) -> int:
        defaults = {"template": "greeting", "to": "a@example.com", "from_email": "b@example.com"}
        return OutgoingMail.objects.create(**defaults, **fields).pk

    lost_before_any_try = mail(created_at=old)
    lost_between_tries = mail(created_at=old, last_attempt_at=old, attempts=2)
    mail(created_at=recent)  # its task is surely still on its way
    mail(created_at=old, last_attempt_at=recent, attempts=3)  # a retry is waiting
    mail(created_at=old, sent_at=old)
    mail(created_at=old, given_up_at=old)

    with mock.patch.object(deliver_mail, "delay") as delay:
        assert retry_unsent_mail() == 2
    assert [call.args for call in delay.call_args_list] == [
        (lost_before_any_try,),
        (lost_between_tries,),
    ]


def test_the_beat_runs_the_digests_at_six_utc_and_the_safety_net_every_quarter_hour():
    from celery.schedules import crontab

    schedule = app.conf.beat_schedule
    assert schedule["daily-digests"]["task"] == "benefits.notifications.tasks.send_daily_digests"
    assert schedule["daily-digests"]["schedule"] == crontab(hour=6, minute=0)
    assert schedule["retry-unsent-mail"]["task"] == "accounts.tasks.retry_unsent_mail"
    assert schedule["retry-unsent-mail"]["schedule"] == crontab(minute="*/15")
    assert str(app.timezone) == "UTC"
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks

    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
