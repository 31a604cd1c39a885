"""One organization written by twelve threads at once on PostgreSQL: partner admins assigning and
removing credit through the pages, keys redeemed into one subscription, and staff deleting
people in the admin — the mix that used to deadlock on the organization's row. Nothing may
deadlock or fail; refusals are fine (a seat taken, a person gone); and afterwards every cached
page shows the data as it is."""

from __future__ import annotations

import random
import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, User
from benefits.models import Activity, Benefit, ProductKey, Subscription
from common.pagecache import page_cache
from tests.benefits.factories import ProductKeyFactory
from tests.benefits.redeeming import redeem_by_service

SECONDS = 10
PEOPLE = 40
KEYS_PER_REDEEMER = 200


@pytest.fixture
def scene(postgres, demo_data):
    contoso = Organization.objects.get(mpn_id="4711001")
    tenant = contoso.tenants.get(is_primary=True)
    DirectoryUser.objects.bulk_create(
        DirectoryUser(
            tenant=tenant, display_name=f"Pat {n:02}", user_principal_name=f"pat{n}@contoso.example"
        )
        for n in range(PEOPLE)
    )
    credit = Benefit.objects.get(organization=contoso, credit_period=Benefit.Period.MONTHLY)
    Benefit.objects.filter(pk=credit.pk).update(quantity=PEOPLE)
    office = Benefit.objects.get(organization=contoso, product__name="Office 365 E3")
    keys = [
        [ProductKeyFactory.create(benefit=office, licenses=1).pk for _ in range(KEYS_PER_REDEEMER)]
        for _ in range(4)
    ]
    subscription = Subscription.objects.get(tenant=tenant, product=office.product)
    return contoso, credit, keys, subscription


def signed_in(email: str) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(email=email))
    return client


def people_ids() -> list[int]:
    return list(
        DirectoryUser.objects.filter(display_name__startswith="Pat ").values_list("pk", flat=True)
    )


def test_twelve_writers_never_deadlock_or_fail_and_pages_stay_fresh(scene):
    contoso, credit, keys, subscription = scene
    errors: list[str] = []
    done = {"assigned": 0, "removed": 0, "redeemed": 0, "deleted": 0, "refused": 0}
    lock = threading.Lock()
    started, stop_at = timezone.now(), time.monotonic() + SECONDS

    def count(outcome: str) -> None:
        with lock:
            done[outcome] += 1

    def checked(response, ok: str) -> None:
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {response.request['PATH_INFO']}")
        count(ok if response.status_code in (200, 302) else "refused")

    def assigner(index: int) -> None:
        client, chooser = signed_in("admin@contoso.example"), random.Random(index)
        assign = reverse("benefits:credit_assign", args=[credit.pk])
        while time.monotonic() < stop_at:
            person = chooser.choice(people_ids() or [0])
            checked(client.post(assign, {"directory_user": person}), "assigned")
            remove = reverse("benefits:credit_remove", args=[credit.pk, person])
            checked(client.post(remove), "removed")

    def redeemer(index: int) -> None:
        actor = User.objects.get(email="mpn@contoso.example")
        for key_id in keys[index]:
            if time.monotonic() >= stop_at:
                return
            count(redeem_by_service(key_id=key_id, subscription=subscription, actor=actor))

    def deleter(index: int) -> None:
        client, chooser = signed_in("staff@partnerbenefits.example"), random.Random(100 + index)
        while time.monotonic() < stop_at:
            person = chooser.choice(people_ids() or [0])
            url = reverse("admin:accounts_directoryuser_delete", args=[person])
            response = client.post(url, {"post": "yes"})
            checked(response, "deleted" if response.status_code == 302 else "refused")
            time.sleep(0.2)  # staff click slower than scripts

    def run(role, index: int) -> None:
        try:
            role(index)
        except Exception as error:  # a deadlock, a 500: what the test is about
            errors.append(f"{role.__name__}: {error!r}")
        finally:
            connection.close()

    reader = signed_in("agent@contoso.example")
    threads = [
        threading.Thread(target=run, args=(role, index))
        for role in (assigner, redeemer, deleter)
        for index in range(4)
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for url in pages(credit):  # keep the cached copies busy while everything changes
            reader.get(url, headers={"HX-Request": "true"} if "people" in url else {})
        time.sleep(0.1)

    assert errors == []
    made = Activity.objects.filter(organization=contoso, created_at__gte=started)
    assert made.filter(kind=Activity.Kind.CREDIT_ASSIGNED).exists(), done
    assert made.filter(kind=Activity.Kind.KEY_REDEEMED).count() == done["redeemed"] > 0, done
    assert done["deleted"], done
    for url in pages(credit):
        headers = {"HX-Request": "true"} if "people" in url else {}
        shown = reader.get(url, headers=headers).content.decode()
        page_cache().clear()
        fresh = reader.get(url, headers=headers).content.decode()
        assert without_tokens(shown) == without_tokens(fresh), url
    redeemed = ProductKey.objects.filter(redeemed_into=subscription).count()
    assert redeemed >= done["redeemed"]
    subscription.refresh_from_db()
    shown = reader.get(reverse("products")).content.decode()
    assert f'datetime="{subscription.end_date.isoformat()}"' in shown
    assert subscription.end_date > timezone.localdate()


def pages(credit: Benefit) -> list[str]:
    return [
        reverse("benefits:azure_cloud"),
        reverse("products"),
        reverse("activity"),
        reverse("benefits:credit_picker", args=[credit.pk]) + "?q=Pat",
    ]


def without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1", html)
