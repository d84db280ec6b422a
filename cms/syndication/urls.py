"""The 推送与下架 admin views, under /admin/syndication/ (namespace ``syndication``)."""

from django.urls import path

from . import views

app_name = "syndication"
urlpatterns = [
    path("push/<id:page_id>/", views.push_view, name="push"),
    path("takedown/<id:page_id>/", views.takedown_view, name="takedown"),
    path("restore/<id:takedown_id>/", views.restore_view, name="restore"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("records/", views.records_view, name="records"),
    path("find/", views.finder_view, name="finder"),
    path("stats/", views.stats_view, name="stats"),
]
