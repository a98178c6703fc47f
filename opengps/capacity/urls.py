"""Capacity pages (/capacity/, officials only, read-only for now)."""

from django.urls import path

from opengps.capacity import views

app_name = "capacity"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("stations/", views.station_list, name="stations"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
]
