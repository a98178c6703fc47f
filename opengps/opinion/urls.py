"""Opinion pages (/opinion/, officials only): the monitoring desk, one item, the alert queue and one
alert with its decision form (one POST URL), an item's tone correction and the corrections report."""

from django.urls import path

from opengps.opinion import views

app_name = "opinion"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/tone/", views.correct_tone, name="correct_tone"),
    path("corrections/", views.corrections, name="corrections"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/decide/", views.decide, name="decide"),
]
