"""Registry URLs: public search and profiles; the authority's pages, and one URL per action (POST only)
on an organization."""

from django.urls import path

from opengps.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.xlsx", views.export, name="export"),
    path("org/<str:uscc>/", views.detail, name="detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/export.xlsx", views.manage_export, name="manage-export"),
    path("manage/new/", views.manage_create, name="manage-create"),
    path("manage/org/<str:uscc>/", views.manage_org, name="manage-org"),
    path("manage/org/<str:uscc>/edit/", views.manage_edit, name="manage-edit"),
    *[
        path(f"manage/org/<str:uscc>/{name}/", view, name=f"manage-org-{name}")
        for name, view in views.ORG_ACTIONS.items()
    ],
    path("manage/import/", views.manage_import, name="import"),
    path("manage/import/template.xlsx", views.import_template, name="import-template"),
    path("manage/import/<int:job_id>/", views.import_job, name="import-job"),
]
