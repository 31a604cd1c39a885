"""The invitation journey in a browser: an admin invites, the invitee opens the link from the
mail received over SMTP, chooses a password and lands on the home page, signed in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/team/join/[\w-]+/")
PASSWORD = "a-long-and-fresh-passphrase"


def test_an_invitee_joins_from_the_mail_and_lands_home(page, browser, live_server, smtp_server):
    sign_in(page)
    page.goto(reverse("team:members"))
    page.get_by_role("link", name="Invite a member").click()
    page.locator("#id_email").fill("newcomer@contoso.example")
    page.get_by_label("Billing admin").check()
    page.locator("#main form button[type=submit]").click()
    page.get_by_text("Invitation sent to newcomer@contoso.example").wait_for()

    (mail,) = smtp_server.wait_for(1)
    link = LINK.search(mail.get_body(("plain",)).get_content())
    assert link is not None
    invitee = browser.new_context(base_url=live_server.url).new_page()
    invitee.goto(urlsplit(link.group(0)).path)
    # The form lives at an address without the link's token.
    invitee.wait_for_url(lambda url: urlsplit(url).path == reverse("team:join_accept"))
    invitee.locator("#id_password1").fill(PASSWORD)
    invitee.locator("#id_password2").fill(PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    invitee.wait_for_url(lambda url: urlsplit(url).path == reverse("home"))
    assert "newcomer@contoso.example" in invitee.content()
    invitee.context.close()
