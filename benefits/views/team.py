"""The Team page (the partner center's User management): the organization's accounts and open
invitations; invite, resend, cancel; change roles, deactivate, reactivate.

With htmx every action replaces its table row in place; without JavaScript each is a form POST
(destructive ones after a confirmation page) that redirects back to the Team page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import team as selectors
from accounts.mfa import STATUS_LABELS, mfa_status
from accounts.models import Invitation, User
from accounts.permissions import PortalRequest, team_access_required
from accounts.team_forms import InviteForm, RolesForm
from benefits.services import team as services
from benefits.services import team_members
from common.htmx import render_page_or_partial, wants_partial

PAGE = "benefits/team.html"

INVITED = _("Invitation sent to %(email)s. The link is valid for 7 days.")
RESENT = _("Invitation sent again to %(email)s with a new link; the previous link no longer works.")
CANCELLED = _("The invitation to %(email)s is cancelled; its link no longer works.")
ROLES_CHANGED = _("The roles of %(email)s are changed.")
DEACTIVATED = _("%(email)s is deactivated and signed out everywhere.")
REACTIVATED = _("%(email)s is active again and can sign in.")


def with_mfa_label(member: User) -> User:
    member.mfa_label = STATUS_LABELS[mfa_status(member)]  # type: ignore[attr-defined]
    return member


@require_safe
@team_access_required
def members(request: PortalRequest) -> HttpResponse:
    context = {
        "members": [
            with_mfa_label(m) for m in selectors.member_list(organization=request.organization)
        ],
        "invitations": list(selectors.invitation_list(organization=request.organization)),
    }
    return render(request, PAGE, context)


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def invite(request: PortalRequest) -> HttpResponse:
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organization=request.organization,
                actor=request.user,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, INVITED % {"email": form.cleaned_data["email"].lower()})
            return redirect("team:members")
    return render(request, "benefits/team_invite.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def member_roles(request: PortalRequest, member_id: int) -> HttpResponse:
    """GET shows the roles' check boxes (in the row with htmx); POST changes them."""
    member = selectors.member_get(organization=request.organization, member_id=member_id)
    prefix = f"member-{member.pk}"
    if request.method != "POST":
        form = RolesForm(prefix=prefix, initial={"roles": member.roles})
    else:
        form = RolesForm(request.POST, prefix=prefix)
        if form.is_valid():
            change = partial(
                team_members.member_roles_change,
                member=member,
                roles=form.cleaned_data["roles"],
                actor=request.user,
            )
            try:
                return _done(request, change, ROLES_CHANGED % {"email": member.email}, member)
            except ValidationError as refusal:
                form.add_error(None, refusal)
    context = {"member": member, "form": form}
    return render_page_or_partial(request, "benefits/team_roles.html", "roles-row", context)


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def member_deactivate(request: PortalRequest, member_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deactivates."""
    member = selectors.member_get(organization=request.organization, member_id=member_id)
    if request.method != "POST":
        return _confirm(request, "deactivate", member)
    change = partial(team_members.member_deactivate, member=member, actor=request.user)
    return _outcome(request, change, DEACTIVATED % {"email": member.email}, member)


@require_POST
@team_access_required
def member_reactivate(request: PortalRequest, member_id: int) -> HttpResponse:
    member = selectors.member_get(organization=request.organization, member_id=member_id)
    change = partial(team_members.member_reactivate, member=member, actor=request.user)
    return _outcome(request, change, REACTIVATED % {"email": member.email}, member)


@require_POST
@team_access_required
def invitation_resend(request: PortalRequest, invitation_id: int) -> HttpResponse:
    # One accepted or cancelled meanwhile (another tab, another admin) is found too: the
    # service then says so, and the refreshed row shows it.
    invitation = selectors.invitation_get(
        organization=request.organization, invitation_id=invitation_id, closed_too=True
    )
    change = partial(services.invitation_resend, invitation=invitation, actor=request.user)
    return _outcome(request, change, RESENT % {"email": invitation.email}, invitation)


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def invitation_cancel(request: PortalRequest, invitation_id: int) -> HttpResponse:
    """GET asks for confirmation; POST cancels (one closed meanwhile: as for resend)."""
    invitation = selectors.invitation_get(
        organization=request.organization, invitation_id=invitation_id, closed_too=True
    )
    if request.method != "POST":
        if not invitation.is_open():
            return _refused(request, invitation, str(services.INVITATION_CLOSED))
        return _confirm(request, "cancel", invitation)
    change = partial(services.invitation_cancel, invitation=invitation, actor=request.user)
    return _outcome(request, change, CANCELLED % {"email": invitation.email}, invitation)


def _confirm(request: PortalRequest, action: str, subject: User | Invitation) -> HttpResponse:
    context = {"action": action, "subject": subject}
    return render_page_or_partial(request, "benefits/team_confirm.html", "confirm-row", context)


def _outcome(
    request: PortalRequest, change: Callable[[], object], success: str, subject: User | Invitation
) -> HttpResponse:
    """Run one service call; the refreshed row (htmx) or back to the Team page."""
    try:
        return _done(request, change, success, subject)
    except ValidationError as refusal:
        return _refused(request, subject, " ".join(refusal.messages))


def _refused(request: PortalRequest, subject: User | Invitation, error: str) -> HttpResponse:
    """The refusal on the refreshed row (htmx), or back to the Team page with it."""
    if not wants_partial(request):
        messages.error(request, error)
        return redirect("team:members")
    return _row(request, subject, {"error": error})


def _done(
    request: PortalRequest, change: Callable[[], object], success: str, subject: User | Invitation
) -> HttpResponse:
    """Run ``change`` (a ValidationError passes through); then the refreshed row or a
    redirect to the Team page with the notice."""
    change()
    if not wants_partial(request):
        messages.success(request, success)
        return redirect("team:members")
    return _row(request, subject, {"notice": success})


def _row(request: PortalRequest, subject: User | Invitation, context: dict) -> HttpResponse:
    """The row of ``subject`` as it is now (an invitation just cancelled included)."""
    if isinstance(subject, User):
        member = selectors.member_get(organization=request.organization, member_id=subject.pk)
        return render(request, f"{PAGE}#member-row", {"member": with_mfa_label(member), **context})
    invitation = selectors.invitation_get(
        organization=request.organization, invitation_id=subject.pk, closed_too=True
    )
    return render(request, f"{PAGE}#invitation-row", {"invitation": invitation, **context})
