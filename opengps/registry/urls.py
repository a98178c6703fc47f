from django.urls import path

from opengps.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("manage/", views.manage, name="manage"),
    path("org/<str:uscc>/", views.detail, name="detail"),
]
