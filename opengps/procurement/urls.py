from django.urls import path

from opengps.procurement import views
from opengps.procurement.views import actions

app_name = "procurement"

ACTIONS = {
    "documents": actions.save_documents,
    "framework-terms": actions.framework_terms,
    "draw": actions.draw,
    "announce": actions.announce,
    "clarify": actions.clarify,
    "answer": actions.answer,
    "decide-objection": actions.decide_objection,
    "close-notice": actions.close_notice,
    "open": actions.open_bids,
    "retender": actions.retender,
    "method-change": actions.method_change,
    "decide-method-change": actions.decide_method_change,
    "cancel": actions.cancel,
    "obtain": actions.obtain,
    "ask": actions.ask,
    "object": actions.raise_objection,
    "bid": actions.bid,
    "modify": actions.modify,
    "withdraw": actions.withdraw,
}
"""One URL per action on a procurement (``/procurement/<pk>/<action>/``, POST only), named as the path."""

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("plans/<int:plan_pk>/new/", views.create_from_plan, name="create-from-plan"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("<int:pk>/opening.pdf", views.opening_pdf, name="opening-pdf"),
    *(path(f"<int:pk>/{name}/", view, name=name) for name, view in ACTIONS.items()),
    path("receipts/verify/", views.verify, name="verify"),
    path("receipts/<uuid:version_id>/", views.receipt, name="receipt"),
    path("notifications/", views.notifications, name="notifications"),
]
