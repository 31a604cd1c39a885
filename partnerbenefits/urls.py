from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import language
from benefits.api.api import api_urls
from benefits.views import activity, products

admin.site.site_header = _("Partner Benefits administration")
admin.site.site_title = _("Partner Benefits")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's language switch, which also keeps a signed-in account's choice.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("mpn/benefits/", include("benefits.urls")),
    path("activity/", activity.activity, name="activity"),
    path("activity/export.csv", activity.activity_export, name="activity_export"),
    path("products/", products.products, name="products"),
    path("team/", include("benefits.team_urls")),
    # The REST API (SPEC 11): /api/v1/openapi.json, /api/v1/docs.
    path("api/v1/", api_urls()),
    path("", include("benefits.notifications.urls")),
    path("", include("accounts.urls")),
]
