"""Every input the security probe (issue 13) answered with a 500, or wrongly accepted, now gets a 4xx
with a message beside the field it concerns, in Chinese, and changes nothing."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from opengps.core.errors import ServiceError
from opengps.core.inputs import as_id, clean_text, parse_int, parse_year
from opengps.core.money import parse_yuan
from opengps.planning.models import BudgetLine
from opengps.registry.models import Organization

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
LINE = {"fiscal_year": 2026, "code": "430000-MZ-901", "name": "居家养老服务补助", "fund_source": "general"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# (case id, role, method, path, body — a dict, or raw JSON text, or None for a GET — field named)
API_CASES: list[tuple[str, str, str, str, Any, str]] = [
    (
        "amount numeric overflow",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        {**LINE, "amount": 10000000000000},
        "amount",
    ),
    (
        "amount silently rounded",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        {**LINE, "amount": "1.005"},
        "amount",
    ),
    (
        "amount as a float with 3 decimals",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        '{"fiscal_year": 2026, "code": "X-1", "name": "n", "fund_source": "general", "amount": 1.005}',
        "amount",
    ),
    (
        "fiscal_year smallint overflow",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        {**LINE, "fiscal_year": 99999, "amount": "100"},
        "fiscal_year",
    ),
    (
        "fiscal_year negative",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        {**LINE, "fiscal_year": -1, "amount": "100"},
        "fiscal_year",
    ),
    (
        "10,000-character name",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        {**LINE, "name": "长" * 10000, "amount": "100"},
        "name",
    ),
    (
        "NUL in a budget line name",
        "purchaser",
        "post",
        "/api/v1/planning/budget-lines",
        {**LINE, "name": "养老\x00服务", "amount": "100"},
        "name",
    ),
    (
        "NUL in an organization PATCH",
        "registrar",
        "patch",
        "/api/v1/registry/organizations/{uscc}",
        {"address": "麓山路\x001号"},
        "address",
    ),
    (
        "NUL in a catalogue version title",
        "finance",
        "post",
        "/api/v1/catalog/versions",
        {"year": 2026, "title": "目录\x00", "issuer": "湖南省财政厅", "document_number": "湘财综〔2026〕1号"},
        "title",
    ),
    ("NUL in a search query", "purchaser", "get", "/api/v1/registry/organizations?q=%00养老", None, "q"),
    (
        "NUL in an enquiry",
        "purchaser",
        "post",
        "/api/v1/procurement/999999/enquiries",
        {"question": "截止时间\x00？"},
        "question",
    ),
    (
        "lone surrogate in a name",
        "registrar",
        "patch",
        "/api/v1/registry/organizations/{uscc}",
        '{"name": "\\ud800养老中心"}',
        "name",
    ),
    (
        "null name on organization PATCH",
        "registrar",
        "patch",
        "/api/v1/registry/organizations/{uscc}",
        {"name": None},
        "name",
    ),
    (
        "score 1e30 on grants final review",
        "finance",
        "post",
        "/api/v1/grants/agreements/999999/final-review",
        '{"score": 1e30, "reviewed_on": "2026-03-01"}',
        "score",
    ),
    ("360Giving year 0", "purchaser", "get", "/api/v1/grants/360giving?year=0", None, "year"),
    (
        "intentions year overflow",
        "purchaser",
        "get",
        "/api/v1/planning/intentions?year=77995957295",
        None,
        "year",
    ),
    (
        "time zone offset PostgreSQL refuses (found by schemathesis)",
        "supplier",
        "get",
        "/api/v1/transparency/checkpoints?since=2030-06-11T00%3A55%3A14-20%3A27",
        None,
        "since",
    ),
    (
        "clarification moves the deadline to 9999-12-31",
        "purchaser",
        "post",
        "/api/v1/procurement/999999/clarifications",
        {"kind": "clarification", "text": "延期", "new_deadline": "9999-12-31T09:00:00+08:00"},
        "new_deadline",
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in API_CASES],
)
def test_bad_api_input_is_a_4xx_beside_its_field(
    world: Any, role: str, method: str, path: str, body: Any, field: str
) -> None:
    # given
    org, line = world["org"], world["line"]
    before = (Organization.objects.get(pk=org.pk).__dict__.copy(), BudgetLine.objects.count(), line.amount)
    url = path.format(uscc=org.uscc)
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    # when
    client = _client(world[role])
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data=data, content_type="application/json")
    # then
    assert 400 <= response.status_code < 500, response.content
    error = response.json()["error"]
    assert error["field"] == field, error
    assert CJK.search(error["message"]), error
    if field == "new_deadline":
        assert "截止时间最晚为 12 个月后" in error["message"], error
    org.refresh_from_db()
    after = Organization.objects.get(pk=org.pk).__dict__.copy()
    before[0].pop("_state"), after.pop("_state")
    assert (before[0], BudgetLine.objects.count(), BudgetLine.objects.get(pk=line.pk).amount) == (
        after,
        before[1],
        before[2],
    )


def test_validation_errors_use_the_platform_error_shape(world: Any) -> None:
    response = _client(world["purchaser"]).post(
        "/api/v1/planning/budget-lines", data={**LINE, "amount": "1.005"}, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request.invalid" and error["field"] == "amount"
    assert error["message"] == "amount：最多 2 位小数（不会自动四舍五入）"
    assert error["details"] == [
        {"field": "amount", "code": "decimal_max_places", "message": "最多 2 位小数（不会自动四舍五入）"}
    ]


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"fiscal_year": "abc", "amount": "100"}, "fiscal_year", "请填写 2000 至 2100 之间的四位数年度"),
        ({"fiscal_year": "99999", "amount": "100"}, "fiscal_year", "请填写 2000 至 2100 之间的四位数年度"),
        ({"fiscal_year": "2026", "amount": "1.005"}, "amount", "金额最多两位小数（到分），不会自动四舍五入"),
        ({"fiscal_year": "2026", "amount": "10000000000000"}, "amount", "金额过大"),
    ],
)
def test_bad_html_budget_form_input_is_refused_with_a_message(
    world: Any, posted: dict[str, str], field: str, message: str
) -> None:
    # given
    count = BudgetLine.objects.count()
    form = {
        "code": "430000-MZ-902",
        "name": "助餐服务",
        "fund_source": "general",
        **posted,
    }
    # when
    response = _client(world["purchaser"]).post("/planning/budget-lines/", form)
    # then: the workbench comes back with the error beside the field it concerns, nothing saved
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="err-{field}"' in body and message in body, body
    assert BudgetLine.objects.count() == count


@pytest.mark.parametrize("value", ["1.005", Decimal("0.001"), "1e12", "10000000000000", "NaN", 1.5])
def test_parse_yuan_refuses_rather_than_rounds(value: Any) -> None:
    with pytest.raises(ServiceError) as refused:
        parse_yuan(value, field="amount", code="x.amount_invalid")
    assert refused.value.field == "amount"


@pytest.mark.parametrize(
    ("value", "problem"), [("a\x00b", "空字符"), ("a\ud800b", "代理码位"), ("长" * 201, "200")]
)
def test_clean_text(value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        clean_text(value, max_length=200)
    assert clean_text("长沙市", max_length=200) == "长沙市"


@pytest.mark.parametrize("value", ["abc", "", "1999", "2101", "２０２６", "-1", "99999"])
def test_parse_year(value: str) -> None:
    with pytest.raises(ServiceError) as refused:
        parse_year(value, field="fiscal_year")
    assert refused.value.field == "fiscal_year"
    assert parse_year(" 2026 ", field="fiscal_year") == 2026


@pytest.mark.parametrize(("value", "kind"), [("养老\x00", "text.nul"), ("养老\ud800", "text.surrogate")])
def test_schemas_refuse_unstorable_text_without_the_middleware(value: str, kind: str) -> None:
    from pydantic import ValidationError

    from opengps.planning.api import PlanningBudgetLineIn

    with pytest.raises(ValidationError) as refused:
        PlanningBudgetLineIn.model_validate({**LINE, "name": value, "amount": "1"})
    [error] = refused.value.errors()
    assert (error["loc"], error["type"]) == (("name",), kind)


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "0", "-1", "", None, "1e3"])
def test_as_id_refuses_what_int_would_choke_on(value: Any) -> None:
    assert as_id(value) is None
    assert as_id(" 42 ") == 42


def test_portal_filters_with_a_superscript_digit_are_ignored_not_a_500(db: Any) -> None:
    # given a unit filter that str.isdigit() accepts but int() refuses (found by schemathesis)
    response = Client().get("/api/v1/portal/kinds", {"unit": "²"})
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc", "²", "-1", "100", "1.5"])
def test_parse_int_is_a_field_error(value: str) -> None:
    with pytest.raises(ServiceError) as refused:
        parse_int(value, field="count", high=99)
    assert refused.value.field == "count"
    assert parse_int("", field="count", default=3) == 3
