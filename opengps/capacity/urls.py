"""Capacity pages (/capacity/, officials only) and the station page's actions, one POST URL each;
trainings, showcase events and filed community organizations with theirs (`views_growth`);
the public station finder (/capacity/find/) needs no sign-in."""

from django.urls import path

from opengps.capacity import views, views_growth

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
    path("stations/<int:pk>/points/", views.point_open, name="point-open"),
    path("stations/<int:pk>/points/close/", views.point_close, name="point-close"),
    path("trainings/", views_growth.training_list, name="trainings"),
    path("trainings/create/", views_growth.training_create, name="training-create"),
    path("trainings/hours/", views_growth.training_hours, name="training-hours"),
    path("trainings/<int:pk>/", views_growth.training_detail, name="training"),
    path("trainings/<int:pk>/attend/", views_growth.training_attend, name="training-attend"),
    path("events/", views_growth.event_list, name="events"),
    path("events/create/", views_growth.event_create, name="event-create"),
    path("events/<int:pk>/", views_growth.event_detail, name="event"),
    path("events/<int:pk>/showcase/", views_growth.event_showcase, name="event-showcase"),
    path("filings/", views_growth.filing_list, name="filings"),
    path("filings/<int:pk>/", views_growth.filing_detail, name="filing"),
    path("filings/<int:pk>/support/", views_growth.filing_support, name="filing-support"),
    path("filings/<int:pk>/activities/", views_growth.filing_activity, name="filing-activity"),
]
