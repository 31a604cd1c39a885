"""The tests' authenticator app: a code is never worked out in a period's last moments."""

from __future__ import annotations

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.accounts import mfa_helpers

SECRET = "JBSWY3DPEHPK3PXP"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(("into_period", "waits"), [(10.0, False), (29.0, True)])
def test_a_code_is_worked_out_in_a_period_it_can_be_used_in(monkeypatch, into_period, waits):
    period = mfa_settings.TOTP_PERIOD
    clock = Clock(1_000 * period + into_period)
    monkeypatch.setattr(mfa_helpers.time, "time", clock.time)
    monkeypatch.setattr(mfa_helpers.time, "sleep", clock.sleep)

    code = mfa_helpers.totp_code(SECRET)

    counter = 1_001 if waits else 1_000  # one second before the end: the next period's code
    assert code == format_hotp_value(hotp_value(SECRET, counter))
    assert clock.slept == ([pytest.approx(1.0)] if waits else [])
