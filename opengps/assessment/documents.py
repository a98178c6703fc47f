"""The rating certificate (社会组织评估等级证书) as PDF, in the official layout of `opengps.core.pdf`
(embedded CJK fonts, the authority in the masthead over the decision number, the place for the
seal): the caller selects a rated application; this only typesets it."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import Spacer  # type: ignore[import-untyped]

from opengps.assessment.models import Application
from opengps.core.pdf import Document, cite, closing, day, facts, p, render, title_style
from opengps.rules.assessment import VALIDITY

__all__ = ["Document", "certificate", "render"]


def certificate(application: Application) -> Document:
    """The certificate of a rated application: the organization, its level, the decision and the
    validity the rating carries."""
    rating = application.rating
    assert rating is not None  # the caller selects rated applications only
    round_ = application.round
    organization = application.organization
    authority = round_.authority.name
    title = _("社会组织评估等级证书")
    level = f"{rating.level}A"
    story = [
        p(title, "title"),
        Spacer(1, 4 * mm),
        p(level, title_style("assessment-level", 40, 48, spaceAfter=8)),
        p(
            _("%(name)s 在 %(round)s 中被评为 %(level)s 级社会组织。")
            % {"name": organization.name, "round": round_.name, "level": level}
        ),
        facts(
            [
                (_("社会组织"), organization.name),
                (_("统一社会信用代码"), organization.uscc),
                (_("评估等级"), level),
                (_("评估得分"), f"{application.score} / {round_.indicator_set.total_points}"),
                (_("评估决定文号"), rating.decision_no),
                (_("评定日期"), day(rating.awarded_on)),
                (_("有效期至"), day(rating.valid_until - timedelta(days=1))),
                (_("第三方评估机构"), round_.body.name),
            ]
        ),
        cite(VALIDITY),
    ]
    story += closing(authority, day(rating.awarded_on))
    return Document(title=title, story=story, issuer=authority, number=rating.decision_no)
