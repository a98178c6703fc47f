from django.urls import path

from opengps.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="list"),
    path("<int:expert_id>/", views.expert_detail, name="detail"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/<int:draw_id>/", views.draw_detail, name="draw"),
    path("members/<int:member_id>/respond/", views.member_respond, name="respond"),
    path("invitations/", views.invitations, name="invitations"),
]
