from django.urls import path

from opengps.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
]
