"""Notifications in the browser: the top bar's count arrives after the page and is kept, reads
aloud as a number unread, drops once the list is seen; preferences saved without JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.models import User
from benefits.notifications.models import NoticeKind
from benefits.notifications.preferences import muted_kinds
from tests.e2e.conftest import page_without_javascript, serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_count_reads_aloud_and_drops_once_the_list_is_seen(page):
    sign_in(page)
    link = page.get_by_test_id("notifications-link")
    link.get_by_test_id("unread-count").wait_for()  # asked for once the page has loaded
    assert link.get_by_test_id("unread-count").inner_text() == "2"
    # The number is hidden from screen readers, which hear the words instead.
    page.get_by_role("link", name="Notifications (2 unread)").wait_for()
    link.click()
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("notifications:list"))
    assert page.get_by_test_id("new").count() == 2
    assert page.get_by_test_id("unread-count").count() == 0
    assert serious_violations(page) == []
    page.goto(reverse("home"))
    # Kept at 0 for this account: no number, and nothing asked for.
    assert page.get_by_test_id("unread-count").count() == 0
    assert page.locator("[hx-get]").count() == 0
    page.goto(reverse("notifications:list"))
    assert page.get_by_test_id("new").count() == 0


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_the_count_in_french(page, locale):
    sign_in(page)
    page.get_by_test_id("unread-count").wait_for()
    page.get_by_role("link", name="Notifications (2 non lues)").wait_for()


def test_preferences_are_saved_without_javascript(browser, live_server, demo):
    page = page_without_javascript(browser, live_server)
    try:
        page.goto(reverse("notifications:preferences"))
        page.get_by_label("Keys left unredeemed").uncheck()
        page.get_by_label("Language of your e-mails").select_option("fr")
        page.get_by_role("button", name="Save preferences").click()
        page.wait_for_url(lambda url: urlsplit(url).path == reverse("notifications:preferences"))
        assert page.get_by_role("status").inner_text() == (
            "Vos préférences de notification sont enregistrées."
        )
        assert page.locator("html").get_attribute("lang") == "fr"
        assert not page.get_by_label("Clés non échangées").is_checked()
    finally:
        page.context.close()
    admin = User.objects.get(email="admin@contoso.example")
    assert muted_kinds(admin) == {NoticeKind.KEYS_UNREDEEMED}
    assert admin.language == "fr"
