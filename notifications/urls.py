from django.urls import path

from notifications import unsubscribe, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("account/notifications/", views.preferences, name="preferences"),
    path(
        "notifications/unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"
    ),
]
