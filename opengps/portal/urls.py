"""The public disclosure portal: notices, results, feeds and search (信息公开)."""

from django.urls import path

from opengps.portal import feeds, views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("feeds/<slug:kind>.rss", feeds.NoticeRssFeed(), name="feed-rss"),
    path("feeds/<slug:kind>.atom", feeds.NoticeAtomFeed(), name="feed-atom"),
    path("<slug:kind>/", views.kind, name="kind"),
    path("<slug:kind>/<int:pk>/", views.notice, name="notice"),
]
