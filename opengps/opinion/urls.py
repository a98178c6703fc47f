"""Opinion pages (/opinion/, officials only): the monitoring desk, one item, the alert queue and one
alert with its decision form (one POST URL), an item's tone correction, the corrections report,
the import of a contractor's file and the manual entry of one item."""

from django.urls import path

from opengps.opinion import views, views_import

app_name = "opinion"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("import/", views_import.file_import, name="import"),
    path("items/new/", views_import.item_enter, name="enter"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/tone/", views.correct_tone, name="correct_tone"),
    path("corrections/", views.corrections, name="corrections"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/decide/", views.decide, name="decide"),
]
