"""The one-click unsubscribe link of every digest (SPEC 10, RFC 8058): signed, no sign-in needed,
never acting on a GET (mail scanners follow links), acting on the button's POST and on a mail
program's one-click POST, which carries no CSRF token; a bad link is a clear 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from benefits.notifications.digests import send_organization_digests
from benefits.notifications.models import NoticeKind, NotificationPreferences
from benefits.notifications.unsubscribe import BAD_LINK, account_by_token, unsubscribe_token
from tests.accounts.factories import OrganizationFactory, UserFactory
from tests.benefits.factories import BenefitFactory, ProductKeyFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def account():
    return UserFactory.create(email="ana@contoso.example", roles=[Role.GLOBAL_ADMIN])


@pytest.fixture
def csrf_client():
    """A client that, like a mail program or a browser without the page's token, sends no CSRF
    token: the view must not need one."""
    return Client(enforce_csrf_checks=True)


def link(account) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(account_id=account.pk)])


def muted(account) -> list[str] | None:
    row = NotificationPreferences.objects.filter(account=account).first()
    return row.muted if row else None


def test_opening_the_link_only_asks_and_changes_nothing(csrf_client, account):
    response = csrf_client.get(link(account))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<form method="post" action="{link(account)}">' in page
    assert '<button type="submit"' in page
    assert "an…@contoso.example" in page  # half: a forwarded digest doesn't give it away
    assert "ana@contoso.example" not in page
    assert csrf_client.head(link(account)).status_code == 200
    assert muted(account) is None
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_button_turns_every_kind_off_without_signing_in(csrf_client, account):
    NotificationPreferences.objects.create(account=account, muted=[NoticeKind.CREDIT_SEATS_FREE])

    response = csrf_client.post(link(account))

    assert response.status_code == 200
    assert muted(account) == list(NoticeKind.values)
    assert reverse("notifications:preferences") in response.content.decode()
    assert "an…@contoso.example" in response.content.decode()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_mail_programs_one_click_post_turns_every_kind_off(csrf_client, account, encoding):
    if encoding == "urlencoded":
        response = csrf_client.post(
            link(account), ONE_CLICK, content_type="application/x-www-form-urlencoded"
        )
    else:
        response = csrf_client.post(link(account), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert muted(account) == list(NoticeKind.values)


def test_another_method_is_refused(csrf_client, account):
    assert csrf_client.put(link(account)).status_code == 405
    assert muted(account) is None


@pytest.mark.parametrize(
    "token",
    [
        "no-such-token",
        "1:forged-signature",
        "x" * 2000,
        "1",
        ":",
        "%00%ff",
        "é:ü",
    ],
)
def test_a_forged_or_damaged_link_is_a_clear_404_for_every_method(csrf_client, account, token):
    address = f"/notifications/unsubscribe/{token}/"
    for method in ("get", "post"):
        response = getattr(csrf_client, method)(address)
        assert response.status_code == 404, method
        assert str(BAD_LINK).replace("'", "&#x27;") in response.content.decode()
    assert muted(account) is None


def test_a_link_signed_for_something_else_or_cut_short_does_not_work(account):
    from django.core import signing

    token = unsubscribe_token(account_id=account.pk)
    assert account_by_token(token) == account
    assert account_by_token(token[:-1]) is None
    assert account_by_token(signing.Signer(salt="another.purpose").sign(str(account.pk))) is None
    assert (
        account_by_token(signing.Signer(salt="benefits.notifications.unsubscribe").sign("x"))
        is None
    )


def test_the_link_of_a_deleted_account_is_a_404(csrf_client, account):
    address = link(account)
    account.delete()
    assert csrf_client.post(address).status_code == 404


def test_the_page_speaks_the_accounts_language(account):
    account.language = "fr"
    account.save(update_fields=["language"])
    page = Client().get(link(account), headers={"accept-language": "en"}).content.decode()
    with translation.override("fr"):
        assert translation.gettext("Turn off these e-mails") in page


def test_the_link_a_digest_carries_stops_the_next_digests(
    csrf_client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://benefits.example.com"
    organization = OrganizationFactory.create()
    account = UserFactory.create(organization=organization)
    benefit = BenefitFactory.create(
        organization=organization, expiration_date=TODAY + timedelta(days=20)
    )
    ProductKeyFactory.create(benefit=benefit)
    with django_capture_on_commit_callbacks(execute=True):
        send_organization_digests(organization_id=organization.pk, today=TODAY)
    [message] = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://benefits.example.com/")
    assert header.endswith(">")

    response = csrf_client.post(
        header[1:-1].removeprefix("https://benefits.example.com"),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert muted(account) == list(NoticeKind.values)
    run = send_organization_digests(
        organization_id=organization.pk, today=TODAY + timedelta(days=13)
    )
    assert run.mail_ids == []  # the 7-day notice is due, but the account turned it off


def test_the_page_costs_one_query(csrf_client, account, django_assert_num_queries):
    address = link(account)
    with django_assert_num_queries(1):
        csrf_client.get(address)


def test_unsubscribing_keeps_the_accounts_language(csrf_client, account):
    account.language = "fr"
    account.save(update_fields=["language"])
    csrf_client.post(link(account))
    account.refresh_from_db()
    assert account.language == "fr"
    assert muted(account) == list(NoticeKind.values)
