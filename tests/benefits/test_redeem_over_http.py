"""Twenty-four sessions — four admins in six browsers each — review the same key through
gunicorn on PostgreSQL and press Redeem at the same moment: one Done, twenty-three "already
been used" naming when and where, no error."""

from __future__ import annotations

import re
import threading

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import formats, timezone

from benefits.models import Activity, ProductKey, Subscription
from benefits.services.redemption import KEY_USED, KEY_USED_WHERE
from tests.benefits.live_server import csrf_token, gunicorn_server, signed_in_session
from tests.conftest import HTMX

__all__ = ["gunicorn_server"]  # the fixture, used by name

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = ["admin", "mpn", "users", "agent"]
SESSIONS_PER_ACCOUNT = 6
PASSWORD = "partner-demo"
KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"
TOKEN = re.compile(r'name="token" value="([0-9a-f]+)"')


def reviewed_session(base: str, email: str, office: Subscription):
    """A session at the Review step of extending Office 365 with the 25-seat key, and the
    Redeem form's fields."""
    url = base + reverse("benefits:redeem")
    session = signed_in_session(base, email, PASSWORD)
    key_page = session.get(
        url, params={"subscription": str(office.pk), "action": "extend"}, timeout=10
    )
    assert "Enter the product key" in key_page.text
    csrf = csrf_token(key_page.text)
    headers = {"Referer": url}
    review = session.post(
        url, data={"step": "key", "key": KEY, "csrfmiddlewaretoken": csrf}, headers=headers
    )
    assert review.status_code == 200, review.status_code
    token = TOKEN.search(review.text)
    assert token, "no Redeem form on the review"
    return session, {"step": "review", "token": token.group(1), "csrfmiddlewaretoken": csrf}


def test_24_sessions_pressing_redeem_at_once_redeem_the_key_once(gunicorn_server, demo_data):
    base = gunicorn_server
    url = base + reverse("benefits:redeem")
    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    end_before = office.end_date
    reviewed = [
        reviewed_session(base, f"{account}@contoso.example", office)
        for account in ACCOUNTS
        for _ in range(SESSIONS_PER_ACCOUNT)
    ]
    barrier = threading.Barrier(len(reviewed))
    outcomes: list = [None] * len(reviewed)

    def press(index: int) -> None:
        session, form = reviewed[index]
        try:
            barrier.wait(timeout=30)
            outcomes[index] = session.post(
                url, data=form, headers={**HTMX, "Referer": url}, timeout=60
            )
        except Exception as error:  # the outcome under test
            outcomes[index] = error

    threads = [threading.Thread(target=press, args=(n,)) for n in range(len(reviewed))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    errors = [o for o in outcomes if not hasattr(o, "status_code") or o.status_code != 200]
    assert errors == []
    done = [o for o in outcomes if "Done: the key is redeemed" in o.text]
    refused = [o for o in outcomes if str(KEY_USED) in o.text]
    assert (len(done), len(refused)) == (1, len(reviewed) - 1)
    key = ProductKey.objects.get(key=KEY)
    where = KEY_USED_WHERE % {
        "date": formats.date_format(timezone.localdate(key.redeemed_at)),
        "product": "Office 365 E3",
        "tenant": "contoso.onmicrosoft.com",
    }
    assert all(where in response.text for response in refused)
    assert Activity.objects.filter(kind=Activity.Kind.KEY_REDEEMED).count() == 1
    office.refresh_from_db()
    assert office.end_date == end_before + relativedelta(months=3)  # moved once
    assert key.redeemed_into == office
