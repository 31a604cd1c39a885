"""The API tokens page (/team/tokens/): team admins create tokens for themselves, see and
revoke every token of their organization; the new token is shown once and stored nowhere."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.api_tokens import (
    NAME_TAKEN,
    SCOPES_REQUIRED,
    UNKNOWN_SCOPES,
    api_token_create,
    token_authenticate,
)
from accounts.models import ApiToken, Role
from benefits.views.team_tokens import CREATED, REVOKED
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("team:tokens")
AGENT = Role.ADMIN_AGENT.value


def revoke_url(token: ApiToken) -> str:
    return reverse("team:token_revoke", args=[token.pk])


def make_token(account, name="Sync"):
    return api_token_create(
        account=account, name=name, scopes=["read"], expires_days=None, actor=account
    )


def test_the_new_token_is_shown_once_for_the_admins_own_account(partner_client, admin_user):
    answer = partner_client.post(
        PAGE, {"name": "ERP", "scopes": ["read", "redeem"], "expires_days": "30"}
    )
    assert answer.status_code == 200
    raw = answer.context["raw_token"]
    token = token_authenticate(raw)
    assert token is not None
    assert token.account == admin_user
    assert token.scopes == ["read", "redeem"]
    html = answer.content.decode()
    assert raw in html
    assert escape(str(CREATED % {"name": "ERP"})) in html
    assert "no-store" in answer["Cache-Control"]
    # Stored nowhere: not in the session, not on the page afterwards.
    assert all(raw not in str(value) for value in partner_client.session.values())
    again = partner_client.get(PAGE).content.decode()
    assert raw not in again
    assert f"pb_{token.prefix}_…" in again


def test_posting_the_form_again_creates_no_second_token(partner_client, admin_user):
    data = {"name": "ERP", "scopes": ["read"]}
    partner_client.post(PAGE, data)
    answer = partner_client.post(PAGE, data)
    assert answer.context["raw_token"] is None
    assert answer.context["form"].errors["name"] == [
        NAME_TAKEN % {"email": admin_user.email, "name": "ERP"}
    ]
    assert ApiToken.objects.count() == 1


def test_refusals_are_shown_under_their_fields(partner_client):
    answer = partner_client.post(PAGE, {"name": "ERP", "expires_days": "9999"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["scopes"] == [str(SCOPES_REQUIRED)]
    assert not ApiToken.objects.exists()
    answer = partner_client.post(PAGE, {"name": "ERP", "scopes": ["read"], "expires_days": "0"})
    assert "expires_days" in answer.context["form"].errors
    assert not ApiToken.objects.exists()


def test_scopes_the_form_does_not_offer_are_named_with_the_known_ones(partner_client):
    answer = partner_client.post(PAGE, {"name": "ERP", "scopes": ["read", "admin"]})
    message = UNKNOWN_SCOPES % {"scopes": "admin", "known": "read, keys, credits, redeem"}
    assert escape(message) in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_every_token_of_the_organization_and_only_those(
    partner_client, admin_user, other_organization, django_assert_max_num_queries
):
    colleague = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    stranger = UserFactory.create(organization=other_organization)
    make_token(admin_user, "Mine")
    make_token(colleague, "Theirs")
    make_token(stranger, "Elsewhere")
    with django_assert_max_num_queries(8):
        html = partner_client.get(PAGE).content.decode()
    assert "Mine" in html
    assert "Theirs" in html
    assert colleague.email in html
    assert "Elsewhere" not in html
    assert stranger.email not in html


def test_a_team_admin_revokes_a_colleagues_token_after_confirming(partner_client, admin_user):
    colleague = UserFactory.create(organization=admin_user.organization, roles=[AGENT])
    token, raw = make_token(colleague)
    confirm = partner_client.get(revoke_url(token))
    assert confirm.status_code == 200
    assert token_authenticate(raw) is not None  # asking revokes nothing
    answer = partner_client.post(revoke_url(token), follow=True)
    assert answer.redirect_chain == [(PAGE, 302)]
    assert escape(str(REVOKED % {"name": token.name})) in answer.content.decode()
    assert token_authenticate(raw) is None
    again = partner_client.post(revoke_url(token), follow=True)
    assert "already revoked" in again.content.decode()


def test_another_organizations_token_is_404(partner_client, other_organization):
    stranger = UserFactory.create(organization=other_organization)
    token, raw = make_token(stranger)
    assert partner_client.get(revoke_url(token)).status_code == 404
    assert partner_client.post(revoke_url(token)).status_code == 404
    assert token_authenticate(raw) is not None


@pytest.mark.parametrize("role", [AGENT, Role.BILLING_ADMIN.value, Role.MPN_PARTNER_ADMIN.value])
def test_only_team_admins_reach_the_page(client, admin_user, role):
    member = UserFactory.create(organization=admin_user.organization, roles=[role])
    token, _raw = make_token(admin_user)
    client.force_login(member)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "x", "scopes": ["read"]}).status_code == 403
    assert client.post(revoke_url(token)).status_code == 403
    assert not ApiToken.objects.filter(account=member).exists()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_admin_also_reaches_the_page(client, admin_user):
    member = UserFactory.create(organization=admin_user.organization, roles=["user_admin"])
    client.force_login(member)
    assert client.get(PAGE).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302


def test_the_team_page_links_to_the_tokens(partner_client):
    assert PAGE in partner_client.get(reverse("team:members")).content.decode()


# --- The admin ------------------------------------------------------------------------------


def test_the_admin_lists_tokens_and_never_shows_the_hash(superuser_client, admin_user):
    token, raw = make_token(admin_user)
    pages = [
        superuser_client.get(reverse("admin:accounts_apitoken_changelist")),
        superuser_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert f"pb_{token.prefix}_…" in html
        assert token.secret_hash not in html
        assert raw not in html
    assert superuser_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_staff_revoke_tokens_in_the_admin(superuser_client, admin_user):
    token, raw = make_token(admin_user)
    answer = superuser_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert answer.status_code == 302
    assert token_authenticate(raw) is None


def test_deactivating_an_account_in_the_admin_revokes_its_tokens(superuser_client, admin_user):
    token, _raw = make_token(admin_user)
    change = reverse("admin:accounts_user_change", args=[admin_user.pk])
    form = superuser_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "organization": admin_user.organization_id,
            "roles": admin_user.roles,
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
    )
    data.pop("is_active")  # an unticked box
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    answer = superuser_client.post(change, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    admin_user.refresh_from_db()
    assert not admin_user.is_active
    token.refresh_from_db()
    assert token.revoked_at is not None
