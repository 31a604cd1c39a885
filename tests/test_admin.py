"""Staff manage everything in the Django admin; the activity log is read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benefits.models import Activity, ProductKey

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "accounts_organization",
    "accounts_tenant",
    "accounts_directoryuser",
    "accounts_user",
    "benefits_product",
    "benefits_benefit",
    "benefits_productkey",
    "benefits_subscription",
    "benefits_creditassignment",
    "benefits_activity",
    "accounts_outgoingmail",
    "notifications_notificationpreferences",
    "notifications_noticesent",
]


def admin_url(model: str, view: str = "changelist", *args) -> str:
    """The admin's address of ``model`` ("app_model") for ``view``: changelist, add, change…"""
    return reverse(f"admin:{model}_{view}", args=args)


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_every_model_has_a_working_admin_list(staff_client, changelist):
    assert staff_client.get(admin_url(changelist)).status_code == 200
    assert staff_client.get(admin_url(changelist), {"q": "contoso"}).status_code == 200


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_partner_admins_cannot_open_the_admin(partner_client, changelist):
    response = partner_client.get(admin_url(changelist))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_key_lists_show_only_the_last_group(staff_client):
    page = staff_client.get(admin_url("benefits_productkey")).content.decode()
    assert "…-F7CPQ" in page
    assert "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" not in page
    benefit = ProductKey.objects.get(key__endswith="F7CPQ").benefit
    inline = staff_client.get(admin_url("benefits_benefit", "change", benefit.pk)).content.decode()
    assert "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" not in inline


def test_a_keys_own_page_shows_it_in_full(staff_client):
    key = ProductKey.objects.get(key__endswith="F7CPQ")
    page = staff_client.get(admin_url("benefits_productkey", "change", key.pk)).content.decode()
    assert "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ" in page


def test_staff_find_a_key_by_its_last_group(staff_client):
    page = staff_client.get(admin_url("benefits_productkey"), {"q": "f7cpq"}).content.decode()
    assert "…-F7CPQ" in page
    assert "…-YR36V" not in page


def test_the_key_search_box_takes_only_a_last_group(staff_client):
    """A search travels in the address (access logs, Referer): the box can't hold a full key."""
    page = staff_client.get(admin_url("benefits_productkey")).content.decode()
    assert 'maxlength="5"' in page
    assert "never a full key" in page


def test_a_full_key_in_an_old_search_link_finds_it_by_its_last_group(staff_client):
    page = staff_client.get(
        admin_url("benefits_productkey"), {"q": "36xhh 2d2tt 9hb6d fv6m9 f7cpq"}
    )
    assert "…-F7CPQ" in page.content.decode()
    assert "…-YR36V" not in page.content.decode()


def test_staff_add_a_key_typed_in_any_form(staff_client):
    benefit = ProductKey.objects.get(key__endswith="F7CPQ").benefit
    response = staff_client.post(
        admin_url("benefits_productkey", "add"),
        {"benefit": benefit.pk, "key": "bcdfg hjkmp qrtvw xy234 6789b", "licenses": 5},
    )
    assert response.status_code == 302
    assert ProductKey.objects.filter(key="BCDFG-HJKMP-QRTVW-XY234-6789B").exists()


def test_a_malformed_key_in_the_admin_gets_the_precise_message(staff_client):
    benefit = ProductKey.objects.get(key__endswith="F7CPQ").benefit
    response = staff_client.post(
        admin_url("benefits_productkey", "add"),
        {"benefit": benefit.pk, "key": "OOO", "licenses": 5},
    )
    assert response.status_code == 200
    assert "you entered 3" in response.content.decode()


def test_staff_assign_roles_with_check_boxes(staff_client):
    from accounts.models import User

    user = User.objects.get(email="billing@contoso.example")
    page = staff_client.get(admin_url("accounts_user", "change", user.pk)).content.decode()
    assert 'type="checkbox" name="roles" value="mpn_partner_admin"' in page
    filtered = staff_client.get(
        admin_url("accounts_user"), {"role": "billing_admin"}
    ).content.decode()
    assert "billing@contoso.example" in filtered
    assert "admin@contoso.example" not in filtered.replace("billing@contoso.example", "")


def test_the_activity_log_is_read_only_in_the_admin(staff_client):
    from accounts.models import Organization

    record = Activity.objects.create(
        organization=Organization.objects.get(mpn_id="4711001"),
        kind=Activity.Kind.CREDIT_ASSIGNED,
    )
    assert staff_client.get(admin_url("benefits_activity", "add")).status_code == 403
    change = staff_client.get(admin_url("benefits_activity", "change", record.pk))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    delete = staff_client.post(admin_url("benefits_activity", "delete", record.pk), {"post": "yes"})
    assert delete.status_code == 403
    assert Activity.objects.filter(pk=record.pk).exists()


def test_the_admin_never_shows_or_takes_a_password_hash_as_text(staff_client):
    from accounts.models import User

    user = User.objects.get(email="billing@contoso.example")
    page = staff_client.get(admin_url("accounts_user", "change", user.pk)).content.decode()
    assert user.password not in page
    assert 'name="password"' not in page


# --- Deleting while the portal is in use -----------------------------------------------------


def credit_holder():
    """Adele Vance, given a seat of the monthly credit in the portal."""
    from django.utils import timezone

    from accounts.models import DirectoryUser, User
    from benefits.models import Benefit
    from benefits.services import credits

    adele = DirectoryUser.objects.get(display_name="Adele Vance")
    credits.credit_assign(
        benefit=Benefit.objects.get(
            organization__mpn_id="4711001", credit_period=Benefit.Period.MONTHLY
        ),
        directory_user=adele,
        actor=User.objects.get(email="admin@contoso.example"),
        today=timezone.localdate(),
    )
    return adele


def test_deleting_a_credit_holder_is_refused_and_says_what_to_do(staff_client):
    from django.urls import reverse

    from accounts.admin import DirectoryUserAdmin

    adele = credit_holder()
    url = reverse("admin:accounts_directoryuser_delete", args=[adele.pk])
    page = staff_client.get(url).content.decode()
    assert str(DirectoryUserAdmin.delete_refused_help)[:40] in page
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the confirmation again, listing what protects her
    assert type(adele).objects.filter(pk=adele.pk).exists()


def test_a_credit_given_between_confirmation_and_click_is_refused_not_a_500(
    staff_client, monkeypatch
):
    """The race staff met: the confirmation page said nothing protects the person, the portal
    then assigned them credit, and the click ended in a ProtectedError (a 500)."""
    from django.contrib import admin
    from django.urls import reverse

    from accounts.models import DirectoryUser
    from common.admin import CHANGED_MEANWHILE

    adele = credit_holder()
    model_admin = admin.site._registry[DirectoryUser]
    seen_before_the_credit = type(model_admin).get_deleted_objects

    def as_seen_before(self, objs, request):
        deleted, counts, _perms, _protected = seen_before_the_credit(self, objs, request)
        return deleted, counts, set(), []  # what the check found before the credit existed

    monkeypatch.setattr(type(model_admin), "get_deleted_objects", as_seen_before)
    url = reverse("admin:accounts_directoryuser_delete", args=[adele.pk])
    response = staff_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert str(CHANGED_MEANWHILE) in response.content.decode()
    assert DirectoryUser.objects.filter(pk=adele.pk).exists()


def test_the_delete_action_refuses_a_protected_person_among_others(staff_client, monkeypatch):
    from django.contrib import admin
    from django.urls import reverse

    from accounts.models import DirectoryUser
    from common.admin import SELECTION_CHANGED_MEANWHILE

    adele = credit_holder()
    alex = DirectoryUser.objects.get(display_name="Alex Wilber")
    model_admin = admin.site._registry[DirectoryUser]
    seen_before_the_credit = type(model_admin).get_deleted_objects
    monkeypatch.setattr(
        type(model_admin),
        "get_deleted_objects",
        lambda self, objs, request: (*seen_before_the_credit(self, objs, request)[:2], set(), []),
    )
    response = staff_client.post(
        reverse("admin:accounts_directoryuser_changelist"),
        {"action": "delete_selected", "_selected_action": [adele.pk, alex.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert str(SELECTION_CHANGED_MEANWHILE) in response.content.decode()
    # All or nothing: Alex, who held nothing, is kept too.
    assert DirectoryUser.objects.filter(pk__in=[adele.pk, alex.pk]).count() == 2


def test_deleting_someone_unprotected_still_works(staff_client):
    from django.urls import reverse

    from accounts.models import DirectoryUser

    lab = DirectoryUser.objects.get(display_name="Lab Runner")
    url = reverse("admin:accounts_directoryuser_delete", args=[lab.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not DirectoryUser.objects.filter(pk=lab.pk).exists()


def test_staff_import_product_keys_from_the_key_list(staff_client):
    from django.urls import reverse

    page = staff_client.get(admin_url("benefits_productkey")).content.decode()
    assert f"href='{reverse('admin:benefits_productkey_import')}'" in page
    assert staff_client.get(reverse("admin:benefits_productkey_import")).status_code == 200
