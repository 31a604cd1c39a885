from django.urls import path

from benefits.views import azure_cloud, overview

app_name = "benefits"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("azure-cloud/", azure_cloud.azure_cloud, name="azure_cloud"),
    path("azure-cloud/export.csv", azure_cloud.azure_cloud_csv, name="azure_cloud_csv"),
    path("azure-cloud/<int:benefit_id>/", azure_cloud.benefit_detail, name="benefit_detail"),
    # The redemption wizard answers here; until it is served, the name keeps links stable.
    path("redeem/", azure_cloud.redeem_placeholder, name="redeem"),
]
