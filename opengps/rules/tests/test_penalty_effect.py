"""The effect of one recorded penalty on eligibility, as the registry lists it (GPL §22(五), IR §19).

Expected values from the articles: a major illegal record counts for three years to the
corresponding day (民法典 §202); a fine is major from 200万 (财库〔2022〕3号) or when the issuer held it
large; a debarment excludes until it ends (IR §19 ¶2); penalties not for illegal business and
warnings are not major illegal records.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from opengps.rules.eligibility import PenaltyFact, PenaltyKind, penalty_effect

D = date.fromisoformat
BUREAU = "长沙市市场监督管理局"


@pytest.mark.parametrize(
    ("penalty", "on_date", "code", "severity", "text", "cites"),
    [
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2023-05-10"), BUREAU, Decimal("2500000")),
            "2025-06-01",
            "eligibility.major_illegal_record",
            "block",
            "至 2026-05-10 期满",
            "财库〔2022〕3号",
            id="GPL§22(5) IR§19¶1 fine 250万 within 3 years blocks",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.criminal, D("2022-03-15"), "长沙市中级人民法院"),
            "2025-03-16",
            "eligibility.penalty_expired",
            "info",
            "2025-03-15 满三年",
            "民法典 第二百零一条",
            id="民法典§202 criminal: expired the day after the corresponding day",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2023-05-10"), BUREAU, Decimal("500000")),
            "2025-06-01",
            "eligibility.penalty_not_major",
            "info",
            "2,000,000 元",
            "财库〔2022〕3号",
            id="财库〔2022〕3号 fine 50万 below 200万",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.fine, D("2021-06-01"), BUREAU, Decimal("3000000")),
            "2023-06-01",
            "eligibility.penalty_not_major",
            "info",
            "以处罚机关认定为准",
            "实施条例 第十九条第一款",
            id="IR§19¶1 before 财库〔2022〕3号 the issuer decides",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.warning, D("2024-05-10"), "长沙市民政局"),
            "2025-06-01",
            "eligibility.penalty_not_major",
            "info",
            "警告等其他行政处罚不属于重大违法记录",
            "实施条例 第十九条第一款",
            id="IR§19¶1 warning is not major",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.suspension, D("2024-05-10"), BUREAU, for_business=False),
            "2025-06-01",
            "eligibility.penalty_not_business",
            "info",
            "非因违法经营",
            "实施条例 第十九条第一款",
            id="IR§19¶1 not for illegal business",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.debarment, D("2024-01-10"), "湖南省财政厅", ends_on=D("2025-01-09")),
            "2025-01-09",
            "eligibility.debarred",
            "block",
            "至 2025-01-09",
            "实施条例 第十九条第二款",
            id="IR§19¶2 debarment in force on its last day",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.debarment, D("2024-01-10"), "湖南省财政厅", ends_on=D("2025-01-09")),
            "2025-01-10",
            "eligibility.debarment_ended",
            "info",
            "已于 2025-01-09 届满",
            "实施条例 第十九条第二款",
            id="IR§19¶2 debarment ended",
        ),
        pytest.param(
            PenaltyFact(PenaltyKind.criminal, D("2025-07-01"), "长沙市中级人民法院"),
            "2025-06-01",
            "eligibility.penalty_not_yet",
            "info",
            "在审查日之后",
            "政府采购法 第二十二条第一款第（五）项",
            id="GPL§22(5) decided after the day judged",
        ),
    ],
)
def test_penalty_effect(
    penalty: PenaltyFact, on_date: str, code: str, severity: str, text: str, cites: str
) -> None:
    effect = penalty_effect(penalty, D(on_date))
    assert (effect.code, effect.severity) == (code, severity)
    assert text in effect.message_zh
    assert cites in effect.citation
