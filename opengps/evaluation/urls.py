from django.urls import path

from opengps.evaluation import views
from opengps.evaluation.views import actions

app_name = "evaluation"

ACTIONS = {
    "conflict": actions.conflict,
    "review": actions.review,
    "scores": actions.scores,
    "report": actions.report,
    "sign": actions.sign,
    "confirm": actions.confirm,
    "announce": actions.announce,
    "shortlist-announce": actions.shortlist_announce,
    "call-off": actions.call_off,
    "deposit-returned": actions.deposit_returned,
}
"""One URL per action on an evaluation (``/evaluation/<procurement pk>/<action>/``, POST only),
named as the path."""

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<int:pk>/lots/<int:lot>/award-notice.pdf", views.award_notice_pdf, name="award-notice-pdf"),
    path("<int:pk>/result.pdf", views.result_pdf, name="result-pdf"),
    *(path(f"<int:pk>/{name}/", view, name=name) for name, view in ACTIONS.items()),
    path("call-off/<int:pk>/publish/", views.call_off_publish, name="call-off-publish"),
]
