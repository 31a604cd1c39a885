"""The invitation journey: the mail arrives over SMTP, its link opens a page to choose a
password (at an address without the link's token), the account is created and signed in; links
that don't work say what to do, and count towards the sign-in lockout of the invited address."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Role, User
from benefits.models import Activity
from benefits.services import team
from benefits.views.team_join import LOCKED, NO_LINK
from common import ratelimit
from tests.accounts.factories import TEST_PASSWORD
from tests.conftest import invitation_with_link, url

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://\S+/team/join/[\w-]+/")
ACCEPT = url("team:join_accept")


def invite_over_smtp(partner_client, smtp_server, email="invitee@partner.example") -> str:
    """Invite through the page; the link as the received mail gives it."""
    response = partner_client.post(
        url("team:invite"), {"email": email, "roles": [Role.USER_ADMIN.value], "language": "en"}
    )
    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = LINK.search(text)
    assert link is not None
    assert link.group(0) in html
    return link.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_an_invitee_joins_from_the_mail_and_lands_home(partner_client, admin_user, smtp_server):
    path = invite_over_smtp(partner_client, smtp_server)
    invitee = Client()
    page = invitee.get(path, follow=True)
    assert page.redirect_chain == [(ACCEPT, 302)]
    assert page.status_code == 200
    assert "invitee@partner.example" in page.content.decode()
    response = invitee.post(ACCEPT, {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == url("home")
    account = User.objects.get(email="invitee@partner.example")
    assert account.organization == admin_user.organization
    assert account.roles == [Role.USER_ADMIN.value]
    assert invitee.get(url("team:members")).status_code == 200
    assert Activity.objects.filter(kind=Activity.Kind.INVITATION_ACCEPTED).count() == 1
    # Single use: the same link now says so.
    again = Client().get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    # The link is in no activity record.
    token = path.rstrip("/").rsplit("/", 1)[-1]
    for before, after in Activity.objects.values_list("before", "after"):
        assert token not in f"{before}{after}"


def test_a_resent_invitation_kills_the_old_link(partner_client, admin_user, smtp_server):
    old = invite_over_smtp(partner_client, smtp_server)
    invitation = Invitation.objects.get()
    partner_client.post(url("team:invitation_resend", invitation.pk))
    smtp_server.wait_for(2)
    assert Client().get(old).status_code == 404


def test_weak_and_mismatched_passwords_are_refused(partner_client, admin_user, smtp_server):
    path = invite_over_smtp(partner_client, smtp_server)
    invitee = Client()
    assert invitee.get(path).status_code == 302
    for first, second, message in (
        ("password", "password", "too common"),
        (TEST_PASSWORD, TEST_PASSWORD + "x", "didn’t match"),
        ("x" * 2000, "x" * 2000, "at most 1024"),
    ):
        response = invitee.post(ACCEPT, {"password1": first, "password2": second})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not User.objects.filter(email="invitee@partner.example").exists()
    # A wrong password typed into the form is not a failed sign-in.
    assert not AccessAttempt.objects.exists()


@pytest.fixture
def invitation(admin_user) -> tuple[Invitation, str]:
    created = invitation_with_link(admin_user, "invitee@partner.example", "the-token")
    return created, url("team:join", "the-token")


def test_an_expired_link_says_to_ask_for_a_new_invitation(invitation):
    created, path = invitation
    opened_before = Client()
    assert opened_before.get(path).status_code == 302
    Invitation.objects.filter(pk=created.pk).update(expires_at=timezone.now() - timedelta(1))
    posted = opened_before.post(ACCEPT, {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    for response in (Client().get(path), posted):
        assert response.status_code == 410
        assert (
            "Ask your organization&#x27;s admin for a new invitation" in response.content.decode()
        )
    assert not User.objects.filter(email=created.email).exists()


def test_a_cancelled_or_tampered_link_says_what_to_do(invitation, admin_user):
    created, path = invitation
    team.invitation_cancel(invitation=created, actor=admin_user)
    assert Client().get(path).status_code == 410
    for bad in ("the-tokeN", "x" * 500, "..%2F"):
        response = Client().get(url("team:join", bad))
        assert response.status_code == 404
        assert "new invitation" in response.content.decode()


def test_bad_links_are_limited_per_client_address(invitation):
    _created, path = invitation
    here = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(ratelimit.LIMIT):
        assert here.get(url("team:join", "guess")).status_code == 404
    refused = here.get(path)
    assert refused.status_code == 429
    assert "Try again in 15 minutes" in refused.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.10").get(path).status_code == 302


def test_a_good_link_is_not_counted_as_a_failure(invitation):
    _created, path = invitation
    here = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(ratelimit.LIMIT + 2):
        assert here.get(path).status_code == 302
        assert here.get(ACCEPT).status_code == 200
    assert not AccessAttempt.objects.exists()


def test_the_accept_page_needs_a_link_opened_first(db):
    response = Client().get(ACCEPT)
    assert response.status_code == 404
    assert str(NO_LINK).replace("'", "&#x27;") in response.content.decode()
    assert Client().post(ACCEPT, {"password1": "x"}).status_code == 404


def test_a_refused_link_of_a_real_invitation_counts_towards_the_lockout(invitation, admin_user):
    created, path = invitation
    team.invitation_cancel(invitation=created, actor=admin_user)
    here = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(9):
        assert here.get(path).status_code == 410
    assert here.get(path).status_code == 429
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == created.email
    assert attempt.path_info == ACCEPT
    # Locked on that address like a sign-in: the right password is refused there too.
    signed_in = here.post(url("login"), {"login": created.email, "password": TEST_PASSWORD})
    assert signed_in.status_code == 429


def lock_out(email: str, address: str) -> None:
    """Ten failed sign-ins of ``email`` from ``address``."""
    for _ in range(10):
        Client(REMOTE_ADDR=address).post(url("login"), {"login": email, "password": "wrong"})


def test_a_locked_address_cannot_accept_but_another_can(invitation):
    created, path = invitation
    lock_out(created.email, "203.0.113.9")
    here = Client(REMOTE_ADDR="203.0.113.9")
    assert here.get(path).status_code == 302
    page = here.get(ACCEPT)
    assert page.status_code == 429
    locked = str(LOCKED % {"email": created.email})
    assert locked.replace("'", "&#x27;") in page.content.decode()
    posted = here.post(ACCEPT, {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    assert posted.status_code == 429
    assert not User.objects.filter(email=created.email).exists()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert elsewhere.get(path).status_code == 302
    joined = elsewhere.post(ACCEPT, {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    assert joined.status_code == 302
    assert User.objects.filter(email=created.email).exists()


def test_after_the_redirect_no_answer_or_log_line_carries_the_token(invitation, caplog):
    _created, path = invitation
    invitee = Client()
    opened = invitee.get(path)
    assert opened.status_code == 302
    assert opened["Location"] == ACCEPT
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    answers = [
        invitee.get(ACCEPT),
        invitee.post(ACCEPT, {"password1": "password", "password2": "password"}),
        invitee.post(ACCEPT, {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD}),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 302]
    for answer in answers:
        assert "the-token" not in f"{answer.content.decode()} {dict(answer.items())}"
    logged = [f"{record.getMessage()} {record.__dict__}" for record in caplog.records]
    assert logged  # the step does log (the request, the session, the activity)
    assert not [line for line in logged if "the-token" in line]
