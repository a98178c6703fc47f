from django.urls import path

from opengps.contracts import views

app_name = "contracts"
urlpatterns = [
    path("", views.index, name="index"),
    path("late/", views.late, name="late"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:contract_id>/", views.public_detail, name="public_detail"),
    path("public/<int:contract_id>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("new/<int:award_id>/", views.create, name="create"),
    path("new-call-off/<int:call_off_id>/", views.create_call_off, name="create_call_off"),
    path("<int:contract_id>/", views.detail, name="detail"),
    path("<int:contract_id>/do/<slug:name>/", views.action, name="action"),
    path("<int:contract_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
