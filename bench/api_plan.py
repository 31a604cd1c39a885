"""What the API scenarios need: a token per simulated user, and for the redemption its own
supply of fresh keys (bench/plan.py hands each user's subscription twice as many keys and
splits them, so the page's redemption and the API's never take the same key).

A token per user, as separate integrations would each have their own: the limit of
API_REQUESTS_PER_MINUTE is per token. Tokens of earlier runs are deleted first (their strings
are gone with the run that printed them).
"""

from __future__ import annotations

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, Scope, User
from bench.load import WARMUP_SECONDS

BENCH_TOKEN_LABEL = "bench load "  # noqa: S105 - a name, not a secret
# A redemption over the API is one request (the page's wizard is four): more keys per second
# (with 16 users about 9 each, with 4 about 23). The warm-up redeems too.
API_REDEMPTIONS_PER_USER_SECOND = 40


def api_keys_each(duration: float) -> int:
    return int((duration + WARMUP_SECONDS) * API_REDEMPTIONS_PER_USER_SECOND) + 10


def api_plan(*, admin: User, users: int, slots: list[dict]) -> dict:
    """Tokens (read and redeem) for ``users`` simulated users, and their redemption slots."""
    ApiToken.objects.filter(account=admin, name__startswith=BENCH_TOKEN_LABEL).delete()
    tokens = [
        api_token_create(
            account=admin,
            name=f"{BENCH_TOKEN_LABEL}{index}",
            scopes=[Scope.READ, Scope.REDEEM],
            expires_days=1,
            actor=None,
        )[1]
        for index in range(users)
    ]
    return {"tokens": tokens, "slots": slots}


def split_keys(slots: list[dict], *, first: int) -> tuple[list[dict], list[dict]]:
    """Each slot twice: with its first ``first`` keys, and with the rest."""
    return (
        [{**slot, "keys": slot["keys"][:first]} for slot in slots],
        [{**slot, "keys": slot["keys"][first:]} for slot in slots],
    )
