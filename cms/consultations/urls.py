from django.urls import path

from . import admin_views

app_name = "consultations"
urlpatterns = [
    path("comments/", admin_views.queue_view, name="queue"),
    path("comments/<id:pk>/decide/", admin_views.decide_view, name="decide"),
]
