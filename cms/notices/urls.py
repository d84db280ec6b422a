"""The 告知书模板 admin views, under /admin/notices/ (namespace ``notices``)."""

from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("<slug:kind>/template.docx", views.download_view, name="download"),
    path("<slug:kind>/upload/", views.upload_view, name="upload"),
    path("<slug:kind>/reset/", views.reset_view, name="reset"),
    path("<slug:kind>/sample.<str:fmt>", views.sample_view, name="sample"),
]
