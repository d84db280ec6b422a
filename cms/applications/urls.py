from django.urls import path

from . import views

app_name = "applications_admin"
urlpatterns = [
    path("", views.application_index, name="index"),
    path("<int:application_id>/", views.application_detail, name="detail"),
    path("<int:application_id>/notice/<slug:kind>/", views.notice_download, name="notice"),
    path(
        "<int:application_id>/attachments/<int:attachment_id>/download/", views.attachment_download, name="attachment"
    ),
    path("table3/", views.table3_view, name="table3"),
]
