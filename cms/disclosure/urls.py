"""The disclosure admin views, under /admin/disclosure/ (namespace ``disclosure``)."""

from django.urls import path

from .reports import TimelinessReportView

app_name = "disclosure"
urlpatterns = [
    path("reports/timeliness/", TimelinessReportView.as_view(), name="timeliness_report"),
    path(
        "reports/timeliness/results/",
        TimelinessReportView.as_view(results_only=True),
        name="timeliness_report_results",
    ),
]
