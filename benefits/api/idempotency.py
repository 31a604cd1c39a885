"""``Idempotency-Key`` on the API's writes: the same request sent again answers the same.

``idempotent`` runs a write once per key and organization. In one transaction it inserts the
key's row first — a second request with the same key waits on the unique index until the first
commits, then finds the row —, runs the service (whose own transaction becomes a savepoint),
and stores the answer, refusals included, next to the activity record the change wrote. So:
- the same key with the same method, path and body gets the first answer again, status and
  body, however many arrive at once, and nothing changes twice;
- the same key with anything else is refused (422) and changes nothing;
- a request that failed without an answer (a server error) leaves no row: it can be retried.
Rows are kept API_IDEMPOTENCY_KEEP_HOURS (benefits.services.idempotency), the activity
records' keys for ever: a key seen again after its row went is refused like any reused key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from ninja import Header, Status

from benefits.api.auth import ApiRequest
from benefits.api.problems import ApiProblem, problem_body, refusal_detail, refusal_status
from benefits.models import Activity, IdempotentRequest
from benefits.services.redemption import ONE_PER_TOKEN, constraint_violated

KEY_REUSED = _(
    "This Idempotency-Key was already used for a different request. Use a new key for each "
    "new change; send the same key only to repeat the same request."
)
KEY_PATTERN = r"^[\x21-\x7e]{1,64}$"  # 1 to 64 printable ASCII characters, no spaces

IdempotencyKey = Header(
    ...,
    alias="Idempotency-Key",
    pattern=KEY_PATTERN,
    description=(
        "A key you choose for this change (a UUID, say; 1–64 printable ASCII characters). "
        "Sending the same request with the same key again returns the first response and "
        "changes nothing; the same key with another request is refused (422)."
    ),
)


@dataclass(frozen=True)
class Outcome:
    """What a write answered: its status, its body, and the activity record it wrote."""

    status: int
    body: dict[str, Any]
    activity: Activity | None = None


def idempotent(
    request: ApiRequest, *, key: str, payload: dict[str, Any], write: Callable[[], Outcome]
) -> Status:
    """Run ``write`` once for ``key`` in the caller's organization; answer its status and body.
    A refusal (ValidationError) is stored and raised as a problem, the same every time."""
    fingerprint = _fingerprint(request, payload)
    with transaction.atomic():
        claimed = _claim(request, key=key, fingerprint=fingerprint)
        if claimed is None:
            earlier = IdempotentRequest.objects.get(organization=request.organization, key=key)
            answer = _replay(earlier, fingerprint=fingerprint)
        else:
            try:
                outcome = write()
            except ValidationError as refusal:
                status = refusal_status(refusal)
                outcome = Outcome(status, problem_body(status, refusal_detail(refusal)))
            except IntegrityError as error:
                # The key's row was forgotten, but the change it made still carries the key.
                if constraint_violated(error, Activity) != ONE_PER_TOKEN:
                    raise
                outcome = Outcome(422, problem_body(422, KEY_REUSED))
            claimed.status_code = outcome.status
            claimed.response = outcome.body
            claimed.activity = outcome.activity
            claimed.save(update_fields=["status_code", "response", "activity"])
            answer = (outcome.status, outcome.body)
    status, body = answer
    if status >= 400:
        raise ApiProblem(status, body.get("detail", ""), errors=body.get("errors"))
    return Status(status, body or None)


def _claim(request: ApiRequest, *, key: str, fingerprint: str) -> IdempotentRequest | None:
    """The new row for ``key``, or None when another request holds it (committed by now)."""
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                organization=request.organization,
                key=key,
                fingerprint=fingerprint,
                status_code=0,  # replaced before the transaction commits
            )
    except IntegrityError:
        return None


def _replay(earlier: IdempotentRequest, *, fingerprint: str) -> tuple[int, dict[str, Any]]:
    if earlier.fingerprint != fingerprint:
        raise ApiProblem(422, str(KEY_REUSED))
    return earlier.status_code, earlier.response


def _fingerprint(request: ApiRequest, payload: dict[str, Any]) -> str:
    """The request as validated (so spacing and key order in the JSON don't matter)."""
    canonical = json.dumps(
        [request.method, request.path, payload], sort_keys=True, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
