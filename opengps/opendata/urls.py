"""开放数据 pages."""

from django.urls import path

from opengps.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.export_start, name="export-start"),
    path("exports/<int:job_id>/", views.export_job, name="export-job"),
]
