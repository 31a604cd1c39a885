"""The Team page (/team/) and invitation links (/team/join/<token>/, then /team/join/accept/)."""

from django.urls import path

from benefits.views import team, team_join

app_name = "team"

urlpatterns = [
    path("", team.members, name="members"),
    path("invite/", team.invite, name="invite"),
    path("members/<int:member_id>/roles/", team.member_roles, name="member_roles"),
    path("members/<int:member_id>/deactivate/", team.member_deactivate, name="member_deactivate"),
    path("members/<int:member_id>/reactivate/", team.member_reactivate, name="member_reactivate"),
    path(
        "invitations/<int:invitation_id>/resend/",
        team.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/cancel/",
        team.invitation_cancel,
        name="invitation_cancel",
    ),
    # Before join/<token>/, which would take "accept" for a token.
    path("join/accept/", team_join.accept, name="join_accept"),
    # The token is URL-safe base64; anything else in this place matches no invitation.
    path("join/<str:token>/", team_join.join, name="join"),
]
