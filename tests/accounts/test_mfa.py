"""Two-step verification: enrolment, sign-in with the second factor, the lock after 10 wrong
codes, recovery codes, and asking the second factor again after 15 minutes."""

from __future__ import annotations

import base64
import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.mfa_forms import locked_message
from tests.accounts.mfa_helpers import (
    age_authentications,
    enrol_totp,
    fresh_code,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db

HOME = reverse("home")
AUTHENTICATE = reverse("mfa_authenticate")
RECOVERY_CODES = reverse("mfa_view_recovery_codes")
DOWNLOAD = reverse("mfa_download_recovery_codes")


@pytest.fixture
def enrolled(client, admin_user):
    """The admin, signed in by password, with an authenticator app; yields its secret."""
    sign_in(client, admin_user.email)
    return enrol_totp(client)


def sign_in_again(client, user) -> None:
    client.post(reverse("logout"))
    response = sign_in(client, user.email)
    assert response["Location"] == AUTHENTICATE


def test_the_account_menu_leads_to_two_step_verification(client, admin_user):
    client.force_login(admin_user)
    response = client.get(HOME)
    assert reverse("mfa_index").encode() in response.content
    assert client.get(reverse("mfa_index")).status_code == 200


def test_the_qr_code_is_an_svg_drawn_by_the_server(client, admin_user):
    sign_in(client, admin_user.email)
    response = client.get(reverse("mfa_activate_totp"))
    uri = response.context["totp_svg_data_uri"]
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).lstrip().startswith(b"<?xml")
    assert b"<svg" in base64.b64decode(uri.split(",", 1)[1])
    assert uri.encode() in response.content


def test_the_secret_can_be_reached_and_copied_without_the_qr_code(client, admin_user):
    """A disabled field is skipped by Tab and can't be selected: readonly instead. The picture
    is described; the secret isn't spelled out as its alternative text."""
    sign_in(client, admin_user.email)
    response = client.get(reverse("mfa_activate_totp"))
    secret = str(response.context["form"].secret)
    page = response.content.decode()
    field = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', page)
    assert field is not None
    assert " readonly" in field.group(0)
    assert " disabled" not in field.group(0)
    assert f'value="{secret}"' in field.group(0)
    assert f'alt="{secret}"' not in page


def test_a_wrong_activation_code_activates_nothing(client, admin_user):
    sign_in(client, admin_user.email)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000x"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=admin_user).exists()


def test_activation_shows_ten_recovery_codes_once(client, admin_user, enrolled):
    page = client.get(RECOVERY_CODES)
    codes = page.context["unused_codes"]
    assert len(codes) == 10
    assert all(code.encode() in page.content for code in codes)
    again = client.get(RECOVERY_CODES)
    assert not any(code.encode() in again.content for code in codes)


def test_the_session_shown_the_codes_can_download_them(client, admin_user, enrolled):
    codes = client.get(RECOVERY_CODES).context["unused_codes"]
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert response.content.decode().split() == codes


def test_codes_never_shown_to_a_session_cannot_be_downloaded(client, admin_user, enrolled):
    assert client.get(DOWNLOAD).status_code == 404  # not shown yet
    client.get(RECOVERY_CODES)
    age_authentications(client, 0)
    session = client.session
    session["portal.mfa.recovery_codes_shown"]["at"] -= 16 * 60
    session.save()
    assert client.get(DOWNLOAD).status_code == 404  # shown more than 15 minutes ago


def test_sign_in_asks_the_code_after_the_password(client, admin_user, enrolled):
    sign_in_again(client, admin_user)
    assert client.get(HOME).status_code == 302  # not signed in yet
    response = client.post(AUTHENTICATE, {"code": fresh_code(enrolled, admin_user.pk)})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_recovery_code_signs_in_once(client, admin_user, enrolled):
    code = client.get(RECOVERY_CODES).context["unused_codes"][0]
    sign_in_again(client, admin_user)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    sign_in_again(client, admin_user)
    response = client.post(AUTHENTICATE, {"code": code})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_ten_wrong_codes_lock_the_eleventh_even_when_right(client, admin_user, enrolled):
    sign_in_again(client, admin_user)
    wrong = "999999" if totp_code(enrolled) != "999999" else "999998"
    for _attempt in range(10):
        response = client.post(AUTHENTICATE, {"code": wrong})
        assert response.context["form"].errors["code"] != [locked_message(15)]
    response = client.post(AUTHENTICATE, {"code": fresh_code(enrolled, admin_user.pk)})
    assert response.context["form"].errors["code"] == [locked_message(15)]
    assert client.get(HOME).status_code == 302


def test_turning_the_app_off_right_after_signing_in_with_it_asks_nothing(
    client, admin_user, enrolled
):
    sign_in_again(client, admin_user)
    client.post(AUTHENTICATE, {"code": fresh_code(enrolled, admin_user.pk)})
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200


@pytest.mark.parametrize("url_name", ["mfa_deactivate_totp", "mfa_generate_recovery_codes"])
def test_after_15_minutes_the_second_factor_is_asked_again(client, admin_user, enrolled, url_name):
    sign_in_again(client, admin_user)
    client.post(AUTHENTICATE, {"code": fresh_code(enrolled, admin_user.pk)})
    age_authentications(client, 15 * 60 + 1)
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    # The password alone is not enough: its page sends the account to the second factor.
    password_page = client.get(reverse("account_reauthenticate"))
    assert password_page["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next={url}",
        {"code": fresh_code(enrolled, admin_user.pk)},
    )
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_turning_the_app_off_removes_the_recovery_codes_too(client, admin_user, enrolled):
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=admin_user).exists()
