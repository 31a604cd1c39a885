"""Bad input, generated: hypothesis sends every form and filter of the portal random text and
random sets of fields (the real ones, unknown ones, some missing, some repeated), mixed with
values that mean something (own and other organization's ids, real keys, step names). No
answer is a 500, and data changes only when the input was valid: every change to credit,
keys or subscriptions comes with its activity record, and a password changes only on a
successful change."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import DirectoryUser, Tenant, User
from benefits.demo import DEFAULT_PASSWORD
from benefits.models import Activity, Benefit, CreditAssignment, ProductKey, Subscription
from benefits.services import credits
from tests.accounts.factories import DirectoryUserFactory

pytestmark = pytest.mark.django_db

ADMIN = "admin@contoso.example"


@dataclass(frozen=True)
class Form:
    method: str
    url: str
    fields: tuple[str, ...]
    signed_in: bool = True


def forms() -> dict[str, Form]:
    """Every form of the portal, with the ids of the demo data in its address."""
    monthly = Benefit.objects.get(
        organization__mpn_id="4711001", product__name__startswith="Azure monthly"
    )
    bulk = Benefit.objects.get(
        organization__mpn_id="4711001", product__name__startswith="Azure bulk"
    )
    monthly_holder = monthly.assignments.get().directory_user
    bulk_holder = bulk.assignments.get().directory_user
    wizard = ("step", "action", "subscription", "tenant", "key", "token")
    return {
        "sign in": Form("post", reverse("login"), ("login", "password", "next"), False),
        "password change": Form(
            "post", reverse("password_change"), ("old_password", "new_password1", "new_password2")
        ),
        "language": Form("post", reverse("set_language"), ("language", "next")),
        "azure & cloud filters": Form(
            "get",
            reverse("benefits:azure_cloud"),
            ("q", "offer", "type", "status", "sort", "usage_page", "license_page"),
        ),
        "csv": Form(
            "get", reverse("benefits:azure_cloud_csv"), ("q", "offer", "type", "status", "sort")
        ),
        "activity filters": Form("get", reverse("activity"), ("kind", "benefit", "page")),
        "picker": Form("get", reverse("benefits:credit_picker", args=[monthly.pk]), ("q",)),
        "assign": Form(
            "post", reverse("benefits:credit_assign", args=[monthly.pk]), ("directory_user",)
        ),
        "remove": Form(
            "post",
            reverse("benefits:credit_remove", args=[monthly.pk, monthly_holder.pk]),
            ("confirm",),
        ),
        "transfer": Form(
            "post",
            reverse("benefits:credit_transfer", args=[bulk.pk, bulk_holder.pk]),
            ("directory_user",),
        ),
        "wizard": Form("post", reverse("benefits:redeem"), wizard),
        "wizard link": Form("get", reverse("benefits:redeem"), ("key", "subscription", "action")),
    }


def meaningful_values() -> list[str]:
    """Values a form might accept: ids of both organizations, real keys, names of steps."""
    ids = [
        *DirectoryUser.objects.values_list("pk", flat=True),
        *Subscription.objects.values_list("pk", flat=True),
        *Tenant.objects.values_list("pk", flat=True),
        *Benefit.objects.values_list("pk", flat=True),
    ]
    keys = list(ProductKey.objects.values_list("key", flat=True))
    # The real password and a valid new one, so that signing in and changing it can succeed.
    passwords = [ADMIN, DEFAULT_PASSWORD, "a-longer-and-fresher-passphrase"]
    words = ["choose", "key", "review", "back", "restart", "activate", "extend", "add"]
    words += ["fr", "en", "gold", "core", "expired", "-quantity", "credit_assigned", "/"]
    tricky = ["", " ", "0", "-1", "9" * 40, "1e9", "null", "\x00", "<script>x</script>"]
    tricky += ["' OR '1'='1", "../../etc/passwd", "//evil.example/", "%00", "\u202e", "é" * 300]
    return (
        [str(value) for value in ids]
        + keys
        + [key.lower() for key in keys]
        + words
        + tricky
        + passwords
    )


# Any text but lone surrogates, which no browser can send as UTF-8.
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


def field_sets(form: Form, values: list[str]):
    value = st.one_of(text, st.sampled_from(values), st.integers().map(str))
    name = st.one_of(st.sampled_from(form.fields), text.filter(bool))
    # A field may be sent several times, as a browser does for repeated inputs.
    return st.dictionaries(name, st.lists(value, min_size=1, max_size=3), max_size=8)


def data_state() -> tuple:
    """Everything the portal's forms can change, in a comparable form."""
    return (
        tuple(CreditAssignment.objects.order_by("pk").values_list("benefit", "directory_user")),
        tuple(Subscription.objects.order_by("pk").values_list("pk", "seats", "end_date")),
        tuple(ProductKey.objects.order_by("pk").values_list("pk", "redeemed_at")),
        User.objects.get(email=ADMIN).password,
    )


@pytest.fixture
def portal(demo_data):
    """The demo data with each credit held by someone, so that removing and transferring can
    succeed, and one more person free to receive a credit."""
    admin = User.objects.get(email=ADMIN)
    today = timezone.localdate()
    for product, person in (("Azure monthly", "Adele Vance"), ("Azure bulk", "Alex Wilber")):
        credits.credit_assign(
            benefit=Benefit.objects.get(
                organization__mpn_id="4711001", product__name__startswith=product
            ),
            directory_user=DirectoryUser.objects.get(display_name=person),
            actor=admin,
            today=today,
        )
    DirectoryUserFactory(tenant=Tenant.objects.get(primary_domain="contoso.onmicrosoft.com"))
    return admin, forms(), meaningful_values()


@pytest.mark.parametrize(
    "form_name",
    [
        "sign in",
        "password change",
        "language",
        "azure & cloud filters",
        "csv",
        "activity filters",
        "picker",
        "assign",
        "remove",
        "transfer",
        "wizard",
        "wizard link",
    ],
)
def test_random_input_never_breaks_a_form_or_changes_data_unless_valid(portal, form_name):
    admin, all_forms, values = portal
    form = all_forms[form_name]

    @settings(
        # A third of the profile's examples for each of the twelve forms keeps the default
        # run under a minute; HYPOTHESIS_PROFILE=thorough searches far harder.
        max_examples=max(settings().max_examples // 3, 10),  # settings(): the loaded profile's
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(fields=field_sets(form, values), htmx=st.booleans())
    def send(fields, htmx):
        cache.clear()  # the rate limits count across examples otherwise
        with transaction.atomic():
            client = Client(raise_request_exception=False)
            if form.signed_in:
                client.force_login(admin)
            before, records = data_state(), Activity.objects.count()
            headers = {"hx-request": "true"} if htmx else {}
            response = getattr(client, form.method)(form.url, fields, headers=headers)
            after = data_state()
            assert response.status_code < 500, (form_name, fields)
            if after[:3] != before[:3]:
                assert Activity.objects.count() > records, "a change without its record"
            if after[3] != before[3]:
                assert response.status_code == 302, "a password changed by a refused form"
                assert response["Location"] == reverse("home")
            transaction.set_rollback(True)

    send()


def test_the_state_compared_shows_a_valid_change(portal, client):
    """A control: a valid removal changes what the test above compares, with its record."""
    admin, all_forms, _values = portal
    client.force_login(admin)
    before, records = data_state(), Activity.objects.count()
    assert client.post(all_forms["remove"].url).status_code == 302
    assert data_state()[:3] != before[:3]
    assert Activity.objects.count() == records + 1
