"""The person whose Azure credit changes is told at once, at their own address (SPEC 10): what
the credit is and, when they now hold it, how to activate it. The mail is written to the outbox
in the transaction of the change, so a refused change sends nothing and nothing leaves before
the commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from accounts.models import OutgoingMail
from benefits.services import credit_mails, credits
from benefits.services.credit_mails import ASSIGNED, AZURE_PORTAL, REMOVED, TRANSFERRED
from benefits.templatetags.benefit_tags import credit
from tests.conftest import directory_user

pytestmark = pytest.mark.django_db

ADELE = "adelev@contoso.onmicrosoft.com"
ALEX = "alexw@contoso.onmicrosoft.com"
# What the activation steps and the "taken away" mails say, in each language.
STEPS = {"en": "Activation walkthrough", "fr": "Procédure pas à pas d’activation"}
SOMEONE_ELSE = {"en": "to someone else", "fr": "à une autre personne"}
NO_LONGER = {"en": "You no longer hold this credit.", "fr": "Vous ne détenez plus ce crédit."}


def assign(benefit, name, actor):
    return credits.credit_assign(
        benefit=benefit,
        directory_user=directory_user(name),
        actor=actor,
        today=timezone.localdate(),
    )


def remove(benefit, name, actor):
    credits.credit_remove(
        benefit=benefit,
        directory_user=directory_user(name),
        actor=actor,
        today=timezone.localdate(),
    )


def transfer(benefit, holder, to, actor):
    return credits.credit_transfer(
        benefit=benefit,
        holder=directory_user(holder),
        to=directory_user(to),
        actor=actor,
        today=timezone.localdate(),
    )


def credit_details(benefit, language: str) -> list[str]:
    """How the mail names the credit in ``language``: product, amount and period, offer,
    organization, expiration date."""
    with translation.override(language):
        return [
            benefit.product.name,
            credit(benefit),
            str(benefit.get_offer_display()),
            benefit.organization.name,
            formats.date_format(benefit.expiration_date),
        ]


def assert_names_the_credit(mail: OutgoingMail, benefit, language: str = "en") -> None:
    for detail in credit_details(benefit, language):
        assert detail in mail.text, detail
        assert detail in mail.html.replace("&#x27;", "'"), detail


# --- What is sent, to whom ---------------------------------------------------------------------


def test_assigning_credit_mails_the_person_with_the_activation_steps(monthly_credit, contoso_admin):
    assign(monthly_credit, "Adele Vance", contoso_admin)

    mail = OutgoingMail.objects.get()
    assert (mail.template, mail.to) == (ASSIGNED, ADELE)
    assert mail.subject == "Contoso Partners assigned Azure credit to you"
    assert_names_the_credit(mail, monthly_credit)
    assert STEPS["en"] in mail.text
    assert f"{ADELE}: {AZURE_PORTAL}" in mail.text
    assert f'href="{AZURE_PORTAL}"' in mail.html
    # The person has no portal account: the footer says why they get this mail instead.
    assert "you have an account" not in mail.text + mail.html
    assert "an administrator of Contoso Partners changed the Azure credit" in mail.text
    # Nor a link to a portal they can't sign in to: its name only.
    assert ">Partner Benefits</a>" not in mail.html
    assert ">Partner Benefits</span>" in mail.html


def test_a_transfer_mails_the_new_holder_the_steps_and_tells_the_previous_one(
    bulk_credit, contoso_admin
):
    assign(bulk_credit, "Alex Wilber", contoso_admin)
    OutgoingMail.objects.all().delete()

    transfer(bulk_credit, "Alex Wilber", "Adele Vance", contoso_admin)

    mails = {mail.to: mail for mail in OutgoingMail.objects.all()}
    assert sorted(mails) == [ADELE, ALEX]
    new, previous = mails[ADELE], mails[ALEX]
    assert new.template == TRANSFERRED
    assert new.subject == "Contoso Partners transferred Azure credit to you"
    assert_names_the_credit(new, bulk_credit)
    assert STEPS["en"] in new.text
    assert AZURE_PORTAL in new.text
    assert previous.template == REMOVED
    assert previous.subject == "Contoso Partners transferred your Azure credit to someone else"
    assert_names_the_credit(previous, bulk_credit)
    assert NO_LONGER["en"] in previous.text
    assert STEPS["en"] not in previous.text
    # Who holds it now is the organization's business, not the previous holder's.
    assert "Adele" not in previous.subject + previous.text + previous.html


def test_removing_credit_mails_the_person_without_activation_steps(monthly_credit, contoso_admin):
    assign(monthly_credit, "Adele Vance", contoso_admin)
    OutgoingMail.objects.all().delete()

    remove(monthly_credit, "Adele Vance", contoso_admin)

    mail = OutgoingMail.objects.get()
    assert (mail.template, mail.to) == (REMOVED, ADELE)
    assert mail.subject == "Contoso Partners removed your Azure credit"
    assert_names_the_credit(mail, monthly_credit)
    assert NO_LONGER["en"] in mail.text
    assert SOMEONE_ELSE["en"] not in mail.text
    assert STEPS["en"] not in mail.text
    assert AZURE_PORTAL not in mail.text


# --- Nothing for a refused change, nothing before the commit ------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m, b, a: assign(m, "Diego Siciliani", a), id="disabled person"),
        pytest.param(lambda m, b, a: assign(m, "Lee Gu", a), id="seats full"),
        pytest.param(lambda m, b, a: assign(b, "Megan Bowen", a), id="other offer"),
        pytest.param(lambda m, b, a: remove(m, "Lee Gu", a), id="removing a non-holder"),
        pytest.param(
            lambda m, b, a: transfer(b, "Alex Wilber", "Diego Siciliani", a),
            id="transfer to a disabled person",
        ),
    ],
)
def test_a_refused_change_sends_nothing(change, monthly_credit, bulk_credit, contoso_admin):
    assign(monthly_credit, "Adele Vance", contoso_admin)
    assign(monthly_credit, "Megan Bowen", contoso_admin)  # monthly credit is now full
    assign(bulk_credit, "Alex Wilber", contoso_admin)
    before = OutgoingMail.objects.count()

    with pytest.raises(ValidationError):
        change(monthly_credit, bulk_credit, contoso_admin)

    assert OutgoingMail.objects.count() == before


def test_a_change_rolled_back_later_sends_nothing(
    monthly_credit, contoso_admin, mailoutbox, django_capture_on_commit_callbacks
):
    class Abandoned(Exception):
        pass

    def assign_then_fail() -> None:
        with transaction.atomic():  # a caller whose own transaction fails after the service
            assign(monthly_credit, "Adele Vance", contoso_admin)
            raise Abandoned

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandoned):
        assign_then_fail()

    assert not OutgoingMail.objects.exists()
    assert mailoutbox == []


def test_the_mail_leaves_only_once_the_change_commits(
    monthly_credit, contoso_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assign(monthly_credit, "Adele Vance", contoso_admin)
        # Written with the change, not sent: the commit has not happened yet.
        assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 1
        assert mailoutbox == []

    for callback in callbacks:  # the commit
        callback()
    [message] = mailoutbox
    assert message.to == [ADELE]
    assert OutgoingMail.objects.get().sent_at is not None


# --- Language ----------------------------------------------------------------------------------


def test_the_mail_speaks_the_language_of_the_admin_who_made_the_change(
    monthly_credit, bulk_credit, contoso_admin
):
    contoso_admin.language = "fr"
    contoso_admin.save(update_fields=["language"])
    with translation.override("en"):  # the admin's choice wins over the request's language
        assign(monthly_credit, "Adele Vance", contoso_admin)
        remove(monthly_credit, "Adele Vance", contoso_admin)
        assign(bulk_credit, "Alex Wilber", contoso_admin)
        transfer(bulk_credit, "Alex Wilber", "Adele Vance", contoso_admin)

    assigned, removed, _alex, transferred, told = OutgoingMail.objects.order_by("pk")
    assert assigned.subject == "Contoso Partners vous a affecté un crédit Azure"
    assert_names_the_credit(assigned, monthly_credit, "fr")
    assert STEPS["fr"] in assigned.text
    assert '<html lang="fr">' in assigned.html
    assert removed.subject == "Contoso Partners a supprimé votre crédit Azure"
    assert NO_LONGER["fr"] in removed.text
    assert transferred.subject == "Contoso Partners vous a transféré un crédit Azure"
    assert STEPS["fr"] in transferred.text
    assert_names_the_credit(transferred, bulk_credit, "fr")
    assert told.subject == "Contoso Partners a transféré votre crédit Azure à une autre personne"
    assert SOMEONE_ELSE["fr"] in told.text


@pytest.mark.parametrize(("active", "expected"), [("fr", "fr"), (None, "en")])
def test_an_admin_without_a_language_gives_the_request_language_else_the_default(
    active, expected, monthly_credit, contoso_admin
):
    contoso_admin.language = ""
    with translation.override(active):  # None: no language active (a job, a shell)
        assign(monthly_credit, "Adele Vance", contoso_admin)

    assert STEPS[expected] in OutgoingMail.objects.get().text


# --- Cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "first", "second", "mails"),
    [
        pytest.param(
            [],
            lambda m, b, a: assign(m, "Adele Vance", a),
            lambda m, b, a: assign(m, "Alex Wilber", a),
            1,
            id="assign",
        ),
        pytest.param(
            [("monthly", "Adele Vance"), ("monthly", "Alex Wilber")],
            lambda m, b, a: remove(m, "Adele Vance", a),
            lambda m, b, a: remove(m, "Alex Wilber", a),
            1,
            id="remove",
        ),
        pytest.param(
            [("bulk", "Lee Gu")],
            lambda m, b, a: transfer(b, "Lee Gu", "Lab Runner", a),
            lambda m, b, a: transfer(b, "Lab Runner", "Lee Gu", a),
            2,
            id="transfer",
        ),
    ],
)
def test_each_mail_costs_the_service_one_query(
    held, first, second, mails, monthly_credit, bulk_credit, contoso_admin, monkeypatch
):
    """The mail's context comes from rows the service already locked (the benefit with its
    product and organization, the people with their tenant): the outbox row is the only query
    a mail adds, whatever the credit or the person."""
    for which, name in held:
        assign(monthly_credit if which == "monthly" else bulk_credit, name, contoso_admin)

    with monkeypatch.context() as unmailed:
        unmailed.setattr(credit_mails, "credit_mail", lambda **kwargs: None)
        with CaptureQueriesContext(connection) as without_mail:
            first(monthly_credit, bulk_credit, contoso_admin)
    sent = OutgoingMail.objects.count()
    with CaptureQueriesContext(connection) as with_mail:
        second(monthly_credit, bulk_credit, contoso_admin)

    assert OutgoingMail.objects.count() == sent + mails
    assert len(with_mail) == len(without_mail) + mails
    inserts = [q["sql"] for q in with_mail if q["sql"].startswith("INSERT")]
    assert sum(OutgoingMail._meta.db_table in sql for sql in inserts) == mails


# --- End to end ----------------------------------------------------------------------------------


def test_the_mail_arrives_at_the_persons_address_through_a_real_mail_server(
    smtp_server, monthly_credit, contoso_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(monthly_credit, "Adele Vance", contoso_admin)

    [message] = smtp_server.messages
    assert smtp_server.recipients == [[ADELE]]
    assert message["To"] == ADELE
    assert message["Subject"] == "Contoso Partners assigned Azure credit to you"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for detail in credit_details(monthly_credit, "en"):
        assert detail in text
    assert STEPS["en"] in text
    assert STEPS["en"] in html
    assert f'href="{AZURE_PORTAL}"' in html
    assert OutgoingMail.objects.get().sent_at is not None
