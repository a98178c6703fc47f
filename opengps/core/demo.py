"""TRANSITIONAL: the old import path of the demo's shared names, kept while the apps' demo loaders
move to `opengps.accounts.demo`; removed in the same change set."""

from opengps.accounts.demo import DEMO_PASSWORD as DEMO_PASSWORD
from opengps.accounts.demo import DemoContext as DemoContext
from opengps.accounts.demo import DemoLogin as DemoLogin
from opengps.accounts.demo import DemoSummary as DemoSummary
from opengps.accounts.demo import demo_password_hash as demo_password_hash
from opengps.accounts.demo import demo_unit as demo_unit
