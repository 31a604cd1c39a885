"""Staff read the outbox in the admin — never a mail's text — and can hand unsent mails, given
up or not, to a worker again."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingMail
from accounts.tasks import deliver_mail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_outgoingmail_changelist")
SECRET_LINK = "https://benefits.example.com/team/join/secret-token/"


def outgoing(**fields) -> OutgoingMail:
    defaults = {
        "template": "team_invitation",
        "to": "ana@example.com",
        "from_email": "Partner Benefits <no-reply@example.com>",
        "subject": "Join Contoso",
        "text": f"Open {SECRET_LINK}",
        "html": f'<a href="{SECRET_LINK}">Join</a>',
    }
    return OutgoingMail.objects.create(**{**defaults, **fields})


def test_the_outbox_lists_its_mails_without_their_text(superuser_client):
    mail = outgoing(attempts=10, last_error="SMTPDataError", given_up_at=timezone.now())

    listing = superuser_client.get(CHANGELIST)
    page = superuser_client.get(reverse("admin:accounts_outgoingmail_change", args=[mail.pk]))

    assert listing.status_code == page.status_code == 200
    for response in (listing, page):
        content = response.content.decode()
        assert "ana@example.com" in content
        assert "SMTPDataError" in content
        assert "secret-token" not in content
    assert superuser_client.get(CHANGELIST, {"q": "ana@"}).status_code == 200
    assert superuser_client.get(CHANGELIST, {"given_up_at__isnull": "False"}).status_code == 200


def test_staff_cannot_add_change_or_delete_a_mail(superuser_client):
    mail = outgoing()
    assert superuser_client.get(reverse("admin:accounts_outgoingmail_add")).status_code == 403
    delete = reverse("admin:accounts_outgoingmail_delete", args=[mail.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:accounts_outgoingmail_change", args=[mail.pk])
    superuser_client.post(change, {"to": "eve@example.com"})
    mail.refresh_from_db()
    assert mail.to == "ana@example.com"


def test_deliver_again_hands_unsent_mails_to_a_worker_and_clears_given_up(
    superuser_client, django_capture_on_commit_callbacks
):
    given_up = outgoing(given_up_at=timezone.now(), attempts=10)
    waiting = outgoing()
    sent = outgoing(sent_at=timezone.now())

    with (
        mock.patch.object(deliver_mail, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = superuser_client.post(
            CHANGELIST,
            {
                "action": "deliver_again",
                "_selected_action": [given_up.pk, waiting.pk, sent.pk],
            },
            follow=True,
        )

    assert response.status_code == 200
    assert "2 unsent mails handed to a worker again." in response.content.decode()
    assert sorted(call.args[0] for call in delay.call_args_list) == [given_up.pk, waiting.pk]
    given_up.refresh_from_db()
    assert given_up.given_up_at is None


def test_staff_who_may_only_view_the_outbox_cannot_deliver_again(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory.create(organization=None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    client.force_login(viewer)
    waiting = outgoing()

    assert 'value="deliver_again"' not in client.get(CHANGELIST).content.decode()
    with mock.patch.object(deliver_mail, "delay") as delay:
        client.post(CHANGELIST, {"action": "deliver_again", "_selected_action": [waiting.pk]})
    delay.assert_not_called()
