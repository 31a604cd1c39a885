from django.urls import path

from benefits.views import azure_cloud, credits, overview, redeem, report

app_name = "benefits"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("azure-cloud/", azure_cloud.azure_cloud, name="azure_cloud"),
    path("azure-cloud/export.csv", azure_cloud.azure_cloud_csv, name="azure_cloud_csv"),
    path("azure-cloud/<int:benefit_id>/", azure_cloud.benefit_detail, name="benefit_detail"),
    path(
        "azure-cloud/<int:benefit_id>/keys/",
        azure_cloud.benefit_keys_revealed,
        name="benefit_keys_revealed",
    ),
    path("azure-cloud/<int:benefit_id>/people/", credits.credit_picker, name="credit_picker"),
    path(
        "azure-cloud/<int:benefit_id>/people/<int:holder_id>/transfer/",
        credits.credit_picker,
        name="credit_transfer_picker",
    ),
    path("azure-cloud/<int:benefit_id>/assign/", credits.credit_assign, name="credit_assign"),
    path(
        "azure-cloud/<int:benefit_id>/holders/<int:holder_id>/remove/",
        credits.credit_remove,
        name="credit_remove",
    ),
    path(
        "azure-cloud/<int:benefit_id>/holders/<int:holder_id>/transfer/",
        credits.credit_transfer,
        name="credit_transfer",
    ),
    path("redeem/", redeem.redeem, name="redeem"),
    path("report/", report.report, name="report"),
    path("report/export.csv", report.report_csv, name="report_csv"),
]
