"""Social-organization rating assessments (社会组织等级评估, issue 24): rounds, indicator sets,
applications, third-party assessors' scores, the committee's proposal, public notice with
objections and review, and the decision that records the rating."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "opengps.assessment"
    label = "assessment"
    verbose_name = _("社会组织评估")

    def ready(self) -> None:
        from opengps.assessment import events  # noqa: F401 — declares the app's audit events (timeline labels)
