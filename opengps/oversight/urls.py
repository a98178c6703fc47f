from django.urls import path

from opengps.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
]
