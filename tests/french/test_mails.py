"""Every mail the portal sends, as a French account receives it (subject, text and HTML),
with no English left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import DirectoryUser, Organization, User
from benefits.models import Subscription
from benefits.notifications.models import NoticeKind
from tests.french.detector import english_left, english_sentences, typed_in_data, visible_text_of

pytestmark = pytest.mark.django_db

MAIL_TEMPLATES = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(__file__).resolve().parents[2] / "templates" / "mail").glob("*_subject.txt")
)


def digest_of_every_kind(organization: Organization, today):
    """Today's digest of the demo organization, with a notice of each kind due: its monthly
    credit (no holder) ends in 5 days, its Power BI subscription in 10."""
    from datetime import timedelta

    from benefits.notifications.digests import send_organization_digests

    organization.benefits.filter(product__name__startswith="Azure monthly").update(
        expiration_date=today + timedelta(days=5)
    )
    Subscription.objects.filter(
        tenant__organization=organization, product__name="Power BI Pro"
    ).update(end_date=today + timedelta(days=10))
    return send_organization_digests(organization_id=organization.pk, today=today)


def webhook_failing_for_days(organization) -> None:
    """An endpoint of ``organization`` failing for 4 days, disabled: its team admins are told."""
    from datetime import timedelta

    from django.utils import timezone

    from benefits.webhooks.delivery import endpoints_failing_disable
    from benefits.webhooks.models import WebhookEndpoint

    now = timezone.now()
    WebhookEndpoint.objects.create(
        organization=organization,
        url="https://hooks.contoso.example/in",
        kinds=["credit_assigned"],
        secret="whsec_" + "A" * 44,
        failing_since=now - timedelta(days=4),
    )
    assert endpoints_failing_disable(now=now)


def test_every_mail_is_in_french_with_no_english_left(
    demo_data, mailoutbox, django_capture_on_commit_callbacks
):
    """Each mail the portal sends, as a French account receives it: subject, text and HTML."""
    from django.utils import timezone

    from benefits.demo.data import STAFF_EMAIL
    from benefits.services.credits import credit_assign, credit_remove, credit_transfer
    from benefits.services.team import invitation_create

    admin = User.objects.get(email="admin@contoso.example")
    organization = admin.organization
    assert organization is not None
    User.objects.filter(pk=admin.pk).update(language="fr")
    admin.refresh_from_db()  # a person's credit mails speak the language of the admin acting
    monthly, bulk = (
        organization.benefits.get(product__name__startswith=name)
        for name in ("Azure monthly", "Azure bulk")
    )
    adele, alex = (
        DirectoryUser.objects.get(display_name=n) for n in ("Adele Vance", "Alex Wilber")
    )
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": admin.email})
        invitation_create(
            organization=organization,
            email="nouvelle@contoso.example",
            roles=["mpn_partner_admin"],
            language="fr",
            actor=admin,
        )
        invitation_create(  # an address with an account elsewhere: a mail with no link
            organization=organization, email=STAFF_EMAIL, roles=[], language="fr", actor=admin
        )
        credit_assign(benefit=monthly, directory_user=adele, actor=admin, today=today)
        credit_remove(benefit=monthly, directory_user=adele, actor=admin, today=today)
        credit_assign(benefit=bulk, directory_user=alex, actor=admin, today=today)
        credit_transfer(benefit=bulk, holder=alex, to=adele, actor=admin, today=today)
        digest = digest_of_every_kind(organization, today)
    sent = {"password_reset_key": mailoutbox[0], "team_invitation": mailoutbox[1]}
    sent["team_invitation_taken"] = mailoutbox[2]
    sent["credit_assigned"], sent["credit_removed"] = mailoutbox[3], mailoutbox[4]
    sent["credit_transferred"] = mailoutbox[6]
    [sent["digest"]] = [m for m in mailoutbox[8:] if m.to == [admin.email]]  # after the credits
    before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_failing_for_days(organization)
    [sent["webhook_disabled"]] = [m for m in mailoutbox[before:] if m.to == [admin.email]]
    assert sorted(sent) == MAIL_TEMPLATES, "a mail the portal sends is missing from this walk"
    assert set(digest.counts) == set(NoticeKind.values)  # each kind in French
    # A template's other wording: the previous holder of a transferred credit.
    variants = {"credit_removed (transferred)": mailoutbox[7]}
    assert variants["credit_removed (transferred)"].to == [alex.user_principal_name]
    sentences, data = english_sentences(), [*typed_in_data(), "contoso.example"]
    problems = {}
    for name, message in [*sent.items(), *variants.items()]:
        [(html_part, _type)] = message.alternatives
        for part, text in (
            ("subject", message.subject),
            ("text", message.body),
            ("html", visible_text_of(str(html_part))),
        ):
            # Links are addresses, not language.
            found = english_left(re.sub(r"https?://\S+", " ", text), sentences, data)
            if found:
                problems[f"{name} {part}"] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
