"""What the wizard and its steps share: the refusals that send a person back a step, the choice
made at the first step, and what a request leaves to show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Tenant
from benefits.models import Subscription

STEP_UNKNOWN = _("That step doesn't exist; here is where you were.")
CHOOSE_FIRST = _("Choose what to do with the key first.")
REVIEW_NOT_CURRENT = _("This review is no longer current; check it again.")


class Stale(Exception):
    """The state names something gone or out of order: go back to ``step``, saying why."""

    def __init__(self, step: str, message: str | Promise = "") -> None:
        super().__init__(message)
        self.step = step
        self.message = str(message)


@dataclass(frozen=True)
class Choice:
    action: str
    subscription: Subscription | None
    tenant: Tenant


@dataclass(frozen=True)
class PrefilledKey:
    """A key a Redeem link named, or the key reviewed before Back, as the Key step shows it:
    its id and its last group. Never the key itself, which only Show full keys reveals, after a
    recent second factor."""

    id: int
    masked: str
    reviewed: bool = False


@dataclass
class Outcome:
    """What a request leaves to show. ``shown``: what it computed that the page shows;
    ``step``: a step to show again without moving the state (a form with its errors)."""

    shown: dict = field(default_factory=dict)
    status: int = 200
    step: str = ""


def new_token() -> str:
    return uuid.uuid4().hex
