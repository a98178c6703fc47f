"""Challenge fixtures: the evaluation fixtures (an opened procurement and its committee), reused as is."""

from opengps.evaluation.tests.conftest import *  # noqa: F403
from opengps.evaluation.tests.conftest import _next_year_calendar  # noqa: F401
