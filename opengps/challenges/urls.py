from django.urls import path

from opengps.challenges import views

app_name = "challenges"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("complaint/<int:pk>/clock/stop/", views.clock_stop, name="clock-stop"),
    path("complaint/<int:pk>/clock/resume/", views.clock_resume, name="clock-resume"),
]
