from django.urls import path

from . import views

app_name = "applications_admin"
urlpatterns = [
    path("", views.application_index, name="index"),
    path("<int:application_id>/", views.application_detail, name="detail"),
    path("table3/", views.table3_view, name="table3"),
]
