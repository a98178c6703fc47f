"""PDF evaluation report, award notice and result announcement: who may fetch them, and when."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opengps.evaluation import services
from opengps.evaluation.models import Award
from opengps.evaluation.tests.test_services_evaluation import _report_confirmed
from opengps.procurement import documents
from opengps.procurement.models import Procurement

pytestmark = pytest.mark.django_db


def _get(user: Any, url: str) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _is_pdf(response: Any) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"] == "application/pdf"
        and response.content.startswith(b"%PDF")
        and ".pdf" in response["Content-Disposition"]
    )


def test_report_award_notice_and_result_pdfs(
    purchaser: Any, opened: Procurement, committee: Any, suppliers: list[Any], finance: Any
) -> None:
    evaluation = _report_confirmed(purchaser, opened, committee)
    base = f"/evaluation/{opened.pk}"
    # the report: officials, supervisors and members; not suppliers or the public
    assert _is_pdf(_get(purchaser, f"{base}/report.pdf"))
    assert _is_pdf(_get(committee.users[0], f"{base}/report.pdf"))
    assert _is_pdf(_get(finance, f"{base}/report.pdf"))
    assert _get(suppliers[0], f"{base}/report.pdf").status_code == 404
    assert _get(None, f"{base}/report.pdf").status_code == 302
    story = documents.evaluation_report(
        procurement=opened,
        report=evaluation.report,
        members=list(evaluation.members.all()),
        factors=list(evaluation.factors.all()),
    ).story
    text = "\n".join(documents.texts(story))
    assert evaluation.report.due_citation in text and "268,000.00" in text
    assert all(m.name in text for m in evaluation.members.all())
    # before the announcement: no award notice, no result for anyone
    award = Award.objects.get(evaluation=evaluation)
    winner_user = next(u for u in suppliers if u.organization_id == award.first_candidate.organization_id)
    for user in (None, purchaser, winner_user):
        assert _get(user, f"{base}/result.pdf").status_code in {302, 404}
        assert _get(user, f"{base}/lots/1/award-notice.pdf").status_code in {302, 404}
    services.award_confirm(actor=purchaser, award=award)
    services.award_announce(actor=purchaser, procurement=opened)
    # after: the result is public, the notice is for the officials and the winner only
    assert _is_pdf(_get(None, f"{base}/result.pdf"))
    assert _is_pdf(_get(purchaser, f"{base}/lots/1/award-notice.pdf"))
    assert _is_pdf(_get(winner_user, f"{base}/lots/1/award-notice.pdf"))
    loser = next(u for u in suppliers[:3] if u != winner_user)
    assert _get(loser, f"{base}/lots/1/award-notice.pdf").status_code == 404
    assert _get(purchaser, f"{base}/lots/2/award-notice.pdf").status_code == 404
    page = _get(purchaser, f"{base}/").content.decode()
    assert f"{base}/result.pdf" in page and f"{base}/lots/1/award-notice.pdf" in page
    award.refresh_from_db()
    assert award.winner is not None
    notice = "\n".join(
        documents.texts(
            documents.award_notice(
                procurement=opened,
                award=award,
                winner=award.winner,
                sign_due=award.report_on,
                sign_citation="第四十六条",
            ).story
        )
    )
    assert award.winner.organization.name in notice and "268,000.00" in notice and "第四十六条" in notice
    result = "\n".join(
        documents.texts(
            documents.result_announcement(
                procurement=opened, awards=[award], members=list(evaluation.members.all())
            ).story
        )
    )
    assert award.winner.organization.uscc in result and award.announce_citation in result
