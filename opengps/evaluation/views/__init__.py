"""Evaluation screens: `pages` (the evaluation page, its PDFs, the call-off publication screen) and
`actions` (one URL per action on an evaluation)."""

from opengps.evaluation.views import actions as actions
from opengps.evaluation.views.pages import award_notice_pdf as award_notice_pdf
from opengps.evaluation.views.pages import call_off_publish as call_off_publish
from opengps.evaluation.views.pages import detail as detail
from opengps.evaluation.views.pages import render_detail as render_detail
from opengps.evaluation.views.pages import report_pdf as report_pdf
from opengps.evaluation.views.pages import result_pdf as result_pdf
