"""The procurement form of a plan, on its own page: pre-filled from the plan, with the evaluation
factors of its catalogue category; refusals beside the factors; another unit's plan is a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from opengps.procurement.models import Procurement, ProcurementStatus

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(plan: Any, *, weight: str = "30", rows: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    rows = rows if rows is not None else [("服务方案", "40"), ("人员配备", "30")]
    return {
        "title": plan.title,
        "documents": "磋商文件",
        "price_weight": weight,
        "factor_name": [n for n, _p in rows],
        "factor_points": [p for _n, p in rows],
    }


def test_the_form_is_prefilled_from_the_plan_with_its_categorys_factors(
    purchaser: Any, make_plan: Any
) -> None:
    plan = make_plan("competitive_consultation")
    page = _client(purchaser).get(f"/procurement/plans/{plan.pk}/new/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'value="{plan.title}"' in body and 'name="price_weight" value="30"' in body
    assert "服务方案（内容、流程、覆盖服务对象的措施）" in body  # 公共服务 (A) template
    assert "第二十四条" in body  # C214: services 10–30%


def test_creating_states_the_factors_and_starts_the_procurement(purchaser: Any, make_plan: Any) -> None:
    plan = make_plan("competitive_consultation")
    response = _client(purchaser).post(f"/procurement/plans/{plan.pk}/new/", _post(plan), follow=True)
    procurement = Procurement.objects.get(plan=plan)
    assert procurement.status == ProcurementStatus.DRAFT
    assert procurement.evaluation_factors["price_weight"] == "0.3000"
    assert [f["name"] for f in procurement.evaluation_factors["factors"]] == ["服务方案", "人员配备"]
    body = response.content.decode()
    assert f"采购项目 {procurement.reference} 已创建" in body and "确认发布公告" in body
    plan.refresh_from_db()
    assert plan.status == "in_procurement"


@pytest.mark.parametrize(
    ("weight", "rows", "field_id", "text"),
    [
        ("30", [("服务方案", "40"), ("人员配备", "20")], "create-factors-error", "总分应为 100 分"),
        ("40", [("服务方案", "40"), ("人员配备", "20")], "create-price_weight-error", "不在允许范围"),
        ("三十", [("服务方案", "70")], "create-price_weight-error", "百分数"),
        ("30", [("", "40"), ("人员配备", "30")], "create-factors-error", "名称"),
        ("30", [("服务方案", "abc"), ("人员配备", "30")], "create-factors-error", "数字"),
    ],
)
def test_wrong_factors_are_refused_beside_them_and_the_input_kept(
    purchaser: Any, make_plan: Any, weight: str, rows: list[tuple[str, str]], field_id: str, text: str
) -> None:
    plan = make_plan("competitive_consultation")
    data = _post(plan, weight=weight, rows=rows)
    response = _client(purchaser).post(f"/procurement/plans/{plan.pk}/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="{field_id}"' in body and text in body
    assert f'value="{rows[-1][0]}"' in body  # the typed rows come back
    assert not Procurement.objects.filter(plan=plan).exists()


def test_another_units_plan_is_not_found(make_user: Any, make_plan: Any) -> None:
    plan = make_plan("competitive_consultation")
    other = make_user("purchaser", unit="cs_civil")
    assert _client(other).get(f"/procurement/plans/{plan.pk}/new/").status_code == 404
    assert _client(other).post(f"/procurement/plans/{plan.pk}/new/", _post(plan)).status_code == 404
