from django.urls import path

from opengps.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("intentions/", views.intentions, name="intentions"),
    path("budget-lines/", views.budget_action, name="budget-create"),
    path("budget-lines/<int:pk>/", views.budget_action, name="budget-action"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:project_pk>/plan/", views.plan_new, name="plan-new"),
    path("method-preview/", views.method_preview, name="method-preview"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
]
