"""The Team page's changes to existing accounts: change roles, deactivate, reactivate.

The organization's last active Global admin can't be demoted or deactivated, nobody deactivates
themselves or removes their own Global admin role, and only a Global admin gives or takes the
Global admin role or acts on a Global admin (``check_may_act_on``). Every account of the
organization is locked first (see ``benefits.services.team``), so two admins demoting each
other at once can't leave none.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accounts.models import User
from accounts.team import active_global_admins, roles_checked
from benefits.models import Activity
from benefits.services.activity import activity_record
from benefits.services.team import (
    ALREADY_ACTIVE,
    ALREADY_INACTIVE,
    GLOBAL_ADMIN,
    LAST_GLOBAL_ADMIN,
    MEMBER_GONE,
    NOT_YOURSELF_DEACTIVATE,
    NOT_YOURSELF_DEMOTE,
    ROLES_UNCHANGED,
    check_may_act_on,
    lock_members,
    locked_actor,
    revoke_api_tokens,
    snapshot,
)
from common.pagecache import pages_changed

# Tests widen the window between the checks and the write to prove the lock closes it.
_pause_before_write = time.sleep


def _locked_pair(member: User, actor: User) -> tuple[dict[int, User], User, User]:
    """Every account of the member's organization (locked), the locked member, the actor."""
    if member.organization is None:  # members come from an organization's selector
        raise ValidationError(MEMBER_GONE, code="gone")
    members = lock_members(member.organization)
    actor = locked_actor(members, actor)
    locked = members.get(member.pk)
    if locked is None or actor.organization_id != locked.organization_id:
        raise ValidationError(MEMBER_GONE, code="gone")
    return members, locked, actor


def check_not_last_global_admin(members: dict[int, User], member: User) -> None:
    others = [m for m in active_global_admins(list(members.values())) if m.pk != member.pk]
    if not others:
        raise ValidationError(
            LAST_GLOBAL_ADMIN, code="last_global_admin", params={"email": member.email}
        )


@transaction.atomic
def member_roles_change(*, member: User, roles: list[str], actor: User) -> User:
    """Give ``member`` exactly ``roles``. Refused (ValidationError naming why) for unknown or
    repeated roles, no change, a Global admin's roles or the Global admin role changed by
    someone who isn't one, one's own Global admin role, and the organization's last active
    Global admin."""
    members, member, actor = _locked_pair(member, actor)
    roles = roles_checked(roles)
    before = list(member.roles)
    if set(roles) == set(before):
        raise ValidationError(ROLES_UNCHANGED, code="unchanged", params={"email": member.email})
    check_may_act_on(actor, before + roles)
    if GLOBAL_ADMIN in before and GLOBAL_ADMIN not in roles:
        if member.pk == actor.pk:
            raise ValidationError(NOT_YOURSELF_DEMOTE, code="yourself")
        if member.is_active:
            check_not_last_global_admin(members, member)
    _pause_before_write(0)
    member.roles = roles
    member.save(update_fields=["roles"])
    activity_record(
        organization=actor.organization,
        kind=Activity.Kind.ROLES_CHANGED,
        actor=actor,
        before=snapshot(member, before),
        after=snapshot(member),
    )
    pages_changed(member.organization_id)
    return member


@transaction.atomic
def member_deactivate(*, member: User, actor: User) -> User:
    """Deactivate ``member``: it can no longer sign in, its sessions end at once (the session
    generation changes, so they stay ended after a reactivation) and its API tokens are
    revoked. Refused for oneself, the last active Global admin, a Global admin unless the
    actor is one, and an account already deactivated."""
    members, member, actor = _locked_pair(member, actor)
    if member.pk == actor.pk:
        raise ValidationError(NOT_YOURSELF_DEACTIVATE, code="yourself")
    if not member.is_active:
        raise ValidationError(ALREADY_INACTIVE, code="inactive", params={"email": member.email})
    check_may_act_on(actor, member.roles)
    if GLOBAL_ADMIN in member.roles:
        check_not_last_global_admin(members, member)
    _pause_before_write(0)
    User.objects.filter(pk=member.pk).update(
        is_active=False, session_generation=F("session_generation") + 1
    )
    member.refresh_from_db(fields=["is_active", "session_generation"])
    revoke_api_tokens(member=member)
    activity_record(
        organization=actor.organization,
        kind=Activity.Kind.MEMBER_DEACTIVATED,
        actor=actor,
        before=snapshot(member),
        after={},
    )
    pages_changed(member.organization_id)
    return member


@transaction.atomic
def member_reactivate(*, member: User, actor: User) -> User:
    """Let a deactivated ``member`` sign in again (with its password; its old sessions stay
    ended). Refused for an active account, and for a Global admin unless the actor is one."""
    _members, member, actor = _locked_pair(member, actor)
    if member.is_active:
        raise ValidationError(ALREADY_ACTIVE, code="active", params={"email": member.email})
    check_may_act_on(actor, member.roles)
    member.is_active = True
    member.save(update_fields=["is_active"])
    activity_record(
        organization=actor.organization,
        kind=Activity.Kind.MEMBER_REACTIVATED,
        actor=actor,
        before={},
        after=snapshot(member),
    )
    pages_changed(member.organization_id)
    return member
