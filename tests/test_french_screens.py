"""Every screen in French with no English left: the walk visits each page, fragment, form error
and wizard step with `Accept-Language: fr` and fails on any text the French catalogue would
have translated, or on an English word outside the data the organization typed in itself
(product names, people, tenants), which stays as it was entered."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import DirectoryUser, Organization, Tenant, User
from benefits.models import Benefit, Product, ProductKey, Subscription
from benefits.notifications.models import NoticeKind
from common.pagecache import page_cache
from tests.benefits.wizard import wizard_state

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
HTMX = {**FRENCH, "hx-request": "true"}
REDEEM = reverse("benefits:redeem")
POWER_BI_20 = "KQH88-6PMYQ-TH2VP-6J74B-TKCXD"

# Words of the portal's English that French never uses. Words both languages share ("date",
# "page", "licence"…), names and abbreviations are left out on purpose.
ENGLISH_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        """the and of to your you with for this that these is are was were be been by from at it its
    not no yes if then than what which who when where why how will would can could should
    must may has have had do does done into out up down after before about
    view details assign assigned remove removed transfer transferred redeem redeemed key keys
    seat seats expires expired disabled status search next back sign apply
    reset show showing user users people person subscription subscriptions products benefits
    benefit activity credit credits monthly annual bulk month months year years day days today
    tenant tenants member guest holds holder nobody nothing change changed changes password
    choose validate review confirm cancel close open download quantity offer sort sorted
    new old add licenses left remaining end start home welcome help error errors try again
    again please enter select field required invalid wrong more less least most""",
    )
)
BRAND_NAMES = ["Partner Benefits", "Partner Center", "Azure AD", "Azure", "MPN"]
# Attributes that a person reads or hears.
SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-error-message"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{?[^}]*\}?\}")
# Identifiers the portal makes up (message ids, tenant ids, keys) hold digits; letters between
# them ("msg_30be07…" holds "be") are not words of any language.
IDENTIFIER = re.compile(r"[\w-]*\d[\w-]*")


class VisibleText(HTMLParser):
    """The text of a page that a person sees or hears: text nodes outside scripts and styles,
    and the attributes screen readers speak."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        for name, value in attrs:
            if value and (name in SPOKEN_ATTRIBUTES or (name == "value" and tag == "button")):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    # The activity CSV streams: its lines can be read once.
    streamed = getattr(response, "streaming", False)
    content = (b"".join(response.streaming_content) if streamed else response.content).decode()
    if response["Content-Type"].startswith("text/csv"):
        return content
    return visible_text_of(content)


def visible_text_of(content: str) -> str:
    parser = VisibleText()
    parser.feed(content)
    return " ".join(" ".join(parser.parts).split())


def english_sentences() -> list[str]:
    """Pieces of the catalogue's English, three words or more, that French says otherwise."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    pieces = set()
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        for piece in PLACEHOLDER.split(html.unescape(message.id)):
            piece = " ".join(piece.split()).strip(" .,:;—()")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3:
                pieces.add(piece)
    return sorted(pieces)


def typed_in_data() -> list[str]:
    """What people entered themselves, and the names of the product and its program, longest
    first so that no part of them is left behind."""
    values: set[str] = set(BRAND_NAMES)
    values |= set(Product.objects.values_list("name", flat=True))
    values |= set(Organization.objects.values_list("name", flat=True))
    for row in Tenant.objects.values_list("display_name", "primary_domain"):
        values |= set(row)
    for row in DirectoryUser.objects.values_list("display_name", "user_principal_name"):
        values |= set(row)
    for account in User.objects.values_list("email", "first_name", "last_name"):
        values |= set(account)
    return sorted((value for value in values if value), key=len, reverse=True)


def english_left(text: str, sentences: list[str], data: list[str]) -> list[str]:
    found = [f"catalogue: {sentence!r}" for sentence in sentences if sentence in text]
    for value in data:
        text = text.replace(value, " ")
    text = IDENTIFIER.sub(" ", text)
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)}
    found += [f"word: {word!r}" for word in sorted(words & ENGLISH_WORDS)]
    return found


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
    post("wizard, key of another product", REDEEM, {"step": "key", "key": POWER_BI_20})
    get("wizard, key again", REDEEM, subscription=power_bi_subscription.pk, action="extend")
    post("wizard, key too big", REDEEM, {"step": "key", "key": POWER_BI_20})
    named = ProductKey.objects.get(key=POWER_BI_20).pk  # a key's Redeem link names it by id
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
    post("wizard, review", REDEEM, {"step": "key", "key": "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"})
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


def webhook_failing_for_days(organization) -> None:
    """An endpoint of ``organization`` failing for 4 days, disabled: its team admins are told."""
    from datetime import timedelta

    from django.utils import timezone

    from benefits.webhooks.delivery import endpoints_failing_disable
    from benefits.webhooks.models import WebhookEndpoint

    now = timezone.now()
    WebhookEndpoint.objects.create(
        organization=organization,
        url="https://hooks.contoso.example/in",
        kinds=["credit_assigned"],
        secret="whsec_" + "A" * 44,
        failing_since=now - timedelta(days=4),
    )
    assert endpoints_failing_disable(now=now)


def walk_invitation(screens: dict[str, object]) -> None:
    """The invitee's pages: the link that works, a wrong password, links that don't."""
    from accounts.models import Invitation
    from benefits.services import team

    admin = User.objects.get(email="admin@contoso.example")
    assert admin.organization is not None
    created = team.invitation_create(
        organization=admin.organization,
        email="invite@contoso.example",
        roles=[],
        language="fr",
        actor=admin,
    )
    Invitation.objects.filter(pk=created.pk).update(token_hash=team.token_hash("fr-token"))
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


@pytest.fixture
def french_screens(demo_data) -> dict[str, object]:
    client = Client()
    client.force_login(User.objects.get(email="admin@contoso.example"))
    screens = walk(client)
    billing = Client()
    billing.force_login(User.objects.get(email="billing@contoso.example"))
    screens["no access"] = billing.get(reverse("benefits:overview"), headers=FRENCH)
    screens["notification preferences, language only"] = billing.get(
        reverse("notifications:preferences"), headers=FRENCH
    )
    walk_invitation(screens)
    anonymous = Client()
    screens["sign in"] = anonymous.get(reverse("login"), headers=FRENCH)
    screens["sign in refused"] = anonymous.post(
        reverse("login"), {"login": "nobody@example.com", "password": "x"}, headers=FRENCH
    )
    screens.update(password_reset_screens())
    screens["reauthenticate"] = client.get(reverse("account_reauthenticate"), headers=FRENCH)
    screens["two-step"] = client.get(reverse("mfa_index"), headers=FRENCH)
    screens["two-step passkeys"] = client.get(reverse("mfa_list_webauthn"), headers=FRENCH)
    screens["sign out"] = client.get(reverse("logout"), headers=FRENCH)
    screens.update(unsubscribe_screens())
    screens.update(api_token_screens())
    screens.update(key_import_screens())
    return screens


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
    from tests.benefits.test_key_import import csv_file, fresh_keys

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


# The file's column names are fixed, in English, whatever the language: the French pages quote
# them as they must be typed.
KEY_IMPORT_COLUMNS = ["product key", "licenses", "benefit", "MPN ID", "product"]


def test_every_screen_is_in_french_with_no_english_left(french_screens):
    sentences, data = english_sentences(), typed_in_data()
    problems = {}
    for name, response in french_screens.items():
        assert response.status_code < 500, name
        columns = KEY_IMPORT_COLUMNS if name.startswith("key import") else []
        found = english_left(visible_text(response), sentences, data + columns)
        if found:
            problems[name] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_walk_reaches_every_kind_of_screen(french_screens):
    """The walk is worth what it visits: each step answered what a person would see."""
    text = {name: visible_text(response) for name, response in french_screens.items()}
    assert french_screens["no access"].status_code == 403
    assert french_screens["not found"].status_code == 404
    assert "Entrez la clé de produit" in text["wizard, key"]
    assert "vérifiez ces caractères : O." in text["wizard, key refused"]
    assert "Cette clé est pour Power BI Pro" in text["wizard, key of another product"]
    assert "plus de trois fois les licences" in text["wizard, key too big"]
    assert "25 × 12 ÷ 100 = 3 mois" in text["wizard, review"]
    assert "Terminé" in text["wizard, done page"]
    assert "Adele Vance" in text["assign"]
    assert "Lee Gu" in text["transfer picker"]
    assert "Crédit transféré" in text["activity"]
    assert "Rôles modifiés" in text["activity, team"]
    assert "Crédit transféré" in text["activity, range"]
    assert "Saisissez une date comme" in text["activity, range refused"]
    assert "« Au » précède « Du » (02/02/2026)" in text["activity, range reversed"]
    assert text["activity csv"].startswith("\ufeffEnregistrement,Quand,Qui,Quoi")
    assert "Désactiver agent@contoso.example" in text["team, deactivate"]
    assert "Choisissez un mot de passe" in text["join"]
    assert text["csv"].startswith("\ufeffSection,Produit")
    assert "Licences échangées et disponibles" in text["report"]
    assert text["report, csv"].startswith("\ufeffSection,Produit ou mois,Mesure,Nombre")
    assert "Mot de passe oublié ?" in text["sign in"]
    assert "Choisissez un nouveau mot de passe" in text["new password"]
    assert "ne fonctionne pas" in text["reset link refused"]
    assert "Consultez vos e-mails" in text["reset sent"]
    assert "non lues)" in text["notifications, unread count"]
    assert "Nouveau Places de crédit libres" in text["notifications"]
    assert "prend fin le" in text["notifications"]
    assert "Types de notification inconnus : nope." in text["notification preferences refused"]
    assert "sont enregistrées" in text["notification preferences saved"]
    assert "le vôtre n’en a pas" in text["notification preferences, language only"]
    assert "Ne plus recevoir ces e-mails" in text["unsubscribe"]
    assert "Cet importateur va importer" in text["key import"]
    assert "Le fichier doit avoir les colonnes" in text["key import, file refused"]
    assert "Certaines lignes sont refusées" in text["key import, rows refused"]
    assert "Cette clé est déjà dans le portail" in text["key import, rows refused"]
    assert "Confirmer l’importation" in text["key import, preview"]
    assert "Clés de produit importées : 1." in text["key import, done"]
    assert "gardé qu’une heure" in text["key import, confirmed too late"]
    assert french_screens["unsubscribe, bad link"].status_code == 404


def test_the_english_detector_finds_english(demo_data):
    """A control: the same walk in English is flagged, so the French result means something."""
    client = Client()
    client.force_login(User.objects.get(email="admin@contoso.example"))
    response = client.get(reverse("benefits:azure_cloud"))
    found = english_left(visible_text(response), english_sentences(), typed_in_data())
    assert any(item.startswith("catalogue:") for item in found)
    assert any(item.startswith("word:") for item in found)


def test_identifiers_are_not_read_as_words():
    """A delivery's message id is hex: letters between its digits are not English, while the
    same letters standing alone are."""
    assert english_left("Livraison msg_30be07a9add1 envoyée", [], []) == []
    assert english_left("Livraison be envoyée", [], []) == ["word: 'be'"]


MAIL_TEMPLATES = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(__file__).resolve().parent.parent / "templates" / "mail").glob(
        "*_subject.txt"
    )
)


def digest_of_every_kind(organization: Organization, today):
    """Today's digest of the demo organization, with a notice of each kind due: its monthly
    credit (no holder) ends in 5 days, its Power BI subscription in 10."""
    from datetime import timedelta

    from benefits.notifications.digests import send_organization_digests

    organization.benefits.filter(product__name__startswith="Azure monthly").update(
        expiration_date=today + timedelta(days=5)
    )
    Subscription.objects.filter(
        tenant__organization=organization, product__name="Power BI Pro"
    ).update(end_date=today + timedelta(days=10))
    return send_organization_digests(organization_id=organization.pk, today=today)


def test_every_mail_is_in_french_with_no_english_left(
    demo_data, mailoutbox, django_capture_on_commit_callbacks
):
    """Each mail the portal sends, as a French account receives it: subject, text and HTML."""
    from django.utils import timezone

    from benefits.demo.data import STAFF_EMAIL
    from benefits.services.credits import credit_assign, credit_remove, credit_transfer
    from benefits.services.team import invitation_create

    admin = User.objects.get(email="admin@contoso.example")
    organization = admin.organization
    assert organization is not None
    User.objects.filter(pk=admin.pk).update(language="fr")
    admin.refresh_from_db()  # a person's credit mails speak the language of the admin acting
    monthly, bulk = (
        organization.benefits.get(product__name__startswith=name)
        for name in ("Azure monthly", "Azure bulk")
    )
    adele, alex = (
        DirectoryUser.objects.get(display_name=n) for n in ("Adele Vance", "Alex Wilber")
    )
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": admin.email})
        invitation_create(
            organization=organization,
            email="nouvelle@contoso.example",
            roles=["mpn_partner_admin"],
            language="fr",
            actor=admin,
        )
        invitation_create(  # an address with an account elsewhere: a mail with no link
            organization=organization, email=STAFF_EMAIL, roles=[], language="fr", actor=admin
        )
        credit_assign(benefit=monthly, directory_user=adele, actor=admin, today=today)
        credit_remove(benefit=monthly, directory_user=adele, actor=admin, today=today)
        credit_assign(benefit=bulk, directory_user=alex, actor=admin, today=today)
        credit_transfer(benefit=bulk, holder=alex, to=adele, actor=admin, today=today)
        digest = digest_of_every_kind(organization, today)
    sent = {"password_reset_key": mailoutbox[0], "team_invitation": mailoutbox[1]}
    sent["team_invitation_taken"] = mailoutbox[2]
    sent["credit_assigned"], sent["credit_removed"] = mailoutbox[3], mailoutbox[4]
    sent["credit_transferred"] = mailoutbox[6]
    [sent["digest"]] = [m for m in mailoutbox[8:] if m.to == [admin.email]]  # after the credits
    before = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_failing_for_days(organization)
    [sent["webhook_disabled"]] = [m for m in mailoutbox[before:] if m.to == [admin.email]]
    assert sorted(sent) == MAIL_TEMPLATES, "a mail the portal sends is missing from this walk"
    assert set(digest.counts) == set(NoticeKind.values)  # each kind in French
    # A template's other wording: the previous holder of a transferred credit.
    variants = {"credit_removed (transferred)": mailoutbox[7]}
    assert variants["credit_removed (transferred)"].to == [alex.user_principal_name]
    sentences, data = english_sentences(), [*typed_in_data(), "contoso.example"]
    problems = {}
    for name, message in [*sent.items(), *variants.items()]:
        [(html_part, _type)] = message.alternatives
        for part, text in (
            ("subject", message.subject),
            ("text", message.body),
            ("html", visible_text_of(str(html_part))),
        ):
            # Links are addresses, not language.
            found = english_left(re.sub(r"https?://\S+", " ", text), sentences, data)
            if found:
                problems[f"{name} {part}"] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
