"""The walk: every screen of the portal in French, in the state a partner admin meets it."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import DirectoryUser, User
from benefits.models import Benefit, ProductKey, Subscription
from common.pagecache import page_cache
from tests.benefits.wizard import wizard_state
from tests.benefits.wizard_pages import O365_25, PBI_20
from tests.benefits.wizard_pages import URL as REDEEM
from tests.conftest import invitation_with_link
from tests.french.detector import FRENCH

HTMX = {**FRENCH, "hx-request": "true"}


def walk(client: Client) -> dict[str, object]:
    """Every screen of the portal, in the state a partner admin meets it, as {name: response}."""
    cache.clear()
    page_cache().clear()
    office = Benefit.objects.get(organization__mpn_id="4711001", product__name="Office 365 E3")
    monthly = Benefit.objects.get(
        organization__mpn_id="4711001", product__name__startswith="Azure monthly"
    )
    bulk = Benefit.objects.get(
        organization__mpn_id="4711001", product__name__startswith="Azure bulk"
    )
    adele = DirectoryUser.objects.get(display_name="Adele Vance")
    alex = DirectoryUser.objects.get(display_name="Alex Wilber")
    office_subscription = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    power_bi_subscription = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Power BI Pro"
    )
    details = reverse("benefits:benefit_detail", args=[monthly.pk])
    screens: dict[str, object] = {}

    def get(name, url, headers=FRENCH, **params):
        screens[name] = client.get(url, params, headers=headers)

    def post(name, url, data, headers=FRENCH):
        # Without htmx a form redirects to the page that shows the outcome: follow it.
        screens[name] = client.post(url, data, headers=headers, follow=True)

    get("home", reverse("home"))
    get("overview", reverse("benefits:overview"))
    get("azure & cloud", reverse("benefits:azure_cloud"))
    get(
        "azure & cloud, filtered",
        reverse("benefits:azure_cloud"),
        status="expired",
        sort="-quantity",
    )
    get("azure & cloud, nothing found", reverse("benefits:azure_cloud"), q="zzz")
    get("azure & cloud, bad filter", reverse("benefits:azure_cloud"), offer="nope", sort="x")
    get("azure & cloud, fragment", reverse("benefits:azure_cloud"), HTMX, offer="gold")
    get("csv", reverse("benefits:azure_cloud_csv"))
    get("license details", reverse("benefits:benefit_detail", args=[office.pk]))
    get("license details, in place", reverse("benefits:benefit_detail", args=[office.pk]), HTMX)
    keys_in_full = reverse("benefits:benefit_keys_revealed", args=[office.pk])
    get("full keys, asked to authenticate again", keys_in_full)
    client.post(reverse("login"), {"login": "admin@contoso.example", "password": "partner-demo"})
    get("full keys", keys_in_full)
    get("credit details", details)
    get("bulk credit details", reverse("benefits:benefit_detail", args=[bulk.pk]))
    get("picker", details + "people/")
    get("picker, in place", details + "people/", HTMX)
    get("picker, results", details + "people/", HTMX, q="a")
    get("picker, results page", details + "people/", q="ad")
    get("picker, nothing found", details + "people/", HTMX, q="zzzz")
    post("assign", details + "assign/", {"directory_user": adele.pk}, HTMX)
    post("assign refused", details + "assign/", {"directory_user": adele.pk}, HTMX)
    get("remove, confirm", details + f"holders/{adele.pk}/remove/")
    post("remove", details + f"holders/{adele.pk}/remove/", {}, HTMX)
    bulk_details = reverse("benefits:benefit_detail", args=[bulk.pk])
    post("assign bulk", bulk_details + "assign/", {"directory_user": alex.pk}, HTMX)
    get("transfer picker", bulk_details + f"people/{alex.pk}/transfer/", q="le")
    post("transfer", bulk_details + f"holders/{alex.pk}/transfer/", {"directory_user": adele.pk})
    get("products", reverse("products"))
    get("wizard, choose", REDEEM, restart=1)
    post("wizard, choose refused", REDEEM, {"step": "choose", "action": "extend"})
    get("wizard, key", REDEEM, subscription=office_subscription.pk, action="extend")
    post("wizard, key refused", REDEEM, {"step": "key", "key": "O6XHH-2D2TT-9HB6D-FV6M9-F7CPQ"})
    post("wizard, key of another product", REDEEM, {"step": "key", "key": PBI_20})
    get("wizard, key again", REDEEM, subscription=power_bi_subscription.pk, action="extend")
    post("wizard, key too big", REDEEM, {"step": "key", "key": PBI_20})
    named = ProductKey.objects.get(key=PBI_20).pk  # a key's Redeem link names it by id
    get(
        "wizard, key from a Redeem link",
        REDEEM,
        subscription=office_subscription.pk,
        action="extend",
        key_id=named,
    )
    post("wizard, key from a Redeem link refused", REDEEM, {"step": "key", "key_id": named})
    post("wizard, type another key", REDEEM, {"step": "type_key"})
    get("wizard, key once more", REDEEM, subscription=office_subscription.pk, action="extend")
    post("wizard, review", REDEEM, {"step": "key", "key": O365_25})
    token = wizard_state(client)["token"]
    post("wizard, done", REDEEM, {"step": "review", "token": token}, HTMX)
    get("wizard, done page", REDEEM)
    get("report", reverse("benefits:report"))
    get("report, csv", reverse("benefits:report_csv"))
    get("activity", reverse("activity"))
    get("activity, filtered", reverse("activity"), kind="credit_assigned")
    get("activity, range", reverse("activity"), **{"from": "01/01/2026", "to": "31/12/2030"})
    get("activity, range refused", reverse("activity"), **{"from": "31/12/2030", "to": "x"})
    get(
        "activity, range reversed",
        reverse("activity"),
        HTMX,
        **{"from": "2026-02-02", "to": "2026-02-01"},
    )
    get("activity csv", reverse("activity_export"), **{"from": "01/01/2026"})
    walk_team(get, post)
    walk_notifications(get, post)
    walk_webhooks(get, post)
    get("password", reverse("password_change"))
    post("password refused", reverse("password_change"), {"old_password": "x"})
    get("not found", reverse("benefits:benefit_detail", args=[999999]))
    return screens


def walk_team(get, post) -> None:
    """The Team page and each of its actions, in place and as pages, with their refusals."""
    from accounts.models import Invitation

    team = reverse("team:members")
    agent = User.objects.get(email="agent@contoso.example").pk
    roles = reverse("team:member_roles", args=[agent])
    deactivate = reverse("team:member_deactivate", args=[agent])
    invite = reverse("team:invite")
    get("team", team)
    get("team, invite", invite)
    post("team, invite refused", invite, {"email": "x", "roles": ["nope"], "language": "fr"})
    new = {"email": "nouveau@contoso.example", "roles": ["billing_admin"], "language": "fr"}
    post("team, invited", invite, new)
    post("team, invited twice", invite, new)
    get("team, roles", roles, HTMX)
    get("team, roles page", roles)
    post("team, roles changed", roles, {f"member-{agent}-roles": ["sales_agent"]}, HTMX)
    post("team, roles unchanged", roles, {f"member-{agent}-roles": ["sales_agent"]}, HTMX)
    get("team, deactivate", deactivate)
    get("team, deactivate in place", deactivate, HTMX)
    post("team, deactivated", deactivate, {}, HTMX)
    post("team, deactivate refused", deactivate, {}, HTMX)
    post("team, reactivated", reverse("team:member_reactivate", args=[agent]), {})
    invitation = Invitation.objects.get(email="nouveau@contoso.example").pk
    post("team, resent", reverse("team:invitation_resend", args=[invitation]), {}, HTMX)
    get("team, cancel", reverse("team:invitation_cancel", args=[invitation]))
    post("team, cancelled", reverse("team:invitation_cancel", args=[invitation]), {}, HTMX)
    get("activity, team", reverse("activity"), kind="roles_changed")


def walk_notifications(get, post) -> None:
    """/notifications/ with a notice of every kind, the top bar's count, the preferences."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    Benefit.objects.filter(
        organization__mpn_id="4711001", product__name__startswith="Azure monthly"
    ).update(expiration_date=today + timedelta(days=5))  # expiring, with seats free
    Subscription.objects.filter(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Power BI Pro"
    ).update(end_date=today + timedelta(days=10))
    get("notifications, unread count", reverse("notifications:unread"), HTMX)
    get("notifications", reverse("notifications:list"))
    preferences = reverse("notifications:preferences")
    get("notification preferences", preferences)
    post("notification preferences refused", preferences, {"kinds": ["nope"], "language": "xx"})
    post("notification preferences saved", preferences, {"kinds": ["benefit_expiring"]})


def walk_webhooks(get, post) -> None:
    """/team/webhooks/: the list, the form and its refusals, the secret, an endpoint's page
    with its delivery log, the confirmations."""
    from django.test import override_settings

    from benefits.models import Activity
    from benefits.services.activity import activity_record
    from benefits.webhooks.models import WebhookEndpoint

    webhooks = reverse("team:webhooks")
    create = reverse("team:webhook_create")
    get("webhooks, none", webhooks)
    get("webhooks, add", create)
    post("webhooks, add refused", create, {"url": "http://hooks.example.com/", "kinds": []})
    post("webhooks, private refused", create, {"url": "https://10.0.0.1/", "kinds": ["nope"]})
    with override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True):
        post("webhooks, added", create, {"url": "https://localhost/in", "kinds": ["roles_changed"]})
    endpoint = WebhookEndpoint.objects.get(url="https://localhost/in")
    admin = User.objects.get(email="admin@contoso.example")
    activity_record(
        kind=Activity.Kind.ROLES_CHANGED,
        actor=admin,
        organization=endpoint.organization,
        before={"member": "agent@contoso.example", "roles": []},
        after={"member": "agent@contoso.example", "roles": ["admin_agent"]},
    )
    detail = reverse("team:webhook_detail", args=[endpoint.pk])
    get("webhooks, endpoint", detail)
    post("webhooks, kinds refused", detail, {"kinds": []})
    post("webhooks, disabled", reverse("team:webhook_disable", args=[endpoint.pk]), {})
    get("webhooks, endpoint disabled", detail)
    get("webhooks, list", webhooks)
    get("webhooks, new secret", reverse("team:webhook_secret", args=[endpoint.pk]))
    post("webhooks, secret changed", reverse("team:webhook_secret", args=[endpoint.pk]), {})
    get("webhooks, delete", reverse("team:webhook_delete", args=[endpoint.pk]))


def walk_invitation(screens: dict[str, object]) -> None:
    """The invitee's pages: the link that works, a wrong password, links that don't."""
    from benefits.services import team

    admin = User.objects.get(email="admin@contoso.example")
    created = invitation_with_link(admin, "invite@contoso.example", "fr-token", language="fr")
    invitee = Client()
    join = reverse("team:join", args=["fr-token"])
    accept = reverse("team:join_accept")
    screens["join, no link opened"] = invitee.get(accept, headers=FRENCH)
    screens["join"] = invitee.get(join, headers=FRENCH, follow=True)
    screens["join, weak password"] = invitee.post(
        accept, {"password1": "password", "password2": "passwort"}, headers=FRENCH
    )
    locked = Client(REMOTE_ADDR="198.51.100.50")
    for _ in range(10):
        locked.post(reverse("login"), {"login": created.email, "password": "wrong"})
    screens["join, locked"] = locked.get(join, headers=FRENCH, follow=True)
    screens["join, bad link"] = invitee.get(reverse("team:join", args=["nope"]), headers=FRENCH)
    team.invitation_cancel(invitation=created, actor=admin)
    screens["join, cancelled"] = invitee.get(join, headers=FRENCH)
    billing = Client()
    billing.force_login(User.objects.get(email="billing@contoso.example"))
    screens["team, no access"] = billing.get(reverse("team:members"), headers=FRENCH)
