"""The Team page (/team/) and invitation links (/team/join/<token>/, then /team/join/accept/)."""

from django.urls import path

from benefits.views import team, team_join, team_tokens
from benefits.webhooks import views as webhooks

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
    path("tokens/", team_tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", team_tokens.token_revoke, name="token_revoke"),
    path("webhooks/", webhooks.endpoint_list, name="webhooks"),
    path("webhooks/new/", webhooks.endpoint_create, name="webhook_create"),
    path("webhooks/<int:endpoint_id>/", webhooks.endpoint_detail, name="webhook_detail"),
    path("webhooks/<int:endpoint_id>/secret/", webhooks.endpoint_secret, name="webhook_secret"),
    path("webhooks/<int:endpoint_id>/disable/", webhooks.endpoint_disable, name="webhook_disable"),
    path("webhooks/<int:endpoint_id>/enable/", webhooks.endpoint_enable, name="webhook_enable"),
    path("webhooks/<int:endpoint_id>/delete/", webhooks.endpoint_delete, name="webhook_delete"),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        webhooks.delivery_resend,
        name="webhook_resend",
    ),
    # Before join/<token>/, which would take "accept" for a token.
    path("join/accept/", team_join.accept, name="join_accept"),
    # The token is URL-safe base64; anything else in this place matches no invitation.
    path("join/<str:token>/", team_join.join, name="join"),
]
