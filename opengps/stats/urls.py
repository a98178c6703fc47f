"""统计分析: dashboards, drill-down lists, exports and the public definitions of the measures."""

from django.urls import path

from opengps.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("region/", views.region, name="region"),
    path("category/", views.category, name="category"),
    path("competition/", views.competition, name="competition"),
    path("providers/", views.providers, name="providers"),
    path("funds/", views.funds, name="funds"),
    path("public/", views.public, name="public"),
    path("records/", views.records, name="records"),
    path("definitions/", views.definitions, name="definitions"),
    path("target/", views.target_set, name="target"),
    path("refresh/", views.refresh, name="refresh"),
    path("export/<slug:view>.xlsx", views.export, name="export"),
]
