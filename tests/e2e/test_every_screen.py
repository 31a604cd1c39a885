"""Every screen, in English and in French, as a person reaches it: no serious or critical
accessibility violation (axe-core), and — through the `page` fixture — no breach of the
Content-Security-Policy and no JavaScript error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.models import User
from benefits.models import Benefit, ProductKey, Subscription
from tests.e2e.conftest import htmx_settled, serious_violations, sign_in

pytestmark = pytest.mark.browser

LANGUAGES = {"en-US": "en", "fr-FR": "fr"}


def benefit_of(product_prefix: str) -> Benefit:
    return Benefit.objects.get(
        organization__mpn_id="4711001", product__name__startswith=product_prefix
    )


def benefit_url(product_prefix: str) -> str:
    return reverse("benefits:benefit_detail", args=[benefit_of(product_prefix).pk])


def go(name: str, *args, query: str = ""):
    """The step that opens a named page."""
    return lambda page: page.goto(reverse(name, args=args) + query)


def full_keys_in_place(page) -> None:
    """Signed in moments ago through the form: the full keys come without asking again."""
    open_in_place(page, "Office 365")
    revealed = reverse("benefits:benefit_keys_revealed", args=[benefit_of("Office 365").pk])
    page.locator(f'a[href="{revealed}"]').click()
    page.get_by_text("36XHH-2D2TT-9HB6D-FV6M9-F7CPQ").wait_for()


def wizard_at_key(page) -> None:
    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    page.goto(f"{reverse('benefits:redeem')}?subscription={office.pk}&action=extend")


def validate(page, key: str) -> None:
    page.locator("#id_key").fill(key)
    page.locator("#id_key").press("Enter")


def wizard_at_review(page) -> None:
    wizard_at_key(page)
    validate(page, "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    page.get_by_test_id("arithmetic").wait_for()


def wizard_key_refused(page) -> None:
    wizard_at_key(page)
    validate(page, "O6XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    page.locator("#key-errors").wait_for()


def wizard_from_a_redeem_link(page) -> None:
    """A key's Redeem link makes no choice: Choose, then the Key step naming the key by its
    last group."""
    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    key = ProductKey.objects.get(key="36XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    page.goto(benefit_url("Office 365"))
    page.locator(f'a[href$="?key_id={key.pk}"]').click()
    page.locator('input[name="action"][value="extend"]').check()
    page.locator('select[name="subscription"]').select_option(str(office.pk))
    page.locator('select[name="tenant"]').select_option(str(office.tenant_id))
    page.locator('form[hx-post] button[type="submit"]').first.click()
    page.get_by_test_id("prefilled-key").wait_for()


def wizard_done(page) -> None:
    wizard_at_review(page)
    page.locator('form[hx-post] button[type="submit"]').first.click()
    page.get_by_test_id("done-end").wait_for()


def open_in_place(page, product_prefix: str):
    """Expand a row of Azure & Cloud products; returns the expanded details."""
    page.goto(reverse("benefits:azure_cloud"))
    url = benefit_url(product_prefix)
    page.locator(f'a[data-pb-disclosure][href="{url}"]').click()
    details = page.locator(f"#details-{benefit_of(product_prefix).pk}-body")
    # Usage-based details end with who holds the credit, license-based ones with the keys.
    details.locator(".pb-assignment, code").first.wait_for()
    return details


def picker_with_results(page) -> None:
    details = open_in_place(page, "Azure monthly")
    picker = reverse("benefits:credit_picker", args=[benefit_of("Azure monthly").pk])
    details.locator(f'a[href="{picker}"]').click()
    page.locator(".pb-picker").wait_for()
    htmx_settled(page)
    page.locator(".pb-picker input").press_sequentially("ad")
    page.locator(".pb-picker li").first.wait_for()


def reset_refused(page) -> None:
    page.goto(reverse("account_reset_password"))
    page.locator("#id_email").fill("not an address")
    page.locator("#id_email").press("Enter")
    page.locator(".is-invalid").first.wait_for()


def reset_link_refused(page) -> None:
    page.goto(reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"}))


def new_password_refused(page) -> None:
    from allauth.account.forms import default_token_generator
    from django.utils.http import int_to_base36

    user = User.objects.get(email="admin@contoso.example")
    key = default_token_generator.make_token(user)
    page.goto(
        reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": int_to_base36(user.pk), "key": key},
        )
    )
    page.locator("#id_password1").fill("123")
    page.locator("#id_password2").fill("1234")
    page.locator("#id_password2").press("Enter")
    page.locator(".is-invalid").first.wait_for()


# name -> (who signs in, what to do to reach the screen)
def team_roles_in_place(page) -> None:
    page.goto(reverse("team:members"))
    agent = User.objects.get(email="agent@contoso.example")
    page.locator(f"#member-{agent.pk} a").first.click()
    page.locator(f"#member-{agent.pk} form").wait_for()
    htmx_settled(page)


def team_invite_refused(page) -> None:
    page.goto(reverse("team:invite"))
    page.locator("#id_email").fill("not an address")
    page.locator("#main form button[type=submit]").click()
    page.locator(".is-invalid").first.wait_for()


def join_page(page) -> None:
    from tests.conftest import invitation_with_link

    admin = User.objects.get(email="admin@contoso.example")
    invitation_with_link(admin, "tour@contoso.example", "tour-token")
    page.goto(reverse("team:join", args=["tour-token"]))
    page.wait_for_url(lambda address: urlsplit(address).path == reverse("team:join_accept"))


def join_bad_link(page) -> None:
    page.expected_statuses = {404}
    page.goto(reverse("team:join", args=["no-such-link"]))


SCREENS = {
    "sign-in": (None, go("login")),
    "home": ("admin@contoso.example", go("home")),
    "benefits overview": ("admin@contoso.example", go("benefits:overview")),
    "azure & cloud": ("admin@contoso.example", go("benefits:azure_cloud")),
    "credit details page": (
        "admin@contoso.example",
        lambda page: page.goto(benefit_url("Azure monthly")),
    ),
    "license details page": (
        "admin@contoso.example",
        lambda page: page.goto(benefit_url("Office 365")),
    ),
    "license details in place": (
        "admin@contoso.example",
        lambda page: open_in_place(page, "Office 365"),
    ),
    "full keys in place": ("admin@contoso.example", full_keys_in_place),
    "picker open": ("admin@contoso.example", picker_with_results),
    "wizard: choose": ("admin@contoso.example", go("benefits:redeem", query="?restart=1")),
    "wizard: key": ("admin@contoso.example", wizard_at_key),
    "wizard: key refused": ("admin@contoso.example", wizard_key_refused),
    "wizard: key from a Redeem link": ("admin@contoso.example", wizard_from_a_redeem_link),
    "wizard: review": ("admin@contoso.example", wizard_at_review),
    "wizard: done": ("admin@contoso.example", wizard_done),
    "benefits report": ("admin@contoso.example", go("benefits:report")),
    "your products": ("admin@contoso.example", go("products")),
    "activity": ("admin@contoso.example", go("activity")),
    "password change": ("admin@contoso.example", go("password_change")),
    "sign out": ("admin@contoso.example", go("logout")),
    "reauthenticate": ("admin@contoso.example", go("account_reauthenticate")),
    "two-step verification": ("admin@contoso.example", go("mfa_index")),
    "two-step: authenticator app": ("admin@contoso.example", go("mfa_activate_totp")),
    "two-step: passkeys": ("admin@contoso.example", go("mfa_list_webauthn")),
    "two-step: add a passkey": ("admin@contoso.example", go("mfa_add_webauthn")),
    "password reset": (None, go("account_reset_password")),
    "password reset refused": (None, reset_refused),
    "password reset sent": (None, go("account_reset_password_done")),
    "reset link refused": (None, reset_link_refused),
    "new password": (None, new_password_refused),
    "password reset done": (None, go("account_reset_password_from_key_done")),
    "team": ("admin@contoso.example", go("team:members")),
    "team: invite refused": ("admin@contoso.example", team_invite_refused),
    "team: roles in place": ("admin@contoso.example", team_roles_in_place),
    "team: deactivate": (
        "admin@contoso.example",
        lambda page: page.goto(
            reverse(
                "team:member_deactivate",
                args=[User.objects.get(email="agent@contoso.example").pk],
            )
        ),
    ),
    "join": (None, join_page),
    "join: bad link": (None, join_bad_link),
    "team 403": ("billing@contoso.example", go("team:members")),
    "403": ("billing@contoso.example", go("benefits:overview")),
    "404": ("admin@contoso.example", go("benefits:benefit_detail", 0)),
    "notifications": ("admin@contoso.example", go("notifications:list")),
    "notification preferences": ("admin@contoso.example", go("notifications:preferences")),
    "notification preferences, language only": (
        "billing@contoso.example",
        go("notifications:preferences"),
    ),
}


@pytest.mark.parametrize("locale", list(LANGUAGES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_is_accessible_in_both_languages(page, locale, screen):
    email, reach = SCREENS[screen]
    if email:
        sign_in(page, email)
    reach(page)
    assert page.locator("html").get_attribute("lang") == LANGUAGES[locale]
    assert serious_violations(page) == []
