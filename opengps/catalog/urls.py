from django.urls import path

from opengps.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("manage/", views.manage, name="manage"),
    path("versions/<int:version_pk>/items/new/", views.item_new, name="item-new"),
    path("versions/<int:version_pk>/items/<int:pk>/", views.item_detail, name="item"),
]
