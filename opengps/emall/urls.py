"""E-mall pages (/emall/) and their actions, one URL per action."""

from django.urls import path

from opengps.emall import views, views_calloff, views_public

app_name = "emall"

urlpatterns = [
    path("", views.index, name="index"),
    path("listings/<int:pk>/", views.listing, name="listing"),
    path("listings/<int:pk>/buy", views.buy, name="buy"),
    path("listings/<int:pk>/submit", views.submit, name="submit"),
    path("listings/<int:pk>/version", views.new_version, name="new_version"),
    path("listings/<int:pk>/suspend", views.suspend, name="suspend"),
    path("listings/<int:pk>/reinstate", views.reinstate, name="reinstate"),
    path("listings/<int:pk>/call-off", views_calloff.call_off, name="call_off"),
    path("supplier/", views.supplier, name="supplier"),
    path("supplier/entry", views.entry_apply, name="entry_apply"),
    path("supplier/listings/new", views.listing_create, name="listing_create"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.order, name="order"),
    *(
        path(f"orders/<int:pk>/{name}", views.order_action, {"name": name}, name=f"order_{name}")
        for name in views.ORDER_FORMS
    ),
    path("call-offs/", views_calloff.calloffs, name="calloffs"),
    path("notices/", views_public.notices, name="notices"),
    path("notices/rounds/<int:pk>/", views_public.round_notice, name="notice_round"),
    path("notices/orders/<int:pk>/", views_public.order_notice, name="notice_order"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/quote", views.quote, name="round_quote"),
    path("rounds/<int:pk>/close", views.close, name="round_close"),
    path("operator/", views.operator, name="operator"),
    path("operator/entries/<int:pk>/decide", views.entry_decide, name="entry_decide"),
    path("operator/versions/<int:pk>/review", views.version_review, name="version_review"),
    path("operator/flags/<int:pk>/decide", views.flag_decide, name="flag_decide"),
]
