"""python manage.py housekeeping: expired sessions (with the wizard states they hold) and old
sign-in records go; everything current stays; it says what it removed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from common.sessions import SessionStore

pytestmark = pytest.mark.django_db


def session(expires_in: timedelta, **data: object) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    assert store.session_key is not None
    return store.session_key


def record(model, days_ago: float, **fields: object):
    fields = {"user_agent": "test", "ip_address": "203.0.113.9", "username": "a@x.test", **fields}
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - timedelta(days=days_ago))
    return row


def housekeeping(*args: str) -> str:
    out = StringIO()
    call_command("housekeeping", *args, stdout=out)
    return out.getvalue()


def test_expired_sessions_and_old_sign_in_records_are_removed():
    expired = session(-timedelta(minutes=1), redeem_wizard={"step": "key"})
    current = session(timedelta(days=1), redeem_wizard={"step": "key"})
    attempt = {"get_data": "", "post_data": "", "failures_since_start": 3}
    old_attempt = record(AccessAttempt, days_ago=1, **attempt)  # cool-off: 15 minutes
    new_attempt = record(AccessAttempt, days_ago=0, username="b@x.test", **attempt)
    old_log, new_log = record(AccessLog, days_ago=31), record(AccessLog, days_ago=29)
    old_failure = record(AccessFailureLog, days_ago=31)

    output = housekeeping()

    assert "Expired sessions removed: 1" in output
    assert "Sign-in attempts past the cool-off removed: 1" in output
    assert "Sign-in logs older than 30 days removed: 1" in output
    assert "Sign-in failure logs older than 30 days removed: 1" in output
    assert "Wizard states: nothing to remove" in output
    assert list(Session.objects.values_list("pk", flat=True)) == [current]
    assert not Session.objects.filter(pk=expired).exists()  # and its wizard state with it
    assert list(AccessAttempt.objects.all()) == [new_attempt]
    assert list(AccessLog.objects.all()) == [new_log]
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert not AccessAttempt.objects.filter(pk=old_attempt.pk).exists()
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()


def test_log_days_keeps_logs_longer():
    record(AccessLog, days_ago=31)
    assert "Sign-in logs older than 60 days removed: 0" in housekeeping("--log-days", "60")
    assert AccessLog.objects.count() == 1


def test_running_twice_removes_nothing_the_second_time():
    session(-timedelta(minutes=1))
    housekeeping()
    assert "Expired sessions removed: 0" in housekeeping()
