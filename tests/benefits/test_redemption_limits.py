"""A subscription whose figures staff set at the edge of what the portal keeps (an end date in
the year 9999, the most licenses a column holds): a redemption into it is refused with what to
do, on the screens and over the API (tests/benefits/api/test_redemptions_api.py), never a 500; the
rule itself is in benefits.licensing."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from django.utils import translation

from benefits import licensing
from benefits.errors import translated
from benefits.models import Subscription
from tests.conftest import url

OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"  # Contoso's, 25 licenses, unused
TODAY = date(2026, 12, 1)


def test_an_end_date_past_the_year_9999_is_a_licensing_refusal():
    with pytest.raises(licensing.CalendarLimitError) as refusal:
        licensing.extend_end_date(
            active_seats=10, key_seats=10, end_date=date(9999, 12, 1), today=TODAY
        )
    assert str(refusal.value) == licensing.CALENDAR_LIMIT_MESSAGE


def test_the_last_month_of_the_calendar_still_takes_days():
    """Only the cap (the next whole month, January 10000) is past the calendar."""
    assert licensing.add_months(date(9999, 12, 10), Fraction(1, 3)) == date(9999, 12, 20)


def test_more_licenses_than_a_subscription_holds_is_a_licensing_refusal():
    with pytest.raises(licensing.CalendarLimitError) as refusal:
        licensing.add_licenses(
            active_seats=licensing.MAX_SEATS, key_seats=1, end_date=date(2027, 6, 1), today=TODAY
        )
    with translation.override("fr"):
        assert "2\u00a0147\u00a0483\u00a0647 licences" in translated(refusal.value)


@pytest.mark.django_db
def test_the_wizard_refuses_it_saying_what_to_do(contoso_client, office_subscription):
    Subscription.objects.filter(pk=office_subscription.pk).update(end_date=date(9999, 12, 1))
    wizard = url("benefits:redeem")
    subscription = office_subscription
    choice = {"step": "choose", "action": "extend", "subscription": subscription.pk}
    contoso_client.post(wizard, {**choice, "tenant": subscription.tenant_id}, follow=True)
    response = contoso_client.post(wizard, {"step": "key", "key": OFFICE_KEY}, follow=True)
    assert response.status_code == 200
    assert licensing.CALENDAR_LIMIT_MESSAGE.replace("'", "&#x27;") in response.content.decode()
