"""Idempotency-Keys are answered again for API_IDEMPOTENCY_KEEP_HOURS, then forgotten."""

from datetime import timedelta

import pytest
from django.utils import timezone

from benefits.models import IdempotentRequest
from benefits.tasks import api_idempotency_keys_purge

pytestmark = pytest.mark.django_db


def test_keys_past_the_keeping_time_are_forgotten_the_others_kept(organization, settings):
    settings.API_IDEMPOTENCY_KEEP_HOURS = 24
    now = timezone.now()
    old = IdempotentRequest.objects.create(
        organization=organization,
        key="old",
        fingerprint="f",
        status_code=201,
        created_at=now - timedelta(hours=25),
    )
    recent = IdempotentRequest.objects.create(
        organization=organization,
        key="recent",
        fingerprint="f",
        status_code=201,
        created_at=now - timedelta(hours=23),
    )
    assert api_idempotency_keys_purge() == 1
    assert not IdempotentRequest.objects.filter(pk=old.pk).exists()
    assert IdempotentRequest.objects.filter(pk=recent.pk).exists()
