from django.urls import path

from opengps.workbench import design, holiday_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_search, name="audit-search"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_timeline, name="audit-timeline"),
    path("rules/", views.rules_index, name="rules"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/read-all/", views.reminders_read_all, name="reminders-read-all"),
    path("reminders/<int:pk>/read/", views.reminder_read, name="reminder-read"),
    path("work/<slug:key>/", views.queue, name="queue"),
    path("agenda/", views.agenda_month, name="agenda"),
    path("calendar/notice/", holiday_views.notice_entry, name="holiday-notice"),
    path("calendar/notice/confirm/", holiday_views.notice_confirm, name="holiday-notice-confirm"),
    path("design/", design.design, name="design"),
    path("healthz", views.healthz, name="healthz"),
]
