"""The catalogue's pages, and one URL per action (POST only), each named as its path says."""

from django.urls import path

from opengps.catalog.views import actions, pages

app_name = "catalog"

ITEM = "versions/<int:version_pk>/items/<int:pk>"
PRICE = f"{ITEM}/prices/<int:price_pk>"

urlpatterns = [
    path("", pages.index, name="index"),
    path("versions/new/", actions.version_create, name="version-create"),
    path("versions/import/", actions.version_import, name="import"),
    path("versions/<int:pk>/import/", actions.version_import, name="version-import"),
    path("versions/<int:pk>/publish/", actions.version_publish, name="version-publish"),
    path("versions/<int:version_pk>/items/new/", actions.item_new, name="item-new"),
    path(f"{ITEM}/", pages.item_detail, name="item"),
    path(f"{ITEM}/update/", actions.item_update, name="item-update"),
    path(f"{ITEM}/retire/", actions.item_retire, name="item-retire"),
    path(f"{ITEM}/reinstate/", actions.item_reinstate, name="item-reinstate"),
    path(f"{ITEM}/remove/", actions.item_remove, name="item-remove"),
    path(f"{ITEM}/prices/add/", actions.price_add, name="price-add"),
    path(f"{PRICE}/update/", actions.price_update, name="price-update"),
    path(f"{PRICE}/remove/", actions.price_remove, name="price-remove"),
]
