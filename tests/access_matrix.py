"""The portal's access matrix: every URL name with what its own organization's admin gets for
GET and an empty POST, the visitors it is tried with, and each URL built with ids of one
organization's objects (``tests/test_access_matrix.py`` runs it)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import DirectoryUser, User
from benefits.models import Benefit

# URL name -> (what the benefits admin of the object's own organization gets for GET, for a
# POST with an empty body). None: the URL takes no object of an organization.
BENEFITS = {
    "benefits:overview": (200, 405),
    "benefits:azure_cloud": (200, 405),
    "benefits:azure_cloud_csv": (200, 405),
    "benefits:benefit_detail": (200, 405),
    # Full keys: a second factor (here the password: force_login proves none) is asked first.
    "benefits:benefit_keys_revealed": (302, 405),
    "benefits:credit_picker": (200, 405),
    "benefits:credit_transfer_picker": (200, 405),
    "benefits:credit_assign": (405, 404),  # no person posted: 404
    "benefits:credit_remove": (200, 302),  # refused (not a holder), back to the details
    "benefits:credit_transfer": (405, 404),
    "benefits:redeem": (200, 302),  # an unknown step goes back to the wizard
    "benefits:report": (200, 405),
    "benefits:report_csv": (200, 405),
    "activity": (200, 405),
    "activity_export": (200, 405),  # the log's CSV, for the same filters
    "products": (200, 405),
    "notifications:list": (200, 405),
    "notifications:unread": (200, 405),  # the top bar's count
}
# The Team page's URLs -> what a team admin (TEAM_ADMIN_ROLES) of the object's own organization
# gets for GET and an empty POST; everyone else signed in gets 403.
TEAM = {
    "team:members": (200, 405),
    "team:invite": (200, 200),  # the form again, with its errors
    "team:member_roles": (200, 302),  # no box ticked: the roles are emptied, back to the page
    "team:member_deactivate": (200, 302),
    "team:member_reactivate": (405, 302),  # refused (already active), back to the page
    "team:invitation_resend": (405, 302),
    "team:invitation_cancel": (200, 302),
    # API tokens: the page (an empty form: again, with its errors) and a token's revoke.
    "team:tokens": (200, 200),
    "team:token_revoke": (200, 302),
    # Webhooks (an endpoint of the organization, and one of its deliveries).
    "team:webhooks": (200, 405),
    "team:webhook_create": (200, 200),  # the form again, with its errors
    "team:webhook_detail": (200, 200),  # no kind ticked: the page again, with the error
    # Posted without the version its confirmation page sends: that confirmation, to send it.
    "team:webhook_secret": (200, 200),
    "team:webhook_disable": (405, 302),
    "team:webhook_enable": (405, 302),
    "team:webhook_resend": (405, 302),
    "team:webhook_delete": (200, 302),  # last: the endpoint is gone after it
}
# URLs open to everyone, with what an anonymous visitor gets for GET and POST.
PUBLIC = {
    "login": (200, 200),
    "logout": (302, 302),  # signed out already: back to sign-in
    # allauth's names for the same sign-in and sign-out, and its password reset by link.
    "account_login": (200, 200),
    "account_logout": (302, 302),
    "account_reset_password": (200, 200),
    "account_reset_password_done": (200, 405),
    "account_reset_password_from_key": (200, 200),  # a wrong link: the page says so
    "account_reset_password_from_key_done": (200, 405),
    "healthz": (200, 405),
    "set_language": (302, 302),
    "home": (302, 405),
    # An invitation's accept step, without a link opened first in this session: the page says so.
    "team:join_accept": (404, 404),
    # A digest's unsubscribe link, here a forged one: the page says so (a signed one: 200, 200).
    "notifications:unsubscribe": (404, 404),
}
# URLs of one's own account: what any signed-in visitor gets for GET and an empty POST (the form
# again, with its errors); an anonymous visitor is sent to sign in.
ACCOUNT = {
    "password_change": (200, 200),
    "account_change_password": (200, 200),
    "account_reauthenticate": (200, 200),
    # Every signed-in account (the kinds for the benefits roles): an empty form turns every
    # kind off and follows the browser's language, back to the page.
    "notifications:preferences": (200, 302),
}
# Addresses that take arguments, with made-up ones.
KWARGS = {
    "account_reset_password_from_key": {"uidb36": "1", "key": "no-such-key"},
    "notifications:unsubscribe": {"token": "1:no-such-signature"},
}
# Two-step verification (allauth.mfa): what a signed-in account without a second factor, just
# signed in without a password record (force_login), gets for GET and an empty POST.
MFA = {
    "mfa_index": (200, 405),
    "mfa_authenticate": (302, 302),  # no sign-in under way: back to sign-in
    "mfa_reauthenticate": (302, 302),  # no second factor: to the password
    "mfa_activate_totp": (302, 302),  # asks the password first
    "mfa_deactivate_totp": (404, 404),
    "mfa_view_recovery_codes": (404, 405),
    "mfa_generate_recovery_codes": (302, 302),
    "mfa_download_recovery_codes": (404, 405),
    "mfa_list_webauthn": (200, 405),
    "mfa_add_webauthn": (302, 302),
    "mfa_reauthenticate_webauthn": (302, 302),
    "mfa_remove_webauthn": (302, 302),  # asks the password first; then 404 for no such key
    "mfa_edit_webauthn": (302, 302),
}
MFA_KWARGS = {"mfa_remove_webauthn": {"pk": 1}, "mfa_edit_webauthn": {"pk": 1}}
SAFE_ONLY = {name for name, (_get, post) in BENEFITS.items() if post == 405}
POST_ONLY = {name for name, (get, _post) in BENEFITS.items() if get == 405}


def url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace != "admin":
                names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def urls_of(mpn_id: str) -> dict[str, str]:
    """Each benefits URL with ids of the given organization's objects."""
    benefits = Benefit.objects.filter(organization__mpn_id=mpn_id).order_by("-product__kind")
    monthly = benefits.filter(product__name__startswith="Azure monthly").first() or benefits[0]
    person = DirectoryUser.objects.filter(tenant__organization__mpn_id=mpn_id).first()
    licensed = benefits.filter(product__kind="license").first()
    assert monthly is not None
    assert licensed is not None
    assert person is not None
    args = {
        "benefits:benefit_detail": [monthly.pk],
        "benefits:benefit_keys_revealed": [licensed.pk],
        "benefits:credit_picker": [monthly.pk],
        "benefits:credit_transfer_picker": [monthly.pk, person.pk],
        "benefits:credit_assign": [monthly.pk],
        "benefits:credit_remove": [monthly.pk, person.pk],
        "benefits:credit_transfer": [monthly.pk, person.pk],
    }
    return {name: reverse(name, args=args.get(name, [])) for name in BENEFITS}


VISITORS = {
    "global admin": "admin@contoso.example",
    "MPN partner admin": "mpn@contoso.example",
    "user admin": "users@contoso.example",
    "admin agent": "agent@contoso.example",
    "billing admin": "billing@contoso.example",
    "staff": "staff@partnerbenefits.example",
    "anonymous": None,
}


def api_token_of(account: User) -> int:
    """The id of a new API token of ``account``."""
    from accounts.api_tokens import api_token_create

    token, _raw = api_token_create(
        account=account, name="Matrix", scopes=["read"], expires_days=None, actor=account
    )
    return token.pk


def team_urls_of(mpn_id: str) -> dict[str, str]:
    """Each Team URL with ids of the given organization's member (its Admin agent, else its
    first account) and of an open invitation."""
    from accounts.models import Organization
    from benefits.services.team import invitation_create

    organization = Organization.objects.get(mpn_id=mpn_id)
    members = User.objects.filter(organization=organization).order_by("pk")
    member = members.filter(email__startswith="agent@").first() or members.first()
    admin = members.filter(roles__icontains="global_admin").first()
    assert member is not None
    assert admin is not None
    invitation = invitation_create(
        organization=organization,
        email=f"matrix@{mpn_id}.example",
        roles=[],
        language="en",
        actor=admin,
    )
    args = {"member": [member.pk], "invitation": [invitation.pk]}
    args["token"] = [api_token_of(admin)]
    args |= webhook_args(organization)
    return {
        name: reverse(name, args=args.get(name, args.get(name.split(":")[1].split("_")[0], [])))
        for name in TEAM
    }


def webhook_args(organization) -> dict[str, list[int]]:
    """An endpoint of ``organization`` that wants every kind, with one delivery."""
    from benefits.models import Activity
    from benefits.services.activity import activity_record
    from benefits.webhooks.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url="https://hooks.example.com/matrix",
        kinds=Activity.Kind.values,
        secret="whsec_" + "A" * 44,
    )
    admin = User.objects.filter(organization=organization).order_by("pk").first()
    assert admin is not None
    activity = activity_record(
        kind=Activity.Kind.ROLES_CHANGED,
        actor=admin,
        organization=organization,
        before={},
        after={},
    )
    delivery = endpoint.deliveries.get(activity=activity)
    return {
        **{name: [endpoint.pk] for name in TEAM if name.startswith("team:webhook_")},
        "team:webhook_create": [],
        "team:webhook_resend": [endpoint.pk, delivery.pk],
    }
