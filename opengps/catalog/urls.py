from django.urls import path

from opengps.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("manage/", views.manage, name="manage"),
]
