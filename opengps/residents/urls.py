"""Residents' pages (/residents/) and their actions, one URL per action."""

from django.urls import path

from opengps.residents import views

app_name = "residents"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("services/<str:source>/<int:pk>/", views.service, name="service"),
    path("services/<str:source>/<int:pk>/rate", views.rate, name="rate"),
    path("services/<str:source>/<int:pk>/file", views.file, name="file"),
    path("done/", views.done, name="done"),
    path("track/", views.track, name="track"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/answer", views.answer, name="answer"),
    path("inbox/<int:feedback>/photos/<int:pk>", views.photo, name="photo"),
    path("partners/", views.partners, name="partners"),
    path("partners/create", views.partner_create, name="partner-create"),
    path("partners/<int:pk>/revoke", views.partner_revoke, name="partner-revoke"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.worker, name="worker"),
    path("offline/", views.offline, name="offline"),
]
