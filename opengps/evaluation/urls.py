from django.urls import path

from opengps.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
]
