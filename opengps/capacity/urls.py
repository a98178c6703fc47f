"""Capacity pages (/capacity/, officials only) and the station page's actions, one POST URL each;
the public station finder (/capacity/find/) needs no sign-in."""

from django.urls import path

from opengps.capacity import views

app_name = "capacity"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("find/", views.finder, name="finder"),
    path("export.xlsx", views.coverage_export, name="coverage-export"),
    path("stations/", views.station_list, name="stations"),
    path("stations/export.xlsx", views.stations_export, name="stations-export"),
    path("import/", views.imports, name="imports"),
    path("import/run/", views.import_run, name="import-run"),
    path("import/<slug:kind>/template.xlsx", views.import_template, name="import-template"),
    path("stations/open/", views.station_open, name="station-open"),
    path("workers/register/", views.worker_register, name="worker-register"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/<int:pk>/logs/", views.operator_logs, name="operator-logs"),
    path("stations/<int:pk>/log/", views.log_enter, name="log-enter"),
    path("stations/<int:pk>/postings/", views.posting_add, name="posting-add"),
    path("stations/<int:pk>/postings/end/", views.posting_end, name="posting-end"),
    path("stations/<int:pk>/suspend/", views.suspend, name="suspend"),
    path("stations/<int:pk>/resume/", views.resume, name="resume"),
    path("stations/<int:pk>/close/", views.close, name="close"),
]
