"""Digest runs at once, and a run that lost the race: each digest is sent once."""

from __future__ import annotations

import threading
from unittest import mock

import pytest

from accounts.models import OutgoingMail, Role
from benefits.notifications import digests
from benefits.notifications.digests import send_organization_digests
from benefits.notifications.models import NoticeSent
from tests.accounts.factories import UserFactory
from tests.benefits.notifications.digests.scene import TODAY
from tests.conftest import run_at_once

pytestmark = pytest.mark.django_db


def test_a_run_that_lost_a_race_rolls_back_and_finds_nothing_left(
    organization, intune, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        send_organization_digests(organization_id=organization.pk, today=TODAY)
    assert len(enqueued) == 1
    # A second run that read the sent-log before the first one committed.
    real, looks = digests._sent_log, []

    def stale_first(*args):
        looks.append(args)
        if len(looks) == 1:
            return digests._SentLog(told=set(), told_today=set(), given_up=[], waiting=set())
        return real(*args)

    with (
        mock.patch.object(digests, "_sent_log", side_effect=stale_first),
        django_capture_on_commit_callbacks(execute=False) as enqueued,
    ):
        run = send_organization_digests(organization_id=organization.pk, today=TODAY)

    assert len(looks) == 2  # refused by the constraint, then looked again
    assert run.mail_ids == []
    assert enqueued == []
    assert OutgoingMail.objects.count() == 1
    assert NoticeSent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_runs_at_once_send_each_digest_once(postgres, organization, intune, admin):
    UserFactory.create(organization=organization, roles=[Role.ADMIN_AGENT])
    # Every run reads the sent-log before any of them writes: the worst interleaving.
    runs, real, looked = 4, digests._sent_log, threading.local()
    everyone_read = threading.Barrier(runs, timeout=20)

    def read_together(*args):
        log = real(*args)
        if not getattr(looked, "once", False):
            looked.once = True
            everyone_read.wait()
        return log

    with (
        mock.patch.object(digests, "_sent_log", side_effect=read_together),
        mock.patch("accounts.mail._enqueue"),
    ):
        outcomes = run_at_once(
            runs,
            lambda _index: send_organization_digests(organization_id=organization.pk, today=TODAY),
        )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert sorted(len(run.mail_ids) for run in outcomes) == [0, 0, 0, 2]
    assert OutgoingMail.objects.count() == 2
    assert NoticeSent.objects.count() == 4
