from django.urls import path

from benefits.notifications import unsubscribe, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    # The top bar's count, asked for when the cache doesn't hold it (notifications/unread.py).
    path("notifications/unread/", views.unread_count, name="unread"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
