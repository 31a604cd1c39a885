"""Registering and managing an organization's webhook endpoints, and resending a delivery.

An endpoint's URL is HTTPS (plain HTTP only to this machine with debug on, for development),
reaches only public addresses unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES (addresses.py), and
carries no credentials; it wants at least one activity kind. Its secret (Standard Webhooks:
``whsec_`` and base64 of 32 random bytes) is returned once, by the creation and by each
rotation; the pages never show it again.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from benefits.models import Activity
from benefits.services.activity import activity_record
from benefits.webhooks.addresses import (
    REFUSED_ADDRESS_MESSAGE,
    UNRESOLVED_MESSAGE,
    AddressRefused,
    addresses_checked,
    host_addresses,
    host_is_loopback,
)
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from benefits.webhooks.outbox import deliveries_enqueue
from common.pagecache import pages_changed
from common.text import as_sent_list

SECRET_BYTES = 32
MAX_ENDPOINTS = 10

HTTPS_REQUIRED_MESSAGE = _("The URL must start with https://.")
HTTP_LOOPBACK_ONLY_MESSAGE = _(
    "Plain http:// is accepted only for this machine (localhost, 127.0.0.1, ::1) while the "
    "portal runs in debug mode; use https://."
)
URL_INVALID_MESSAGE = _("Enter a full URL, such as https://hooks.example.com/partner-benefits.")
# Deliveries send the URL as it is stored: what HTTP can't carry as typed is refused here.
URL_SPACES_MESSAGE = _("The URL can't contain spaces: write each one as %20.")
URL_NOT_ASCII_MESSAGE = _(
    "Write the URL in ASCII: percent-encode other characters of the path (é as %C3%A9) and give "
    "an international domain name in its xn-- form."
)
URL_PORT_MESSAGE = _(
    "Port %(port)s can't be reached: give the port the endpoint listens on, or none for 443."
)
URL_CREDENTIALS_MESSAGE = _(
    "The URL can't hold a user name or password: check the signature of each delivery instead."
)
KINDS_REQUIRED_MESSAGE = _("Choose at least one kind of activity to send.")
KINDS_UNKNOWN_MESSAGE = _("Unknown activity kinds: %(kinds)s.")
ALREADY_REGISTERED_MESSAGE = _(
    "%(url)s is already an endpoint of your organization. Open it to change its kinds of "
    "activity, or to make a new secret."
)
SECRET_ALREADY_CHANGED_MESSAGE = _(
    "This endpoint's secret was already changed since this page opened, and the new one was "
    "shown then. Make another only if that one is lost."
)
TOO_MANY_MESSAGE = _(
    "An organization can have at most %(max)s webhook endpoints. Delete one it no longer uses, "
    "or add the kinds of activity you need to an existing one."
)
DISABLED_RESEND_MESSAGE = _("Enable the endpoint first: a disabled endpoint is sent nothing.")


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def url_checked(url: str) -> str:
    """``url`` as it will be stored, or ``ValidationError`` saying what is wrong with it."""
    url = url.strip()
    if any(char.isspace() for char in url):
        raise ValidationError(URL_SPACES_MESSAGE, code="spaces")
    if not url.isascii():
        raise ValidationError(URL_NOT_ASCII_MESSAGE, code="not_ascii")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationError(URL_INVALID_MESSAGE, code="invalid") from error
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        raise ValidationError(URL_INVALID_MESSAGE, code="invalid")
    if parts.scheme == "http" and not (settings.DEBUG and host_is_loopback(host)):
        # Plain HTTP crosses no network only on this machine, and only development needs it.
        if host_is_loopback(host):
            raise ValidationError(HTTP_LOOPBACK_ONLY_MESSAGE, code="http_loopback_only")
        raise ValidationError(HTTPS_REQUIRED_MESSAGE, code="https_required")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(URL_CREDENTIALS_MESSAGE, code="credentials")
    if port == 0:
        raise ValidationError(URL_PORT_MESSAGE, code="port", params={"port": port})
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses_checked(host, port)
    except AddressRefused as refused:
        resolved = _resolves(host, port)
        message = REFUSED_ADDRESS_MESSAGE if resolved else UNRESOLVED_MESSAGE
        raise ValidationError(message, code="address", params={"host": host}) from refused
    return url


def _resolves(host: str, port: int) -> bool:
    try:
        host_addresses(host, port)
    except AddressRefused:
        return False
    return True


def kinds_checked(kinds: Sequence[str]) -> list[str]:
    """The kinds in ``Activity.Kind``'s order, or ``ValidationError`` (none, or unknown)."""
    unknown = sorted(set(kinds) - set(Activity.Kind.values))
    if unknown:
        raise ValidationError(
            KINDS_UNKNOWN_MESSAGE, code="unknown", params={"kinds": as_sent_list(unknown)}
        )
    if not kinds:
        raise ValidationError(KINDS_REQUIRED_MESSAGE, code="required")
    return [kind for kind in Activity.Kind.values if kind in set(kinds)]


@transaction.atomic
def endpoint_create(
    *, organization: Organization, actor: User, url: str, kinds: Sequence[str]
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint of ``organization`` and its secret (to show once). Raises
    ``ValidationError`` for a refused URL or kinds, or past ``MAX_ENDPOINTS``."""
    url = url_checked(url)
    kinds = kinds_checked(kinds)
    # The organization's row, locked: two registrations at once can't both pass the limit.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    registered = WebhookEndpoint.objects.filter(organization=organization)
    # The same URL twice would get every delivery twice, under two secrets: most often a form
    # sent again (a reload), which would also lose the secret shown the first time.
    if registered.filter(url=url).exists():
        raise ValidationError(ALREADY_REGISTERED_MESSAGE, code="registered", params={"url": url})
    if registered.count() >= MAX_ENDPOINTS:
        raise ValidationError(TOO_MANY_MESSAGE, code="too_many", params={"max": MAX_ENDPOINTS})
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        organization=organization, url=url, kinds=kinds, secret=secret, created_by=actor
    )
    _record(Activity.Kind.WEBHOOK_ADDED, endpoint, actor, before={}, after=snapshot(endpoint))
    return endpoint, secret


@transaction.atomic
def endpoint_kinds_change(
    *, endpoint: WebhookEndpoint, kinds: Sequence[str], actor: User
) -> WebhookEndpoint:
    """The activity kinds sent from now on (deliveries already written stay)."""
    before = snapshot(endpoint)
    endpoint.kinds = kinds_checked(kinds)
    if endpoint.kinds == before["kinds"]:
        return endpoint  # nothing changed: no record
    endpoint.save(update_fields=["kinds"])
    _record(Activity.Kind.WEBHOOK_CHANGED, endpoint, actor, before=before, after=snapshot(endpoint))
    return endpoint


def secret_version(endpoint: WebhookEndpoint) -> str:
    """Which secret the endpoint has (when it was made), for a confirmation page to send back."""
    return endpoint.secret_rotated_at.isoformat() if endpoint.secret_rotated_at else "first"


def secret_version_readable(value: str) -> bool:
    """Whether ``value`` is a version secret_version() writes: a form that sends anything else
    didn't come from the confirmation page."""
    try:
        return value == "first" or bool(datetime.fromisoformat(value))
    except ValueError:
        return False


@transaction.atomic
def endpoint_secret_rotate(
    *, endpoint: WebhookEndpoint, actor: User, seen: str | None = None
) -> str:
    """A new secret, returned once; every try from now on — retries of earlier deliveries too —
    is signed with it, and the old one stops working at once. ``seen``: the secret_version()
    the confirmation page showed; refused if the secret changed since (a form sent again by a
    reload, or another admin first), so that the secret just shown stays the one in use."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if seen is not None and seen != secret_version(locked):
        raise ValidationError(SECRET_ALREADY_CHANGED_MESSAGE, code="changed")
    endpoint.secret = secret_new()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    after = {**snapshot(endpoint), "secret": "new"}  # that it changed; never the secret
    _record(Activity.Kind.WEBHOOK_CHANGED, endpoint, actor, before=snapshot(endpoint), after=after)
    return endpoint.secret


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, actor: User) -> WebhookEndpoint:
    """No new deliveries, and no tries of those waiting, until enabled again."""
    before = snapshot(endpoint)
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    _record(Activity.Kind.WEBHOOK_CHANGED, endpoint, actor, before=before, after=snapshot(endpoint))
    return endpoint


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint, actor: User) -> WebhookEndpoint:
    """Active again, its run of failures forgotten (a new 3 days start at the next failure);
    the deliveries still waiting are handed to workers once this commits."""
    before = snapshot(endpoint)
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.failing_since = None
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "failing_since"])
    waiting = list(
        endpoint.deliveries.filter(status=WebhookDelivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if waiting:
        transaction.on_commit(partial(deliveries_enqueue, waiting))
    _record(Activity.Kind.WEBHOOK_CHANGED, endpoint, actor, before=before, after=snapshot(endpoint))
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User) -> None:
    """The endpoint and its delivery log are deleted; nothing more is sent to it (nor its own
    record: it is written once the endpoint is gone)."""
    before = snapshot(endpoint)
    organization = endpoint.organization
    endpoint.delete()
    activity_record(
        kind=Activity.Kind.WEBHOOK_DELETED,
        actor=actor,
        organization=organization,
        before=before,
        after={},
    )
    pages_changed(organization.pk)


def snapshot(endpoint: WebhookEndpoint) -> dict:
    """What the activity log keeps of an endpoint: never its secret."""
    return {"endpoint": endpoint.url, "kinds": list(endpoint.kinds), "active": endpoint.is_active}


def _record(
    kind: str, endpoint: WebhookEndpoint, actor: User, *, before: dict, after: dict
) -> None:
    """The change's record, in its transaction (SPEC 9: every change of the Team page)."""
    activity_record(
        kind=kind, actor=actor, organization=endpoint.organization, before=before, after=after
    )
    pages_changed(endpoint.organization_id)


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` again, whatever came of it, with the same webhook-id (a receiver that
    saw it already can tell), and a full round of retries. Refused while its endpoint is
    disabled."""
    if not delivery.endpoint.is_active:
        raise ValidationError(DISABLED_RESEND_MESSAGE, code="disabled")
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    locked.status = WebhookDelivery.Status.PENDING
    locked.next_attempt_at = timezone.now()
    locked.retries = 0
    locked.save(update_fields=["status", "next_attempt_at", "retries"])
    transaction.on_commit(partial(deliveries_enqueue, [locked.pk]))
    return locked
