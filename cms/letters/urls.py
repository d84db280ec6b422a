from django.urls import path

from . import views

app_name = "letters_admin"
urlpatterns = [
    path("", views.letter_index, name="index"),
    path("<int:letter_id>/", views.letter_detail, name="detail"),
]
