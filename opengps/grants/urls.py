from django.urls import path

from opengps.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("report/", views.report, name="report"),
]
