from django.urls import path

from opengps.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.index, name="index"),
]
