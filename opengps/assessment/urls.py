"""Assessment pages (/assessment/): rounds, indicator sets, applications, the scoring form, one POST
URL per action, and the public notices under /assessment/notices/."""

from django.urls import path

from opengps.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("sets/", views.indicator_sets, name="sets"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/apply/", views.apply, name="apply"),
    path("rounds/<int:pk>/committee/", views.round_committee, name="committee"),
    path("rounds/<int:pk>/notice/", views.round_notice, name="notice-publish"),
    path("rounds/<int:pk>/decide/", views.round_decide, name="decide"),
    path("rounds/<int:pk>/review/", views.objection_review, name="review"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/screen/", views.application_screen, name="screen"),
    path("applications/<int:pk>/evidence/", views.evidence_upload, name="evidence"),
    path("applications/<int:pk>/sanction/", views.application_sanction, name="sanction"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("applications/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/object/", views.notice_object, name="object"),
]
