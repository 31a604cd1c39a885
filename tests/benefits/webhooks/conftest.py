"""Fixtures of the webhooks' tests: a real receiver on a loopback port, the settings that let a
delivery reach it (loopback addresses allowed, short retry delays). Endpoints and records:
endpoints.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.benefits.webhooks.receiver import Receiver


@pytest.fixture
def loopback_allowed(settings):
    """What a development machine has: deliveries may reach this machine, retries come fast."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_RETRY_DELAYS = [0.05, 0.05, 0.05, 0.05, 0.05]


@pytest.fixture
def receiver(loopback_allowed) -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()
