"""Red flags for the finance department and auditors, with evidence (监督预警)."""

from django.urls import path

from opengps.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("flags/<int:pk>/", views.detail, name="detail"),
    path("thresholds/", views.thresholds, name="thresholds"),
]
