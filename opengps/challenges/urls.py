from django.urls import path

from opengps.challenges import views

app_name = "challenges"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
]
