"""The daily digest (SPEC 10): one mail per account with a benefits role, grouping what is due,
each notice once per threshold, never a kind the account turned off, at most one a day, and a
notice whose mail was given up told again (runs at once: test_digest_races.py; the cost:
test_digest_queries.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.mail import deliver_all, give_up
from accounts.models import OutgoingMail, Role
from benefits.models import Benefit, Product
from benefits.notifications.digests import send_organization_digests
from benefits.notifications.models import NoticeKind, NoticeSent, NotificationPreferences
from benefits.notifications.unsubscribe import unsubscribe_token
from tests.accounts.factories import UserFactory
from tests.benefits.factories import (
    BenefitFactory,
    ProductFactory,
    SubscriptionFactory,
)
from tests.benefits.notifications.digests.scene import BASE, EXPIRING, TODAY, UNREDEEMED, told

pytestmark = pytest.mark.django_db


def test_each_benefits_account_gets_one_digest_and_nobody_else(
    organization, intune, admin, deliver, mailoutbox
):
    mpn = UserFactory.create(organization=organization, roles=[Role.MPN_PARTNER_ADMIN])
    UserFactory.create(organization=organization, roles=[Role.BILLING_ADMIN])  # no access
    UserFactory.create(organization=organization, is_active=False)
    UserFactory.create(roles=[Role.GLOBAL_ADMIN])  # another organization's admin

    run = deliver(organization)

    assert sorted(message.to[0] for message in mailoutbox) == sorted([admin.email, mpn.email])
    assert run.counts == {EXPIRING: 1, UNREDEEMED: 1}
    assert len(run.mail_ids) == 2
    expected = {(EXPIRING, intune.pk, 30), (UNREDEEMED, intune.pk, 60)}
    assert told(admin) == told(mpn) == expected
    row = NoticeSent.objects.filter(account=admin).first()
    assert row is not None
    assert row.digest_date == TODAY
    assert row.mail is not None
    assert row.mail.to == admin.email
    assert row.mail.sent_at is not None


def test_running_again_sends_nothing_until_the_next_threshold(
    organization, intune, admin, deliver, mailoutbox
):
    deliver(organization)
    for day in (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=12)):
        run = deliver(organization, day)
        assert (run.mail_ids, dict(run.counts)) == ([], {})
    assert len(mailoutbox) == 1

    run = deliver(organization, TODAY + timedelta(days=13))  # 7 days left: told again
    assert run.counts == {EXPIRING: 1}
    assert len(mailoutbox) == 2
    assert (EXPIRING, intune.pk, 7) in told(admin)


def test_a_notice_whose_date_moved_is_told_again(organization, intune, admin, deliver, mailoutbox):
    deliver(organization)
    # The subscription behind a notice extended by a key, a benefit renewed: a new date.
    Benefit.objects.filter(pk=intune.pk).update(expiration_date=TODAY + timedelta(days=40))

    run = deliver(organization, TODAY + timedelta(days=1))

    assert run.counts == {UNREDEEMED: 1}  # 39 days left: no longer expiring within 30
    assert len(mailoutbox) == 2
    assert "the benefit expires on" in mailoutbox[1].body.lower()


def test_kinds_an_account_turned_off_are_left_out(organization, intune, admin, deliver, mailoutbox):
    NotificationPreferences.objects.create(account=admin, muted=[EXPIRING])
    quiet = UserFactory.create(organization=organization)
    NotificationPreferences.objects.create(account=quiet, muted=list(NoticeKind.values))

    deliver(organization)

    [message] = mailoutbox
    assert message.to == [admin.email]
    assert told(admin) == {(UNREDEEMED, intune.pk, 60)}
    assert told(quiet) == set()
    assert str(EXPIRING.label) not in message.body
    # Turned on again later, the kind is told then.
    NotificationPreferences.objects.filter(account=admin).update(muted=[])
    run = deliver(organization, TODAY + timedelta(days=1))
    assert run.counts == {EXPIRING: 1}


def test_at_most_one_digest_a_day_the_rest_comes_tomorrow(
    organization, intune, admin, deliver, mailoutbox
):
    deliver(organization)
    later = BenefitFactory.create(
        organization=organization, expiration_date=TODAY + timedelta(days=25)
    )

    assert deliver(organization).mail_ids == []  # the same day: nothing more
    run = deliver(organization, TODAY + timedelta(days=1))

    assert run.counts == {EXPIRING: 1}
    assert len(mailoutbox) == 2
    assert (EXPIRING, later.pk, 30) in told(admin)


def test_a_notice_whose_mail_was_given_up_is_told_again(
    organization, intune, admin, deliver, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # never delivered
        first = send_organization_digests(organization_id=organization.pk, today=TODAY)
    [mail_id] = first.mail_ids
    assert deliver(organization).mail_ids == []  # waiting in the outbox still counts
    assert give_up(mail_id=mail_id)

    run = deliver(organization)  # the same day: the given-up digest was never received

    assert run.counts == {EXPIRING: 1, UNREDEEMED: 1}
    [message] = mailoutbox
    assert message.to == [admin.email]
    assert set(NoticeSent.objects.values_list("mail_id", flat=True)) == set(run.mail_ids)
    assert OutgoingMail.objects.get(pk=mail_id).sent_at is None


def test_the_digest_says_what_each_notice_is_about_with_links_back(
    organization, intune, admin, deliver, mailoutbox
):
    tenant = organization.tenants.get()
    SubscriptionFactory.create(
        tenant=tenant, product=intune.product, end_date=TODAY + timedelta(days=14)
    )
    credit = BenefitFactory.create(
        organization=organization,
        monthly_credit=True,
        product=ProductFactory.create(name="Azure monthly credit", kind=Product.Kind.USAGE),
        quantity=3,
        expiration_date=TODAY + timedelta(days=50),
    )

    deliver(organization)

    [message] = mailoutbox
    assert message.subject == "Contoso Partners: 4 benefit items need your attention"
    text = message.body
    for label in NoticeKind.labels:
        assert str(label).upper() in text
    assert "Microsoft Intune (Gold competency) expires on Dec. 20, 2026, in 20 days." in text
    assert "1 product key is still available." in text
    assert (
        "Microsoft Intune (Gold competency): 1 product key not redeemed yet (10 licenses)" in text
    )
    assert "Microsoft Intune in contoso.onmicrosoft.com ends on Dec. 14, 2026, in 14 days." in text
    assert "1 available key for this product can extend it." in text
    assert "Azure monthly credit: 3 seats are free." in text
    detail = BASE + reverse("benefits:benefit_detail", args=[intune.pk])
    assert f"Details: {detail}" in text
    assert f"Redeem the keys: {detail}" in text
    assert f"Your products: {BASE}{reverse('products')}" in text
    assert f"Assign the credit: {BASE}{reverse('benefits:credit_picker', args=[credit.pk])}" in text
    preferences = BASE + reverse("notifications:preferences")
    unsubscribe = BASE + reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(account_id=admin.pk)]
    )
    assert preferences in text
    assert unsubscribe in text
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    [(html, _type)] = message.alternatives
    assert '<time datetime="2026-12-20">Dec. 20, 2026</time>' in html
    assert f'href="{detail}"' in html
    assert f'href="{unsubscribe}"' in html
    assert f'href="{preferences}"' in html


def test_the_digest_is_in_the_accounts_language(organization, intune, admin, deliver, mailoutbox):
    admin.language = "fr"
    admin.save(update_fields=["language"])

    deliver(organization)

    [message] = mailoutbox
    with translation.override("fr"):
        labels = [str(EXPIRING.label).upper(), str(UNREDEEMED.label).upper(), "Compétence Gold"]
    for french in [*labels, "20 décembre 2026", "Contoso Partners : 2 éléments"]:
        assert french in f"{message.subject}\n{message.body}", french
    [(html, _type)] = message.alternatives
    assert '<html lang="fr">' in html
    assert '<time datetime="2026-12-20">20 décembre 2026</time>' in html


def test_the_headers_are_kept_in_the_outbox_until_delivery(
    organization, intune, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = send_organization_digests(organization_id=organization.pk, today=TODAY)
    outgoing = OutgoingMail.objects.get(pk=run.mail_ids[0])
    assert set(outgoing.headers) == {"List-Unsubscribe", "List-Unsubscribe-Post"}
    assert outgoing.message().extra_headers == outgoing.headers

    deliver_all(mail_ids=run.mail_ids)

    outgoing.refresh_from_db()
    assert outgoing.sent_at is not None
    # Sent: neither the text nor the unsubscribe link in its headers is kept.
    assert (outgoing.text, outgoing.html, outgoing.headers) == ("", "", {})


def test_a_french_digest_writes_the_first_of_a_month_1er(
    organization, intune, admin, deliver, mailoutbox
):
    admin.language = "fr"
    admin.save(update_fields=["language"])
    intune.expiration_date = date(2026, 12, 1)
    intune.save(update_fields=["expiration_date"])

    deliver(organization)

    [message] = mailoutbox
    assert "1er décembre 2026" in message.body
    [(html, _type)] = message.alternatives
    assert '<time datetime="2026-12-01">1er décembre 2026</time>' in html


@pytest.mark.parametrize(
    ("language", "one", "several"),
    [
        ("en", "BENEFIT EXPIRING", "BENEFITS EXPIRING"),
        ("fr", "AVANTAGE QUI EXPIRE", "AVANTAGES QUI EXPIRENT"),
    ],
)
def test_a_heading_over_several_items_is_plural(
    organization, intune, admin, deliver, mailoutbox, language, one, several
):
    admin.language = language
    admin.save(update_fields=["language"])
    BenefitFactory.create(organization=organization, expiration_date=TODAY + timedelta(days=10))

    deliver(organization)

    [message] = mailoutbox
    assert several in message.body.splitlines()
    assert one not in message.body.splitlines()


def test_the_digest_says_why_it_comes(organization, intune, admin, deliver, mailoutbox):
    deliver(organization)

    [message] = mailoutbox
    why = "because your account has a benefits role in Contoso Partners and these notifications"
    assert why in message.body
    assert why in message.alternatives[0][0]
    assert "you have an account" not in message.body + message.alternatives[0][0]
