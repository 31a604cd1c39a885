"""Why a try failed, told to the endpoint's admins in their own language.

The worker that makes a try has no reader: it writes the failure's kind (``Failure``, on the
delivery row) beside the technical words (``last_error``: English, for staff and the log). The
delivery log turns the kind into a sentence in the reader's language, with the endpoint's host
or the answer's status filled in, and adds the technical words only where they say more (a TLS
reason, a system error). A row written before kinds existed shows its technical words alone.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benefits.webhooks.addresses import REFUSED_ADDRESS_MESSAGE, UNRESOLVED_MESSAGE


class Failure(models.TextChoices):
    UNRESOLVED = "unresolved", _("Host not found")
    NOT_PUBLIC = "not_public", _("Address not public")
    REFUSED = "refused", _("Connection refused")
    TIMEOUT = "timeout", _("No answer in time")
    TLS = "tls", _("Secure connection failed")
    NETWORK = "network", _("Connection failed")
    STATUS = "status", _("Error status")
    STOPPED = "stopped", _("Stopped")
    PORTAL = "portal", _("Portal error")


CONNECTION_REFUSED_MESSAGE = _(
    "Connection refused: nothing accepts connections at this address and port. Check the URL "
    "and that the receiver is running."
)
# The longest single wait of a try (transport.TIMEOUT_SECONDS), as the advice gives it.
NO_ANSWER_MESSAGE = _(
    "No answer in time. The receiver should answer within %(seconds)s seconds, and do its work "
    "after answering."
)
TLS_MESSAGE = _("The secure connection (TLS) failed. Check the receiver's certificate.")
NETWORK_MESSAGE = _("The connection failed.")
STATUS_MESSAGE = _(
    "The receiver answered with status %(status)s; only a 2xx status counts as delivered."
)
STOPPED_MESSAGE = _("The try took too long and was stopped.")
PORTAL_MESSAGE = _("The portal could not make this try; its operators have the details.")

# Each kind's sentence; the ones with a blank take the endpoint's host, the answer's status or
# the longest wait.
MESSAGES: dict[str, str | Promise] = {
    Failure.UNRESOLVED: UNRESOLVED_MESSAGE,
    Failure.NOT_PUBLIC: REFUSED_ADDRESS_MESSAGE,
    Failure.REFUSED: CONNECTION_REFUSED_MESSAGE,
    Failure.TIMEOUT: NO_ANSWER_MESSAGE,
    Failure.TLS: TLS_MESSAGE,
    Failure.NETWORK: NETWORK_MESSAGE,
    Failure.STATUS: STATUS_MESSAGE,
    Failure.STOPPED: STOPPED_MESSAGE,
    Failure.PORTAL: PORTAL_MESSAGE,
}
# Kinds whose technical words say more than the sentence: shown after it.
WITH_DETAILS = {Failure.TLS, Failure.NETWORK, Failure.PORTAL}


def failure_text(*, failure: str, host: str, status: int | None, seconds: float) -> str:
    """The sentence for ``failure`` in the active language: ``host`` is the endpoint's,
    ``status`` the answer's, ``seconds`` the longest wait a receiver is given."""
    blanks = {"host": host, "status": status, "seconds": f"{seconds:g}"}
    return str(MESSAGES.get(failure, "")) % blanks
