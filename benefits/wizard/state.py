"""The redemption wizard's state: one typed record per signed-in session, and the one place
that decides where it is kept.

With a cache every process shares (Redis, ``settings.REDEEM_STATE_STORE = "cache"``) a step costs
a cache write rather than a database write, and a state lost with the cache sends the user back
to Choose; otherwise the session keeps it. Nothing else is written before Redeem.

When the cache can't be reached (Redis down for a moment) the wizard carries on in the session:
a state the cache refuses is kept in the session instead (which then reaches the database), and
is preferred on the next load, being the newest; the next save the cache accepts moves it back
and empties the session's copy. A state the cache can't give back and the session doesn't hold
is a fresh one: the person starts again at Choose, as after the state expired; nothing was
redeemed, because nothing is before the Review step's Redeem. Never a server error.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol, get_type_hints

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache

from common.redis_cache import CACHE_ERRORS, warn_unavailable

CHOOSE, KEY, REVIEW, DONE = "choose", "key", "review", "done"
STEPS = (CHOOSE, KEY, REVIEW, DONE)
SESSION_KEY = "redeem_wizard"
# Long enough for anyone to finish; the state only needs to outlive the wizard.
STATE_TIMEOUT = 2 * 60 * 60


@dataclass
class WizardState:
    """Where a person is in the wizard and what the earlier steps settled.

    ``reviewed`` is what the review showed of the subscriptions (Preview.fingerprint()),
    ``token`` the review's one-time token that Redeem must send back, ``done_id`` the
    redemption record the Done step shows, ``error`` a message shown once by the next page.
    """

    step: str = CHOOSE
    action: str = ""
    subscription_id: int | None = None
    tenant_id: int | None = None
    # A key a Redeem link names by its id (?key_id=), to fill the Key step's field. Never the
    # key itself: a full key stays out of addresses, logs and this stored state.
    prefill_key_id: int | None = None
    # The key shown is the one reviewed (Back from the Review), not one a Redeem link named.
    prefill_reviewed: bool = False
    key_id: int | None = None
    reviewed: dict = field(default_factory=dict)
    token: str = ""
    done_id: int | None = None
    error: str = ""

    @classmethod
    def from_dict(cls, data: object) -> WizardState:
        """The state as stored. A value of the wrong type — a state an older release wrote —
        is left at its default; the steps then send the person back where they must start."""
        if not isinstance(data, dict):
            return cls()
        state = cls()
        for name, kind in _field_types().items():
            value = data.get(name, getattr(state, name))
            # bool is an int too: only a bool field takes one.
            if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
                setattr(state, name, value)
        if state.step not in STEPS:
            state.step = CHOOSE
        return state

    def as_dict(self) -> dict:
        return asdict(self)

    def back(self) -> None:
        if self.step == REVIEW and self.key_id not in {None, self.prefill_key_id}:
            # The key typed and reviewed stays, shown by its last group: going back to change
            # the choice doesn't mean typing its 25 characters again. (A key a Redeem link named
            # is shown as such already.)
            self.prefill_key_id, self.prefill_reviewed = self.key_id, True
        self.step = STEPS[max(STEPS.index(self.step) - 1, 0)]
        self.error = ""


@functools.cache
def _field_types() -> dict[str, Any]:
    """Each field's type (str, int | None, dict: isinstance() takes each), worked out once:
    get_type_hints() evaluates the annotations afresh on every call (0.2 ms), and every step
    reads the state."""
    hints = get_type_hints(WizardState)
    return {item.name: hints[item.name] for item in fields(WizardState)}


class StateStore(Protocol):
    def load(self) -> WizardState: ...

    def save(self, state: WizardState) -> None: ...


class SessionStateStore:
    """In the session: what every deployment has, at the price of a session write per step."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    def load(self) -> WizardState:
        return WizardState.from_dict(self.session.get(SESSION_KEY))

    def save(self, state: WizardState) -> None:
        self.session[SESSION_KEY] = state.as_dict()


class CacheStateStore:
    """In the shared cache, under the account and the session key (a secret), so that no other
    session or account can read or overwrite it; in the session while the cache fails."""

    def __init__(self, session: SessionBase, user_id: int) -> None:
        self.session = session
        self.user_id = user_id

    def _cache_key(self) -> str:
        return f"redeem-wizard:{self.user_id}:{self.session.session_key}"

    def load(self) -> WizardState:
        if self.session.session_key is None:
            return WizardState()
        if SESSION_KEY in self.session:  # written while the cache failed: the newest
            return WizardState.from_dict(self.session[SESSION_KEY])
        try:
            return WizardState.from_dict(cache.get(self._cache_key()))
        except CACHE_ERRORS as error:
            warn_unavailable("Wizard state cache", error)
            return WizardState()

    def save(self, state: WizardState) -> None:
        if self.session.session_key is None:
            self.session.save()  # gives the session the key its state is kept under
        try:
            cache.set(self._cache_key(), state.as_dict(), STATE_TIMEOUT)
        except CACHE_ERRORS as error:
            warn_unavailable("Wizard state cache", error)
            self.session[SESSION_KEY] = state.as_dict()
        else:
            self.session.pop(SESSION_KEY, None)


def state_store(session: SessionBase, user_id: int) -> StateStore:
    """Where this signed-in session's wizard state is kept, as the settings say."""
    if settings.REDEEM_STATE_STORE == "session":
        return SessionStateStore(session)
    return CacheStateStore(session, user_id)
