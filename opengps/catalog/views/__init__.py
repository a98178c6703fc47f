"""Catalogue screens: `pages` (the guidance catalogue, one entry, a new entry's form) and `actions`
(one URL per action on a version, an entry or a reference price)."""

from opengps.catalog.views import actions as actions
from opengps.catalog.views import pages as pages
