"""Reads of an organization's team (accounts and invitations) and the rules about roles.

Every read is scoped to one organization: another organization's ids are 404. The writes, which
record activity, live in ``benefits.services.team``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.mfa import with_mfa_status
from accounts.models import Invitation, Organization, Role, User
from accounts.models.invitations import TOKEN_MAX_LENGTH, token_hash
from accounts.selectors import parse_id
from common.text import as_sent_list

UNKNOWN_ROLES = _("Unknown roles: %(roles)s. Choose among the roles listed.")
DUPLICATE_ROLES = _("A role is chosen twice: %(roles)s. Choose each role once.")
NOT_A_LIST = _("Choose the roles as a list.")
ADDRESS_AT_IP = _(
    "Enter an address with a domain name, as in name@contoso.com: an address at an IP address "
    "(name@[192.0.2.1]) can't be invited."
)


def invitee_address_checked(email: str) -> str:
    """The address to invite, trimmed and lower-cased; ValidationError for one whose domain is
    an IP address (a domain literal, which Django's address check accepts): partners' people
    are reached at a domain name."""
    email = User.objects.normalize_email(email).strip().lower()
    if email.rpartition("@")[2].startswith("["):
        raise ValidationError(ADDRESS_AT_IP, code="address_at_ip")
    return email


def roles_checked(roles: object) -> list[str]:
    """The roles as given, when each is a known role code chosen once; in Role's order.
    Raises ValidationError naming the unknown or repeated codes."""
    if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
        raise ValidationError(NOT_A_LIST, code="roles_not_a_list")
    unknown = sorted({role for role in roles if role not in Role.values})
    if unknown:
        raise ValidationError(
            UNKNOWN_ROLES, code="unknown_roles", params={"roles": as_sent_list(unknown)}
        )
    repeated = sorted({role for role in roles if list(roles).count(role) > 1})
    if repeated:
        raise ValidationError(
            DUPLICATE_ROLES,
            code="duplicate_roles",
            params={"roles": as_sent_list(repeated)},
        )
    return [role for role in Role.values if role in roles]


def member_list(*, organization: Organization) -> QuerySet[User]:
    """The organization's accounts with their two-step verification (accounts.mfa_status
    reads it at no cost): one query however many."""
    return with_mfa_status(User.objects.filter(organization=organization)).order_by(
        "-is_active", "email"
    )


def member_get(*, organization: Organization, member_id: object) -> User:
    return get_object_or_404(member_list(organization=organization), pk=parse_id(member_id))


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    """The organization's open invitations (pending or expired), newest first."""
    return Invitation.objects.filter(organization=organization).open()


def invitation_get(
    *, organization: Organization, invitation_id: object, closed_too: bool = False
) -> Invitation:
    """One of the organization's open invitations (Http404 for another organization's); with
    ``closed_too``, an accepted or cancelled one as well, e.g. to show the row of an
    invitation just cancelled."""
    invitations = (
        Invitation.objects.filter(organization=organization)
        if closed_too
        else invitation_list(organization=organization)
    )
    return get_object_or_404(invitations, pk=parse_id(invitation_id))


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its state, or None for a token that
    matches nothing (mistyped, tampered with, or replaced by a resend)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        Invitation.objects.select_related("organization").filter(token_hash=token_hash(token))
    ).first()


def active_global_admins(members: list[User]) -> list[User]:
    return [m for m in members if m.is_active and Role.GLOBAL_ADMIN.value in m.roles]
