from django.urls import path

from opengps.procurement import views

app_name = "procurement"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("<int:pk>/opening.pdf", views.opening_pdf, name="opening-pdf"),
    path("receipts/verify/", views.verify, name="verify"),
    path("receipts/<uuid:version_id>/", views.receipt, name="receipt"),
    path("notifications/", views.notifications, name="notifications"),
]
