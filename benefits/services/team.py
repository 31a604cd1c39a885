"""The Team page's changes: invite, resend, cancel, accept; change roles, deactivate, reactivate.

Each is one transaction that locks what is contested, re-checks the rules on the locked rows,
writes, and records the activity. Changes that could leave the organization without an active
Global admin lock every account of the organization first (in id order, so two admins never
wait on each other in a circle): two admins demoting each other at the same moment are decided
one after the other, and the second sees the first's change. Mail goes after commit.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.api_tokens import api_tokens_revoke_all
from accounts.mail import absolute_url, send_mail
from accounts.models import Invitation, Organization, Role, User
from accounts.models.invitations import VALID_FOR, new_token, token_hash
from accounts.team import invitation_by_token, invitee_address_checked, roles_checked
from benefits.models import Activity
from benefits.services.activity import activity_record
from common.pagecache import pages_changed
from common.text import as_sent

GLOBAL_ADMIN = Role.GLOBAL_ADMIN.value

ALREADY_MEMBER = _("%(email)s already has an account in your organization.")
ALREADY_INVITED = _("%(email)s already has an open invitation. Resend it instead.")
INVITATION_CLOSED = _("This invitation was accepted or cancelled meanwhile; the list is refreshed.")
ONLY_GLOBAL_ADMIN = _(
    "Only a Global admin can give or take the Global admin role, or act on a Global admin's "
    "account or invitation."
)
UNKNOWN_LANGUAGE = _("Unknown language: %(language)s. Choose one of: %(languages)s.")
LAST_GLOBAL_ADMIN = _(
    "%(email)s is the organization's last active Global admin. "
    "Make someone else a Global admin first."
)
NOT_YOURSELF_DEACTIVATE = _("You can't deactivate your own account. Ask another admin.")
NOT_YOURSELF_DEMOTE = _(
    "You can't remove your own Global admin role. Ask another Global admin to do it."
)
ROLES_UNCHANGED = _("%(email)s already has exactly these roles.")
ALREADY_INACTIVE = _("%(email)s is already deactivated.")
ALREADY_ACTIVE = _("%(email)s is already active.")
MEMBER_GONE = _("This account is no longer in your organization; the list is refreshed.")
NO_LONGER_ADMIN = _("Your own access has changed meanwhile. Reload the page.")
LINK_INVALID = _(
    "This invitation link doesn't work: it may be mistyped, replaced by a newer invitation, "
    "or cancelled. Ask your organization's admin for a new invitation."
)
LINK_EXPIRED = _("This invitation has expired. Ask your organization's admin for a new invitation.")
LINK_USED = _(
    "This invitation has already been used. Sign in with your e-mail address and password."
)
LINK_UNUSABLE = _(
    "This invitation can't be used any more. Ask your organization's admin for a new invitation."
)


# Tests widen the window between the checks and the write to prove the constraint is caught.
_pause_before_write = time.sleep


def revoke_api_tokens(*, member: User) -> None:
    """Revoke every API token of ``member`` (deactivation), in the deactivation's transaction:
    they stay revoked if the account is reactivated later."""
    api_tokens_revoke_all(account=member)


def check_may_act_on(actor: User, roles: list[str]) -> None:
    """Only a Global admin acts on the Global admin role: gives or takes it, or changes,
    deactivates, reactivates, invites, resends or cancels for someone who has or gets it."""
    if GLOBAL_ADMIN in roles and GLOBAL_ADMIN not in actor.roles:
        raise ValidationError(ONLY_GLOBAL_ADMIN, code="only_global_admin")


def language_checked(language: str) -> str:
    """``language`` when it is one of settings.LANGUAGES; else ValidationError naming them."""
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise ValidationError(
            UNKNOWN_LANGUAGE,
            code="unknown_language",
            params={"language": as_sent(language), "languages": ", ".join(codes)},
        )
    return language


def lock_members(organization: Organization) -> dict[int, User]:
    """Every account of the organization, locked, in id order (see the module's docstring)."""
    rows = User.objects.select_for_update().filter(organization=organization).order_by("pk")
    return {member.pk: member for member in rows}


def locked_actor(members: dict[int, User], actor: User) -> User:
    """The actor as locked: still active, in the organization, with a team role."""
    locked = members.get(actor.pk)
    if locked is None or not locked.has_team_access:
        raise ValidationError(NO_LONGER_ADMIN, code="actor_changed")
    return locked


def snapshot(member: User | Invitation, roles: list[str] | None = None) -> dict:
    return {"member": member.email, "roles": list(member.roles if roles is None else roles)}


def _send_invitation(invitation: Invitation, token: str, actor: User, *, taken: bool) -> None:
    """Mail the link; or, when the address already has an account (``taken``: in another
    organization, or staff), a mail of the same size saying this invitation can't be used,
    with no link. The admin sees the same outcome either way, so the Team page never tells
    whether an address has an account elsewhere; only the address's owner learns it, and the
    same mail going out keeps both answers equally fast."""
    send_mail(
        template="team_invitation_taken" if taken else "team_invitation",
        context={
            "organization": invitation.organization.name,
            "inviter": actor.get_full_name() or actor.email,
            "link": "" if taken else absolute_url(reverse("team:join", args=[token])),
            # Lazy labels: the mail is rendered in the invitee's language, not the inviter's.
            "roles": [Role(code).label for code in invitation.roles],
            "expires_at": invitation.expires_at,
        },
        language=invitation.language,
        to=invitation.email,
    )


def _has_account(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    roles: list[str],
    language: str,
    actor: User,
) -> Invitation:
    """Invite ``email`` into the actor's organization with ``roles``; mail the link after
    commit. Holds when the actor may manage this organization's team (and is a Global admin to
    give that role), the roles are known and distinct, the language is one of the portal's, no
    account of the organization has the address and no open invitation of the organization
    names it. Raises ValidationError naming the reason. An address with an account elsewhere
    (another organization, or staff) is invited like a new one, so the answer says nothing of
    that account; its mail has no link and the invitation can never be accepted."""
    members = lock_members(organization)
    actor = locked_actor(members, actor)
    roles = roles_checked(roles)
    check_may_act_on(actor, roles)
    language = language_checked(language)
    email = invitee_address_checked(email)
    if any(member.email.lower() == email for member in members.values()):
        raise ValidationError(ALREADY_MEMBER, code="member", params={"email": email})
    if Invitation.objects.filter(organization=organization, email__iexact=email).open().exists():
        raise ValidationError(ALREADY_INVITED, code="invited", params={"email": email})
    token = new_token()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization,
                email=email,
                roles=roles,
                language=language,
                token_hash=token_hash(token),
                invited_by=actor,
                expires_at=timezone.now() + VALID_FOR,
            )
    except IntegrityError as error:  # the same address invited at the same moment
        raise ValidationError(ALREADY_INVITED, code="invited", params={"email": email}) from error
    activity_record(
        organization=organization,
        kind=Activity.Kind.MEMBER_INVITED,
        actor=actor,
        before={},
        after=snapshot(invitation),
    )
    _send_invitation(invitation, token, actor, taken=_has_account(email))
    pages_changed(organization.pk)
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).open().first()
    if locked is None:
        raise ValidationError(INVITATION_CLOSED, code="closed")
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Send the invitation again with a new link valid 7 days; the old link stops working.
    Raises ValidationError when it was accepted or cancelled meanwhile."""
    actor = locked_actor(lock_members(invitation.organization), actor)
    invitation = _lock_invitation(invitation)
    check_may_act_on(actor, invitation.roles)
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = timezone.now() + VALID_FOR
    invitation.save(update_fields=["token_hash", "expires_at"])
    activity_record(
        organization=invitation.organization,
        kind=Activity.Kind.INVITATION_RESENT,
        actor=actor,
        before={},
        after=snapshot(invitation),
    )
    _send_invitation(invitation, token, actor, taken=_has_account(invitation.email))
    pages_changed(invitation.organization_id)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User) -> Invitation:
    """Cancel an open invitation: its link stops working. Raises ValidationError when it was
    accepted or cancelled meanwhile, or it gives the Global admin role and the actor isn't one."""
    actor = locked_actor(lock_members(invitation.organization), actor)
    invitation = _lock_invitation(invitation)
    check_may_act_on(actor, invitation.roles)
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    activity_record(
        organization=invitation.organization,
        kind=Activity.Kind.INVITATION_CANCELLED,
        actor=actor,
        before=snapshot(invitation),
        after={},
    )
    pages_changed(invitation.organization_id)
    return invitation


def invitation_refusal(invitation: Invitation | None) -> str | None:
    """Why a link can't be used (LINK_* message), or None when it can."""
    if invitation is None or invitation.cancelled_at is not None:
        return str(LINK_INVALID)
    if invitation.accepted_at is not None:
        return str(LINK_USED)
    if invitation.is_expired():
        return str(LINK_EXPIRED)
    return None


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Create the invitee's account in the inviting organization with the invited roles and
    ``password`` (Django's validators apply), and close the invitation. Holds when the link's
    invitation is open and unexpired and no account has the address by now (checked, and
    enforced by the unique address when two invitations of one address are accepted at once).
    Raises ValidationError with a LINK_* message, or the password validators' messages."""
    found = invitation_by_token(token)
    refusal = invitation_refusal(found)
    if found is None or refusal:
        raise ValidationError(refusal or LINK_INVALID, code="link")
    invitation = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=found.pk)
    )
    refusal = invitation_refusal(invitation)
    if refusal or invitation.token_hash != token_hash(token):  # used or resent meanwhile
        raise ValidationError(refusal or LINK_INVALID, code="link")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(LINK_UNUSABLE, code="link")
    account = User(
        email=invitation.email,
        organization=invitation.organization,
        roles=list(invitation.roles),
        language=invitation.language,
    )
    validate_password(password, account)
    account.set_password(password)
    _pause_before_write(0)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:  # accepted in another organization at the same moment
        raise ValidationError(LINK_UNUSABLE, code="link") from error
    invitation.accepted_at = timezone.now()
    invitation.account = account
    invitation.save(update_fields=["accepted_at", "account"])
    activity_record(
        organization=invitation.organization,
        kind=Activity.Kind.INVITATION_ACCEPTED,
        actor=account,
        before={},
        after=snapshot(account),
    )
    pages_changed(invitation.organization_id)
    return account
