"""/account/notifications/: each kind on or off and the language of e-mails, for every signed-in
account (the kinds for the benefits roles, whom digests go to); the service behind it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from accounts.models import Role
from benefits.notifications.models import NoticeKind, NotificationPreferences
from benefits.notifications.preferences import (
    UNKNOWN_KINDS,
    UNKNOWN_LANGUAGE,
    kinds_checked,
    muted_kinds,
    preferences_set,
)
from benefits.notifications.views import SAVED
from tests.accounts.factories import UserFactory
from tests.conftest import refusal, url

pytestmark = pytest.mark.django_db

PAGE = url("notifications:preferences")
ALL = list(NoticeKind.values)


def checked(page: str) -> list[str]:
    """The kinds whose boxes are checked, in the page's order."""
    return re.findall(r'<input type="checkbox" name="kinds" value="(\w+)"[^>]* checked>', page)


def test_every_kind_is_on_for_an_account_that_chose_nothing(partner_client):
    page = partner_client.get(PAGE).content.decode()
    assert checked(page) == ALL
    assert '<option value="" selected>' in page  # the browser's language


def test_kinds_turned_off_are_kept_and_shown(partner_client, admin_user):
    sent = [NoticeKind.BENEFIT_EXPIRING, NoticeKind.SUBSCRIPTION_ENDING]
    response = partner_client.post(PAGE, {"kinds": sent, "language": "fr"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert muted_kinds(admin_user) == {NoticeKind.KEYS_UNREDEEMED, NoticeKind.CREDIT_SEATS_FREE}
    admin_user.refresh_from_db()
    assert admin_user.language == "fr"
    page = partner_client.get(PAGE).content.decode()
    assert checked(page) == sent
    assert '<option value="fr" selected>' in page
    # Saved, said in the language just chosen (the next page is in it).
    with translation.override("fr"):
        assert str(SAVED) in page


def test_every_kind_can_be_turned_off(partner_client, admin_user):
    assert partner_client.post(PAGE, {"language": ""}).status_code == 302
    assert muted_kinds(admin_user) == set(ALL)


def test_an_unknown_kind_is_refused_with_a_message_and_nothing_changes(partner_client, admin_user):
    response = partner_client.post(PAGE, {"kinds": ["benefit_expiring", "nope"], "language": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert str(UNKNOWN_KINDS % {"kinds": "nope"}) in page
    assert 'aria-invalid="true"' in page
    assert not NotificationPreferences.objects.exists()


def test_an_unknown_language_is_refused_with_a_message(partner_client, admin_user):
    response = partner_client.post(PAGE, {"kinds": ALL, "language": "xx"})
    assert response.status_code == 200
    assert 'id="id_language_error"' in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.language == ""
    assert not NotificationPreferences.objects.exists()


def test_the_browsers_language_forgets_an_earlier_choice(partner_client, admin_user):
    partner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    admin_user.language = "fr"
    admin_user.save()
    response = partner_client.post(PAGE, {"kinds": ALL, "language": ""})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    admin_user.refresh_from_db()
    assert admin_user.language == ""


@pytest.mark.parametrize("roles", [[Role.BILLING_ADMIN.value], []])
def test_an_account_without_a_benefits_role_sets_only_its_language(client, organization, roles):
    account = UserFactory.create(organization=organization, roles=roles)
    client.force_login(account)
    page = client.get(PAGE).content.decode()
    assert 'name="kinds"' not in page
    assert 'data-testid="no-digest"' in page
    response = client.post(PAGE, {"kinds": ["nope"], "language": "fr"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.language == "fr"
    assert not NotificationPreferences.objects.exists()


def test_staff_without_an_organization_may_set_its_language(client):
    staff = UserFactory.create(organization=None, roles=[], is_staff=True)
    client.force_login(staff)
    assert client.get(PAGE).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for response in (client.get(PAGE), client.post(PAGE, {"language": "fr"})):
        assert response.status_code == 302
        assert response["Location"].startswith(url("login"))


def test_a_post_without_its_csrf_token_is_refused(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(PAGE, {"kinds": ALL, "language": "fr"}).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.language == ""


def test_the_page_is_linked_from_the_notifications_or_else_the_top_bar(client, organization):
    """The benefits roles find it on /notifications/ (the top bar leads there); the others,
    who have no such page, in the top bar."""
    admin = UserFactory.create(organization=organization)
    client.force_login(admin)
    assert f'href="{PAGE}"' in client.get(url("notifications:list")).content.decode()
    billing = UserFactory.create(organization=organization, roles=[Role.BILLING_ADMIN.value])
    client.force_login(billing)
    assert f'href="{PAGE}"' in client.get(url("home")).content.decode()


# --- The service -----------------------------------------------------------------------------


def test_kinds_are_kept_once_each_in_their_order():
    kinds = [NoticeKind.CREDIT_SEATS_FREE, NoticeKind.BENEFIT_EXPIRING, "credit_seats_free"]
    assert kinds_checked(kinds) == [NoticeKind.BENEFIT_EXPIRING, NoticeKind.CREDIT_SEATS_FREE]


def test_unknown_kinds_are_named(admin_user):
    message = refusal(lambda: preferences_set(account=admin_user, muted=["b", "a"], language=""))
    assert message == UNKNOWN_KINDS % {"kinds": "a, b"}


def test_a_refusal_changes_neither_kinds_nor_language(admin_user):
    preferences_set(account=admin_user, muted=[NoticeKind.BENEFIT_EXPIRING], language="fr")
    with pytest.raises(ValidationError):
        preferences_set(account=admin_user, muted=["nope"], language="en")
    admin_user.refresh_from_db()
    assert admin_user.language == "fr"
    assert muted_kinds(admin_user) == {NoticeKind.BENEFIT_EXPIRING}
    message = refusal(lambda: preferences_set(account=admin_user, muted=[], language="xx"))
    assert message == UNKNOWN_LANGUAGE % {"language": "xx"}
    assert muted_kinds(admin_user) == {NoticeKind.BENEFIT_EXPIRING}


def test_saving_again_updates_the_one_row(admin_user):
    preferences_set(account=admin_user, muted=ALL, language="")
    preferences_set(account=admin_user, muted=[], language="")
    assert NotificationPreferences.objects.get().muted == []
    assert muted_kinds(admin_user) == set()
