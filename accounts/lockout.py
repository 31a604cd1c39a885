"""The sign-in lockout (django-axes, SPEC 6) for flows other than the sign-in form: password
reset links and invitation links answer to the same count, per account and client address.

A link's secret lives in its address, and axes records and logs the address of every failure
(``path_info`` in AccessAttempt and in its warnings). So a failure here is reported at an
address given by the caller — one without the secret — never at the request's own.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest


def credentials(email: str) -> dict[str, str]:
    """The shape Django's authenticate() gives axes, read by accounts.backends.axes_username."""
    return {"username": email}


def lockout_allows(request: HttpRequest, email: str) -> bool:
    """False while the account ``email`` is locked out from the request's client address."""
    return bool(AxesProxyHandler.is_allowed(request, credentials(email)))


def failure_counted(request: HttpRequest, *, email: str, path: str, sender: type) -> None:
    """Count a failed sign-in of the account ``email`` from the request's client address, as
    recorded and logged at ``path`` (the request's address may hold a working secret). When it
    is the last one allowed, axes' middleware answers with the lockout page."""
    # axes reads the request's details once, into axes_* attributes; replace the path after.
    AxesProxyHandler.update_request(request)
    request.axes_path_info = path  # type: ignore[attr-defined]
    user_login_failed.send(sender=sender, credentials=credentials(email), request=request)
