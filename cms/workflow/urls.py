from django.urls import path

from . import views
from .audit import SiteAuditView

urlpatterns = [
    path("pages/<id:page_id>/report/", views.report_view, name="report"),
    path("pages/<id:page_id>/override/", views.override_view, name="override"),
    path("pages/<id:page_id>/emergency-publish/", views.emergency_publish_view, name="emergency_publish"),
    path("emergency/", views.emergency_list_view, name="emergency_list"),
    path("emergency/<id:pk>/sign-off/", views.sign_off_view, name="sign_off"),
    path("audit/", SiteAuditView.as_view(), name="audit"),
    path("audit/results/", SiteAuditView.as_view(results_only=True), name="audit_results"),
]
