"""One POST to an endpoint with the standard library's http.client.

No HTTP client library is installed in production (requests is a development tool here), and
this needs little: one request, a 10 s timeout, no redirects followed (http.client never
follows any), and a connection to the address that was checked (addresses.py) while the Host
header, TLS SNI and certificate check use the URL's host name.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from benefits.webhooks.addresses import AddressRefused, IPAddress, addresses_checked

TIMEOUT_SECONDS = 10
# What is read of an answer: its status is all that counts.
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "PartnerBenefits-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """How one try went: the answer's ``status`` (None when none came) or ``error`` (short,
    shown in the delivery log)."""

    status: int | None
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, the host name checked against the URL's."""
    return ssl.create_default_context()


def _connect_to(address: IPAddress, target: tuple[str, int], timeout: float, source=None):
    """http.client's ``_create_connection`` that dials the checked address, not the name."""
    return socket.create_connection((str(address), target[1]), timeout, source)


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url``; never raises for the network or the receiver's answer."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    try:
        addresses = addresses_checked(host, port)
    except AddressRefused as refused:
        return Outcome(status=None, error=str(refused))
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
    last_error = ""
    # Each checked address in turn until one answers (as a browser would with several).
    for address in addresses:
        connection._create_connection = partial(_connect_to, address)  # type: ignore[attr-defined]
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    **headers,
                },
            )
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            return Outcome(status=response.status)
        except TimeoutError:
            return Outcome(status=None, error=f"No answer within {TIMEOUT_SECONDS} s")
        except ssl.SSLError as error:
            return Outcome(status=None, error=f"TLS: {error.reason or type(error).__name__}")
        except (OSError, http.client.HTTPException) as error:
            last_error = _describe(error)
        finally:
            connection.close()
    return Outcome(status=None, error=last_error)


def _describe(error: BaseException) -> str:
    """The error's kind and the system's words for it: never the request or its secret."""
    if isinstance(error, ConnectionRefusedError):
        return "Connection refused"
    words = error.strerror if isinstance(error, OSError) and error.strerror else ""
    return f"{type(error).__name__}: {words}"[:200] if words else type(error).__name__
