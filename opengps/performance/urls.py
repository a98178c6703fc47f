"""Performance evaluation, recipient surveys and the credit loop (绩效评价 · 优胜劣汰)."""

from django.urls import path

from opengps.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.evaluation_create, name="create"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("<int:pk>/scores/", views.score_post, name="score"),
    path("<int:pk>/codes/", views.codes_post, name="codes"),
    path("<int:pk>/finalize/", views.finalize_post, name="finalize"),
    path("<int:pk>/publish/", views.publish_post, name="publish"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("s/<str:token>/", views.survey, name="survey"),
    path("s/<str:token>/qr.svg", views.survey_qr, name="survey_qr"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/decline/", views.recommendation_decline, name="recommendation_decline"),
    path("conduct/<int:member_id>/", views.conduct_post, name="conduct"),
]
