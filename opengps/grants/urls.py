from django.urls import path

from opengps.grants import views, views_cofunding

app_name = "grants"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("rounds/<int:round_id>/application/", views.application_post, name="application_post"),
    path("rounds/<int:round_id>/scores/", views.score_sheet_post, name="score_sheet_post"),
    path("agreements/<int:agreement_id>/final-audit/", views.final_audit_post, name="final_audit_post"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/do/<slug:name>/", views.round_action, name="round_action"),
    path("rounds/<int:round_id>/objections/", views.objection_post, name="objection_post"),
    path("objections/<int:objection_id>/decide/", views.objection_decide_post, name="objection_decide"),
    path("agreements/<int:agreement_id>/do/<slug:name>/", views.agreement_action, name="agreement_action"),
    path(
        "applications/<int:application_id>/cofunding/",
        views_cofunding.application_cofunding,
        name="application_cofunding",
    ),
    path(
        "commitments/<int:commitment_id>/remove/", views_cofunding.commitment_remove, name="commitment_remove"
    ),
    path(
        "commitments/<int:commitment_id>/evidence/",
        views_cofunding.commitment_evidence,
        name="commitment_evidence",
    ),
    path(
        "agreements/<int:agreement_id>/cofunding/",
        views_cofunding.agreement_cofunding,
        name="agreement_cofunding",
    ),
    path("programmes/<int:programme_id>/", views_cofunding.programme_detail, name="programme"),
    path(
        "programmes/<int:programme_id>/donations/",
        views_cofunding.programme_donation,
        name="programme_donation",
    ),
    path("report/", views.report, name="report"),
    path("report/<int:year>.pdf", views.report_pdf, name="report_pdf"),
]
