"""Challenge URLs: a procurement's challenge page, one URL per action on it (POST only), and the
complaint clock's screens."""

from django.urls import path

from opengps.challenges import views

app_name = "challenges"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    *[path(f"<int:pk>/{name}/", view, name=name) for name, view in views.ACTIONS.items()],
    path("complaint/<int:pk>/clock/stop/", views.clock_stop, name="clock-stop"),
    path("complaint/<int:pk>/clock/resume/", views.clock_resume, name="clock-resume"),
]
