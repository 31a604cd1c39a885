"""Staff manage everything in the Django admin; the activity log is read-only there."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from benefits.models import Activity, ProductKey

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "accounts/organization",
    "accounts/tenant",
    "accounts/directoryuser",
    "accounts/user",
    "benefits/product",
    "benefits/benefit",
    "benefits/productkey",
    "benefits/subscription",
    "benefits/creditassignment",
    "benefits/activity",
]


@pytest.fixture
def staff_client(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from accounts.models import User

    client.force_login(User.objects.get(email="staff@partnerbenefits.example"))
    return client


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_every_model_has_a_working_admin_list(staff_client, changelist):
    assert staff_client.get(f"/admin/{changelist}/").status_code == 200
    assert staff_client.get(f"/admin/{changelist}/?q=contoso").status_code == 200


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_partner_admins_cannot_open_the_admin(partner_client, changelist):
    response = partner_client.get(f"/admin/{changelist}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_key_lists_show_only_the_last_group(staff_client):
    page = staff_client.get("/admin/benefits/productkey/").content.decode()
    assert "…-F7CPQ" in page
    assert "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" not in page
    benefit = ProductKey.objects.get(key__endswith="F7CPQ").benefit
    inline = staff_client.get(f"/admin/benefits/benefit/{benefit.pk}/change/").content.decode()
    assert "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" not in inline


def test_a_keys_own_page_shows_it_in_full(staff_client):
    key = ProductKey.objects.get(key__endswith="F7CPQ")
    page = staff_client.get(f"/admin/benefits/productkey/{key.pk}/change/").content.decode()
    assert "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" in page


def test_staff_find_a_key_by_its_last_group(staff_client):
    page = staff_client.get("/admin/benefits/productkey/?q=f7cpq").content.decode()
    assert "…-F7CPQ" in page
    assert "…-YR36V" not in page


def test_staff_add_a_key_typed_in_any_form(staff_client):
    benefit = ProductKey.objects.get(key__endswith="F7CPQ").benefit
    response = staff_client.post(
        "/admin/benefits/productkey/add/",
        {"benefit": benefit.pk, "key": "bcdfg hjkmp qrtvw xy234 6789b", "licenses": 5},
    )
    assert response.status_code == 302
    assert ProductKey.objects.filter(key="BCDFG-HJKMP-QRTVW-XY234-6789B").exists()


def test_a_malformed_key_in_the_admin_gets_the_precise_message(staff_client):
    benefit = ProductKey.objects.get(key__endswith="F7CPQ").benefit
    response = staff_client.post(
        "/admin/benefits/productkey/add/", {"benefit": benefit.pk, "key": "OOO", "licenses": 5}
    )
    assert response.status_code == 200
    assert "you entered 3" in response.content.decode()


def test_staff_assign_roles_with_check_boxes(staff_client):
    from accounts.models import User

    user = User.objects.get(email="billing@contoso.example")
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'type="checkbox" name="roles" value="mpn_partner_admin"' in page
    filtered = staff_client.get("/admin/accounts/user/?role=billing_admin").content.decode()
    assert "billing@contoso.example" in filtered
    assert "admin@contoso.example" not in filtered.replace("billing@contoso.example", "")


def test_the_activity_log_is_read_only_in_the_admin(staff_client):
    from accounts.models import Organization

    record = Activity.objects.create(
        organization=Organization.objects.get(mpn_id="4711001"),
        kind=Activity.Kind.CREDIT_ASSIGNED,
    )
    assert staff_client.get("/admin/benefits/activity/add/").status_code == 403
    change = staff_client.get(f"/admin/benefits/activity/{record.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    delete = staff_client.post(f"/admin/benefits/activity/{record.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert Activity.objects.filter(pk=record.pk).exists()


def test_the_admin_never_shows_or_takes_a_password_hash_as_text(staff_client):
    from accounts.models import User

    user = User.objects.get(email="billing@contoso.example")
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert user.password not in page
    assert 'name="password"' not in page
