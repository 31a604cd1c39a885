"""Redeem is bound to the review: the same review pressed again shows the same Done; any other
review of the key — another session, even of the same person — is told the key was used, when
and where; a database that refuses the change leaves nothing changed and says so."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from benefits.models import Activity, ProductKey, Subscription
from benefits.services import redemption
from benefits.services.redemption import KEY_USED, KEY_USED_WHERE, NOTHING_SAVED, Action
from tests.benefits.wizard import wizard
from tests.benefits.wizard_pages import O365_25, office
from tests.conftest import HTMX, refusal, run_at_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("each_state_store")]

DONE = "Done: the key is redeemed"


def session_of(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def review(client: Client, action: str = Action.EXTEND, key: str = O365_25) -> str:
    """Walk to the Review step; return its token."""
    url = reverse("benefits:redeem")
    client.get(url, {"subscription": str(office().pk), "action": action})
    page = client.post(url, {"step": "key", "key": key}, headers=HTMX).content.decode()
    found = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert found is not None, "the Review step shows its token"
    return found.group(1)


def press(client: Client, token: str) -> str:
    response = client.post(
        reverse("benefits:redeem"), {"step": "review", "token": token}, headers=HTMX
    )
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def used_where() -> str:
    key = ProductKey.objects.get(key=O365_25)
    return KEY_USED_WHERE % {
        "date": formats.date_format(timezone.localdate(key.redeemed_at)),
        "product": "Office 365 E3",
        "tenant": "contoso.onmicrosoft.com",
    }


def test_the_same_review_pressed_twice_redeems_once_with_the_same_done(demo_data):
    client = session_of("admin@contoso.example")
    token = review(client)
    first, second = press(client, token), press(client, token)
    assert DONE in first
    without_csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_csrf.sub("", first) == without_csrf.sub("", second)
    assert Activity.objects.get(kind=Activity.Kind.KEY_REDEEMED).idempotency_key == token


def test_the_same_person_in_six_sessions_gets_one_done_and_five_refusals(demo_data):
    sessions = [session_of("admin@contoso.example") for _ in range(6)]
    tokens = [review(client) for client in sessions]
    pages = [press(client, token) for client, token in zip(sessions, tokens, strict=True)]
    assert DONE in pages[0]
    for page in pages[1:]:
        assert DONE not in page
        assert f"{KEY_USED} {used_where()}" in page
    assert Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).count() == 1


def test_a_review_for_add_cannot_show_the_done_of_an_extend_made_elsewhere(demo_data):
    adding, extending = session_of("admin@contoso.example"), session_of("admin@contoso.example")
    add_token = review(adding, Action.ADD)
    assert DONE in press(extending, review(extending, Action.EXTEND))
    page = press(adding, add_token)
    assert DONE not in page
    assert str(KEY_USED) in page
    assert wizard(adding).step == "key"
    assert Subscription.objects.get(pk=office().pk).seats == 100  # extended, not enlarged


@pytest.mark.parametrize(
    "failure",
    [
        IntegrityError('null value in column "kind" violates not-null constraint'),
        DatabaseError("server closed the connection unexpectedly"),
    ],
    ids=["another-integrity-error", "database-error"],
)
def test_a_database_refusing_the_record_changes_nothing_and_says_so(
    demo_data, monkeypatch, failure
):
    client = session_of("admin@contoso.example")
    token = review(client)
    before = office()

    def refuse(*args, **kwargs):
        raise failure

    monkeypatch.setattr(Activity.objects, "create", refuse)
    page = press(client, token)
    assert str(NOTHING_SAVED).replace("'", "&#x27;") in page
    assert str(KEY_USED) not in page
    after = office()
    assert (after.seats, after.end_date) == (before.seats, before.end_date)
    assert not ProductKey.objects.get(key=O365_25).is_redeemed
    assert not Activity.objects.exists()
    # Nothing changed: the same review can be confirmed once the database accepts it.
    monkeypatch.undo()
    assert DONE in press(client, token)


def test_the_single_use_constraint_alone_still_says_already_used(demo_data):
    """A redemption record the key's row doesn't show (the locked re-check passes): the
    database's last defence refuses the second record with the "already been used" message."""
    admin = User.objects.get(email="admin@contoso.example")
    organization = admin.organization
    assert organization is not None
    key = ProductKey.objects.select_related("benefit__product").get(key=O365_25)
    Activity.objects.create(
        organization=organization,
        kind=Activity.Kind.KEY_REDEEMED,
        benefit=key.benefit,
        product_key=key,
        subscription=office(),
    )
    reviewed = redemption.redemption_preview(
        key=key, action=Action.EXTEND, tenant=office().tenant, subscription=office(),
        today=timezone.localdate(),
    )  # fmt: skip
    message = refusal(
        lambda: redemption.key_redeem(
            organization=organization,
            key=key,
            action=Action.EXTEND,
            tenant=office().tenant,
            subscription=office(),
            reviewed=reviewed.fingerprint(),
            token="a-review",
            actor=admin,
            today=timezone.localdate(),
        )
    )
    assert message.startswith(str(KEY_USED))
    assert Subscription.objects.get(pk=office().pk).seats == 100


@pytest.mark.django_db(transaction=True)
def test_two_presses_of_one_review_at_once_both_get_the_one_record(postgres, demo_data):
    """The second press waits on the key's lock, then finds the first one's record by the
    review's token (PostgreSQL)."""
    admin = User.objects.get(email="admin@contoso.example")
    organization = admin.organization
    assert organization is not None
    key = ProductKey.objects.select_related("benefit__product").get(key=O365_25)
    subscription = office()
    reviewed = redemption.redemption_preview(
        key=key, action=Action.EXTEND, tenant=subscription.tenant, subscription=subscription,
        today=timezone.localdate(),
    )  # fmt: skip
    outcomes = run_at_once(
        2,
        lambda _index: redemption.key_redeem(
            organization=organization,
            key=key,
            action=Action.EXTEND,
            tenant=subscription.tenant,
            subscription=subscription,
            reviewed=reviewed.fingerprint(),
            token="one-review",
            actor=admin,
            today=timezone.localdate(),
        ),
    )
    assert all(isinstance(outcome, Activity) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).count() == 1
