"""The load of `make bench`: one scenario per run, as the large organization's admin.

bench/run.py starts this with locust, once per scenario, and reads what it writes. Each
simulated user signs in once (on start) and then sends its next request as soon as the last
one is answered; what is measured, and when, is bench/measurement.py's.

Requests carry ``X-Forwarded-Proto: https`` as they do behind the TLS proxy in production.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, constant, task

from bench.measurement import PLAN, SCENARIO, Window

REDEMPTION = "redemption"
HTMX = {"HX-Request": "true"}
TOKEN = re.compile(rb'name="token" value="([0-9a-f]+)"')


class StepFailed(Exception):
    pass


class BehindTheProxy(DefaultCookiePolicy):
    """Secure cookies go over the plain-HTTP hop too: in production that hop is behind the
    proxy that terminates TLS, and the browser sent them over HTTPS."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class PartnerAdmin(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        origin = urlsplit(self.host or "")
        self.headers = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{origin.netloc}",
            "Referer": f"https://{origin.netloc}/",
        }
        self.client.cookiejar.set_policy(BehindTheProxy())
        index = Window.users_started
        self.slot = PLAN["slots"][index % len(PLAN["slots"])]
        # The API's users: a token each (no session) and keys of their own.
        api = PLAN["api"]
        self.api_slot = api["slots"][index % len(api["slots"])]
        self.api_headers = {"Authorization": f"Bearer {api['tokens'][index % len(api['tokens'])]}"}
        Window.users_started += 1
        try:
            if not SCENARIO.startswith("api-"):
                self.sign_in()
        finally:
            Window.user_ready()
        Window.everyone_in.wait()

    def sign_in(self) -> None:
        self.get("/accounts/login/", "sign-in page", b"<form")
        body = {"login": PLAN["email"], "password": PLAN["password"]}
        self.post("/accounts/login/", "sign-in", body, expect_status=302)

    # -- requests ---

    def get(self, path: str, name: str, expect: bytes, headers: dict | None = None) -> bytes:
        return self.send("GET", path, name, expect=expect, headers=headers)

    def post(self, path, name, data, *, expect=b"", expect_status=200, headers=None) -> bytes:
        headers = {
            **(headers or {}),
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.csrf_token(),
        }
        return self.send(
            "POST", path, name, data=urlencode(data), expect=expect, status=expect_status,
            headers=headers,
        )  # fmt: skip

    def send(self, method, path, name, *, expect, status=200, data=None, headers=None) -> bytes:
        """The body of the answer, which must have ``status`` and contain ``expect`` (bytes or a
        bytes pattern: the load generator shares the machine, so it never decodes pages)."""
        # Redirects are answers to check, not to follow: a page that sends to sign-in is an error.
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            headers={**self.headers, **(headers or {})},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            body = response.content or b""
            if response.status_code != status:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code} {where}".strip())
                raise StepFailed(name)
            if expect and expect not in body and not re.search(expect, body):
                response.failure(f"missing {expect!r}")
                raise StepFailed(name)
            return body

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    # -- the scenario ---

    @task
    def run_scenario(self) -> None:
        try:
            SCENARIOS[SCENARIO](self)
        except StepFailed:
            # Already counted as a failure; a moment's pause keeps a broken page from spinning.
            gevent.sleep(0.05)


def healthz(user: PartnerAdmin) -> None:
    user.get("/healthz/", "healthz", b"ok")


def signed_in(user: PartnerAdmin) -> None:
    user.get("/bench/signed-in/", "signed-in", b"ok")


def azure_cloud(user: PartnerAdmin) -> None:
    user.get("/mpn/benefits/azure-cloud/", "azure-cloud", b"benefit-table")


def azure_cloud_filtered(user: PartnerAdmin) -> None:
    path = f"/mpn/benefits/azure-cloud/?{PLAN['filtered_query']}"
    user.get(path, "azure-cloud-filtered", b"benefit-table")


def details(user: PartnerAdmin) -> None:
    user.get(f"/mpn/benefits/azure-cloud/{PLAN['details_benefit']}/", "details", b"<table")


def picker(user: PartnerAdmin) -> None:
    benefit = PLAN["picker_benefit"]
    prefix = random.choice(PLAN["picker_prefixes"])  # noqa: S311 - not a secret
    # What typing in the picker sends: the results only.
    headers = {**HTMX, "HX-Target": f"picker-results-{benefit}"}
    path = f"/mpn/benefits/azure-cloud/{benefit}/people/?q={prefix}"
    user.get(path, "picker", b"", headers=headers)


def products(user: PartnerAdmin) -> None:
    user.get("/products/", "products", b"<table")


def activity(user: PartnerAdmin) -> None:
    user.get("/activity/", "activity", b"<table")


def report(user: PartnerAdmin) -> None:
    user.get("/mpn/benefits/report/", "report", b"<svg")


def redemption(user: PartnerAdmin) -> None:
    """Choose → Key → Review → Redeem with a fresh key, timed as one unit: the four requests
    a person's browser sends (the first a whole page, the rest htmx partials)."""
    slot = user.slot
    if not slot["keys"]:
        _redemption_done(
            0, StepFailed(f"no fresh key left for subscription {slot['subscription']}")
        )
        gevent.sleep(1)
        return
    key = slot["keys"].pop()
    started = time.perf_counter()
    failure = None
    url = "/mpn/benefits/redeem/"
    try:
        user.get(f"{url}?restart=1", "redemption: choose", b'value="choose"')
        choice = {
            "step": "choose",
            "action": "add",
            "subscription": slot["subscription"],
            "tenant": slot["tenant"],
        }
        user.post(url, "redemption: key", choice, expect=b'value="key"', headers=HTMX)
        review = user.post(
            url, "redemption: review", {"step": "key", "key": key}, expect=TOKEN.pattern,
            headers=HTMX,
        )  # fmt: skip
        found = TOKEN.search(review)
        if found is None:  # send() found it; only a page changed meanwhile gets here
            raise StepFailed("redemption: review")
        token = found.group(1).decode()
        body = {"step": "review", "token": token}
        user.post(url, "redemption: redeem", body, expect=b"done-seats", headers=HTMX)
    except StepFailed as error:
        failure = error
    _redemption_done((time.perf_counter() - started) * 1000, failure)
    if failure is not None:
        raise failure


def _redemption_done(elapsed_ms: float, failure: Exception | None, name: str = REDEMPTION) -> None:
    Window.environment.events.request.fire(
        request_type="FLOW",
        name=name,
        response_time=elapsed_ms,
        response_length=0,
        exception=failure,
        context={},
    )


def api_benefits(user: PartnerAdmin) -> None:
    """The first page of the large organization's 500 benefits, as a script lists them."""
    user.get("/api/v1/benefits", "api-benefits", b'"items"', headers=user.api_headers)


def api_people(user: PartnerAdmin) -> None:
    prefix = random.choice(PLAN["picker_prefixes"])  # noqa: S311 - not a secret
    user.get(f"/api/v1/people?q={prefix}", "api-people", b"[", headers=user.api_headers)


def api_redemption(user: PartnerAdmin) -> None:
    """One request: a fresh key added to the user's subscription, with a fresh
    Idempotency-Key (a script's first try, never a replay)."""
    slot = user.api_slot
    if not slot["keys"]:
        _redemption_done(
            0, StepFailed(f"no fresh key left for {slot['subscription']}"), "api-redemption"
        )
        gevent.sleep(1)
        return
    body = {"key": slot["keys"].pop(), "action": "add", "subscription_id": slot["subscription"]}
    headers = {
        **user.api_headers,
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    user.send(
        "POST", "/api/v1/redemptions", "api-redemption", expect=b'"subscription_id"',
        status=201, data=json.dumps(body), headers=headers,
    )  # fmt: skip


SCENARIOS = {
    "healthz": healthz,
    "signed-in": signed_in,
    "azure-cloud": azure_cloud,
    "azure-cloud-filtered": azure_cloud_filtered,
    "details": details,
    "picker": picker,
    "products": products,
    "activity": activity,
    "report": report,
    "redemption": redemption,
    "api-benefits": api_benefits,
    "api-people": api_people,
    "api-redemption": api_redemption,
}
