from django.urls import path

from . import admin_views

app_name = "visits"
urlpatterns = [
    path("", admin_views.cluster_view, name="cluster"),
    path("<id:site_id>/", admin_views.site_view, name="site"),
]
