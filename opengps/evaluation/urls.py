from django.urls import path

from opengps.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<int:pk>/lots/<int:lot>/award-notice.pdf", views.award_notice_pdf, name="award-notice-pdf"),
    path("<int:pk>/result.pdf", views.result_pdf, name="result-pdf"),
    path("call-off/<int:pk>/publish/", views.call_off_publish, name="call-off-publish"),
]
