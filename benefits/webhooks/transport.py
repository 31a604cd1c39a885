"""One POST to an endpoint with the standard library's http.client.

No HTTP client library is installed in production (requests is a development tool here), and
this needs little: one request, no redirects followed (http.client never follows any), and a
connection to the address that was checked (addresses.py) while the Host header, TLS SNI and
certificate check use the URL's host name.

A try has a total deadline (WEBHOOKS_ATTEMPT_SECONDS, 15 s) across the lookup, connecting
(every address), the TLS handshake, sending, and the answer's status line and headers, and no
single wait is longer than 10 s (SPEC 11). A socket's timeout bounds one operation only, and
http.client reads the status line and headers with readline, one recv after another: a
receiver sending a byte every 9 s would keep a worker, its transaction and the delivery's row
lock for hours. So the answer is read through ``_DeadlineReader``, which gives each recv the time
left and stops when none is. Connecting gets the time left too, and so does the TLS handshake
and sendall (each bounded as a whole by CPython, not per packet; over TLS sendall is per write,
and the body is a few kilobytes). The lookup's time counts but it can't be cut short: the task's
time limit (tasks.py) is the last resort there. The answer's body is never read: only its status
counts.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from django.conf import settings

from benefits.webhooks.addresses import (
    AddressRefused,
    HostNotFound,
    IPAddress,
    addresses_checked,
)
from benefits.webhooks.failures import Failure

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# The longest single wait (connecting, or one read): SPEC 11's timeout.
TIMEOUT_SECONDS: float = 10
USER_AGENT = "PartnerBenefits-Webhooks/1"
# A socket's timeout may end a few milliseconds early (rounding): this close counts as the end.
_SLACK_SECONDS = 0.02


@dataclass(frozen=True)
class Outcome:
    """How one try went: the answer's ``status`` (None when none came), or why none came:
    ``failure`` (its kind, which the delivery log words in the reader's language) and ``error``
    (short technical words, in English, for staff and the log)."""

    status: int | None
    error: str = ""
    failure: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Deadline:
    """When a try must be over: ``seconds`` from its start."""

    seconds: float
    ends: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ends", time.monotonic() + self.seconds)

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.ends - _SLACK_SECONDS

    def wait(self) -> float:
        """The longest next wait: ``TIMEOUT_SECONDS`` or the time left, whichever is shorter.
        Raises TimeoutError when no time is left."""
        left = self.ends - time.monotonic()
        if left <= _SLACK_SECONDS:
            raise TimeoutError
        return min(TIMEOUT_SECONDS, left)

    def error(self) -> str:
        """What a timeout is called in the delivery log: the deadline's, or a single wait's."""
        seconds = self.seconds if self.passed else TIMEOUT_SECONDS
        return f"No answer within {seconds:g} s"


class _DeadlineReader(io.RawIOBase):
    """A socket read as a file (what http.client parses the answer from), each recv given the
    time left of the deadline rather than a fresh timeout."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        self._sock.settimeout(self._deadline.wait())
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """What ``HTTPResponse`` is given instead of the socket: it only asks for ``makefile``."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, the host name checked against the URL's."""
    return ssl.create_default_context()


def _connect_to(
    address: IPAddress,
    deadline: Deadline,
    target: tuple[str, int],
    timeout: float,
    source: tuple[str, int] | None = None,
) -> socket.socket:
    """http.client's ``_create_connection`` that dials the checked address, not the name, and
    leaves the TLS handshake that follows the time left."""
    sock = socket.create_connection((str(address), target[1]), timeout, source)
    try:
        sock.settimeout(deadline.wait())
    except TimeoutError:
        sock.close()
        raise
    return sock


def post(
    *, url: str, body: bytes, headers: dict[str, str], seconds: float | None = None
) -> Outcome:
    """POST ``body`` to ``url`` within ``seconds`` (default WEBHOOKS_ATTEMPT_SECONDS); never
    raises for the network or the receiver's answer."""
    deadline = Deadline(settings.WEBHOOKS_ATTEMPT_SECONDS if seconds is None else seconds)
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    try:
        addresses = addresses_checked(host, port)
    except AddressRefused as refused:
        failure = Failure.UNRESOLVED if isinstance(refused, HostNotFound) else Failure.NOT_PUBLIC
        return Outcome(status=None, error=str(refused), failure=failure)
    connection: http.client.HTTPConnection
    if https:
        connection = http.client.HTTPSConnection(
            host, port, timeout=TIMEOUT_SECONDS, context=tls_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    last = Outcome(status=None)
    # Each checked address in turn until one answers (as a browser would with several), while
    # the deadline allows: an address that doesn't take the connection leaves the next one the
    # time left; once the request is sent, a timeout ends the try (it may have been received).
    for address in addresses:
        connection._create_connection = partial(_connect_to, address, deadline)  # type: ignore[attr-defined]
        connected = False
        try:
            connection.timeout = deadline.wait()
            connection.connect()
            connected = True
            return Outcome(status=_exchange(connection, path, body, headers, deadline))
        except TimeoutError:
            last = Outcome(status=None, error=deadline.error(), failure=Failure.TIMEOUT)
            if connected or deadline.passed:
                return last
        except ssl.SSLError as error:
            reason = f"TLS: {error.reason or type(error).__name__}"
            return Outcome(status=None, error=reason, failure=Failure.TLS)
        except (OSError, http.client.HTTPException) as error:
            last = _failed(error)
        finally:
            connection.close()
    return last


def _exchange(
    connection: http.client.HTTPConnection,
    path: str,
    body: bytes,
    headers: dict[str, str],
    deadline: Deadline,
) -> int:
    """Send the request on ``connection`` (connected) and read the answer's status line and
    headers before the deadline; returns its status."""
    sock = connection.sock
    sock.settimeout(deadline.wait())
    connection.request("POST", path, body=body, headers=headers)
    answer = http.client.HTTPResponse(
        cast(socket.socket, _DeadlineSocket(sock, deadline)), method="POST"
    )
    try:
        answer.begin()
    finally:
        answer.close()
    return answer.status


def _failed(error: BaseException) -> Outcome:
    """A connection's failure: its kind, and the system's words for it (never the request or
    its secret)."""
    if isinstance(error, ConnectionRefusedError):
        return Outcome(status=None, error="Connection refused", failure=Failure.REFUSED)
    words = error.strerror if isinstance(error, OSError) and error.strerror else ""
    kind = type(error).__name__
    return Outcome(
        status=None, error=f"{kind}: {words}"[:200] if words else kind, failure=Failure.NETWORK
    )
