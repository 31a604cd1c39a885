"""The French screens outside the partner admin's walk: API tokens, unsubscribing, password
reset and the staff's key import."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import User
from benefits.models import Benefit
from tests.french.detector import FRENCH


def api_token_screens() -> dict[str, object]:
    """The API tokens page: empty, refused, a token created (shown once), the list, revoking
    (asked, done, refused), and the tokens in the admin."""
    from itertools import count
    from unittest import mock

    numbers = count(1)
    admin, staff = Client(), Client()
    admin.force_login(User.objects.get(email="admin@contoso.example"))
    staff.force_login(User.objects.get(email="staff@partnerbenefits.example"))
    page = reverse("team:tokens")
    created = {"name": "Synchronisation", "scopes": ["read", "keys", "credits", "redeem"]}
    # Tokens made of digits: random letters could spell an English word by chance.
    with (
        mock.patch("accounts.api_tokens.new_prefix", side_effect=lambda: f"{next(numbers):012d}"),
        mock.patch("accounts.api_tokens.new_secret", return_value="7" * 43),
    ):
        screens: dict[str, object] = {
            "api tokens": admin.get(page, headers=FRENCH),
            "api tokens, refused": admin.post(page, {"expires_days": "0"}, headers=FRENCH),
            "api tokens, created": admin.post(
                page, {**created, "expires_days": 30}, headers=FRENCH
            ),
            "api tokens, name taken": admin.post(page, created, headers=FRENCH),
        }
    token = User.objects.get(email="admin@contoso.example").api_tokens.get()
    revoke = reverse("team:token_revoke", args=[token.pk])
    screens["api tokens, list"] = admin.get(page, headers=FRENCH)
    screens["api token, revoke"] = admin.get(revoke, headers=FRENCH)
    screens["api token, revoked"] = admin.post(revoke, headers=FRENCH, follow=True)
    screens["api token, revoked again"] = admin.post(revoke, headers=FRENCH, follow=True)
    screens["api token, admin"] = staff.get(
        reverse("admin:accounts_apitoken_change", args=[token.pk]), headers=FRENCH
    )
    return screens


def unsubscribe_screens() -> dict[str, object]:
    """A digest's unsubscribe link, opened and confirmed without signing in, and a broken one."""
    from benefits.notifications.unsubscribe import unsubscribe_token

    admin = User.objects.get(email="admin@contoso.example")
    link = reverse("notifications:unsubscribe", args=[unsubscribe_token(account_id=admin.pk)])
    anonymous = Client()
    return {
        "unsubscribe": anonymous.get(link, headers=FRENCH),
        "unsubscribed": anonymous.post(link, headers=FRENCH),
        "unsubscribe, bad link": anonymous.get(
            reverse("notifications:unsubscribe", args=["1:nope"]), headers=FRENCH
        ),
    }


def password_reset_screens() -> dict[str, object]:
    """The reset journey, each step as its visitor sees it (the link is made as the mail's)."""
    from allauth.account.forms import default_token_generator
    from django.utils.http import int_to_base36

    anonymous = Client()
    user = User.objects.get(email="admin@contoso.example")
    link = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": int_to_base36(user.pk), "key": default_token_generator.make_token(user)},
    )
    wrong = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"})
    form = anonymous.get(link, headers=FRENCH)["Location"]
    return {
        "reset": anonymous.get(reverse("account_reset_password"), headers=FRENCH),
        "reset refused": anonymous.post(
            reverse("account_reset_password"), {"email": "x"}, headers=FRENCH
        ),
        "reset sent": anonymous.get(reverse("account_reset_password_done"), headers=FRENCH),
        "reset link refused": anonymous.get(wrong, headers=FRENCH),
        "new password": anonymous.get(form, headers=FRENCH),
        "new password refused": anonymous.post(
            form, {"password1": "123", "password2": "1234"}, headers=FRENCH
        ),
        "password reset": anonymous.get(
            reverse("account_reset_password_from_key_done"), headers=FRENCH
        ),
    }


def key_import_screens() -> dict[str, object]:
    """Staff import product keys in the admin: the upload form, a file refused, a dry run with
    refused rows, the preview with its confirm, the import done, and a confirm too late."""
    from benefits.admin.key_import import KEY_COLUMN
    from common.import_storage import upload_folder
    from tests.benefits.key_import_files import csv_file, fresh_keys

    staff = Client()
    staff.force_login(User.objects.get(email="staff@partnerbenefits.example"))
    office = Benefit.objects.get(organization__mpn_id="4711001", product__name="Office 365 E3")
    taken = office.keys.earliest("pk").key
    page, process = (
        reverse("admin:benefits_productkey_import"),
        reverse("admin:benefits_productkey_process_import"),
    )
    header = f"{KEY_COLUMN},licenses,benefit"
    keys = fresh_keys(2, start=50_000)

    def upload(*lines: str):
        data = {"import_file": csv_file(list(lines)), "format": "0", "resource": "0"}
        return staff.post(page, data, headers=FRENCH)

    def confirmed(preview):
        form = preview.context["confirm_form"]
        data = {name: form.initial.get(name, "") for name in form.fields}
        return staff.post(process, data, headers=FRENCH, follow=True)

    screens: dict[str, object] = {
        "key import": staff.get(page, headers=FRENCH),
        "key import, file refused": upload("key,count", "x,1"),
        "key import, rows refused": upload(
            header, f"{keys[0]},1,{office.pk}", f"{taken},1,{office.pk}", f"{keys[1]},0,999999"
        ),
    }
    screens["key import, preview"] = preview = upload(header, f"{keys[0]},1,{office.pk}")
    screens["key import, done"] = confirmed(preview)
    late = upload(header, f"{keys[1]},1,{office.pk}")
    (upload_folder() / late.context["form"].cleaned_data["import_file"].tmp_storage_name).unlink()
    screens["key import, confirmed too late"] = confirmed(late)
    return screens
