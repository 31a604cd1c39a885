"""The Key step and a typed key of the wrong shape (empty, too short, too long, a letter no key
has): told at once, and no guess, so typos never use up the ten attempts."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.models import User
from benefits.licensing import KEY_LENGTH_MESSAGE
from common import ratelimit
from tests.benefits.wizard_pages import O365_25, start, text, validate
from tests.conftest import HTMX

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("each_state_store", "fresh_rate_limit"),
]

WRONG_SHAPES = ["", "BCDFG", "BCDFG-HJKMP-QRTVW-XY234-6789", "AEIOU-HJKMP-QRTVW-XY234-6789B"]


def test_keys_of_the_wrong_shape_are_told_and_not_counted(contoso_client):
    count_key, _window = ratelimit.cache_keys(User.objects.get(email="admin@contoso.example").pk)
    start(contoso_client, "Office 365 E3", "extend")
    for typed in WRONG_SHAPES * 3:
        refused = validate(contoso_client, typed, HTMX)
        assert refused.status_code == 200
        assert 'aria-invalid="true"' in text(refused)
    assert not cache.get(count_key)
    assert 'name="token"' in text(validate(contoso_client, O365_25, HTMX))


def test_a_key_of_the_wrong_length_says_so(contoso_client):
    start(contoso_client, "Office 365 E3", "extend")
    page = text(validate(contoso_client, "BCDFG-HJKMP", HTMX))
    assert KEY_LENGTH_MESSAGE % {"entered": 10} in page
