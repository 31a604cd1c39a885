from django.urls import path

from benefits.views import overview

app_name = "benefits"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("azure-cloud/<int:benefit_id>/", overview.benefit_detail, name="benefit_detail"),
]
