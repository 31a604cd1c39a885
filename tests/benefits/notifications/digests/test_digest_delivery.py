"""How the daily task delivers an organization's digests: rendered once for colleagues who read
the same thing, each still with its own unsubscribe link; sent over one connection to the mail
server; a refused one handed to the retries; and digests an earlier run left in the outbox
delivered by the next."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest

from accounts import mail
from accounts.mail import deliver_all
from accounts.models import OutgoingMail, Role
from benefits.notifications import digests
from benefits.notifications.digests import send_organization_digests
from benefits.notifications.tasks import send_organization_digests_task
from benefits.notifications.unsubscribe import account_by_token
from tests.accounts.factories import UserFactory
from tests.benefits.notifications.digests.scene import TODAY
from tests.smtp import REFUSED

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/notifications/unsubscribe/([^/\s\"<>]+)/")


@pytest.fixture
def colleagues(organization, admin):
    """Three accounts with a benefits role: two in English, one in French."""
    return [
        admin,
        UserFactory.create(organization=organization, roles=[Role.ADMIN_AGENT]),
        UserFactory.create(organization=organization, roles=[Role.USER_ADMIN], language="fr"),
    ]


def test_each_colleague_gets_its_own_unsubscribe_link_from_one_rendering(
    organization, intune, colleagues
):
    with mock.patch.object(digests, "render_mail", wraps=digests.render_mail) as render:
        run = send_organization_digests(organization_id=organization.pk, today=TODAY)

    assert render.call_count == 2  # once in English, once in French: not once per account
    rows = OutgoingMail.objects.filter(pk__in=run.mail_ids).order_by("pk")
    for row, account in zip(rows, colleagues, strict=True):
        assert row.to == account.email
        [token] = set(LINK.findall(row.text))
        assert set(LINK.findall(row.html)) == {token}
        assert row.headers["List-Unsubscribe"].endswith(f"/notifications/unsubscribe/{token}/>")
        assert account_by_token(token) == account
        assert digests._UNSUBSCRIBE_STAND_IN not in row.text + row.html
    assert "Here is what needs attention" in rows[0].text
    assert "Voici ce qui" in rows[2].text


def test_the_task_delivers_all_of_an_organizations_digests_over_one_connection(
    organization, intune, colleagues, smtp_server
):
    with mock.patch.object(mail, "get_connection", wraps=mail.get_connection) as connect:
        written = send_organization_digests_task(organization.pk, TODAY.isoformat())

    assert written == 3
    assert connect.call_count == 1
    assert sorted(message["To"] for message in smtp_server.wait_for(3)) == sorted(
        account.email for account in colleagues
    )
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


def test_a_refused_digest_goes_to_the_retries_and_stays_due(
    organization, intune, admin, smtp_server
):
    smtp_server.reply = REFUSED
    with mock.patch("accounts.tasks.deliver_mail.apply_async") as retry:
        send_organization_digests_task(organization.pk, TODAY.isoformat())

    [outgoing] = OutgoingMail.objects.all()
    retry.assert_called_once()
    assert retry.call_args.args == ((outgoing.pk,),)
    # The chain goes on as if this had been its first try: next wait 60 s, then 120 s…
    assert retry.call_args.kwargs["retries"] == 1
    assert 60 <= retry.call_args.kwargs["countdown"] <= 66
    assert outgoing.sent_at is None
    assert outgoing.attempts == 1
    assert outgoing.last_error == "SMTPDataError"


def test_digests_an_earlier_run_left_in_the_outbox_are_delivered_by_the_next(
    organization, intune, colleagues, smtp_server
):
    # A worker wrote the digests, then died before delivering them.
    send_organization_digests(organization_id=organization.pk, today=TODAY, enqueue=False)
    assert smtp_server.messages == []

    # The task run again (by the broker, or the next day's job) writes nothing new…
    assert send_organization_digests_task(organization.pk, TODAY.isoformat()) == 0
    assert send_organization_digests_task(organization.pk, (TODAY + timedelta(1)).isoformat()) == 0
    # …and delivers what was waiting, once.
    assert len(smtp_server.wait_for(3)) == 3
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()


def test_a_mail_server_that_cant_be_reached_refuses_every_mail_at_once(
    organization, intune, colleagues, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on discard
    run = send_organization_digests(organization_id=organization.pk, today=TODAY, enqueue=False)

    delivery = deliver_all(mail_ids=run.mail_ids)

    assert delivery.refused == run.mail_ids
    assert delivery.sent == []


def test_a_session_the_server_closed_is_opened_again_for_the_rest(organization, intune, colleagues):
    run = send_organization_digests(organization_id=organization.pk, today=TODAY, enqueue=False)
    first, second, third = run.mail_ids
    real_deliver = mail.deliver
    dropped: list[int] = []

    def drop_once(*, mail_id, server=None):
        if mail_id == second and not dropped:  # the server ends the session (a cap per session)
            dropped.append(mail_id)
            raise mail.MailNotDelivered("SMTPServerDisconnected")
        return real_deliver(mail_id=mail_id, server=server)

    with (
        mock.patch.object(mail, "deliver", side_effect=drop_once),
        mock.patch.object(mail, "get_connection", wraps=mail.get_connection) as connect,
    ):
        delivery = deliver_all(mail_ids=run.mail_ids)

    assert delivery.sent == [first, second, third]
    assert delivery.refused == []
    assert connect.call_count == 1  # the same backend, its session opened again
