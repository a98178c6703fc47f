"""Discriminatory clauses in requirement texts.

RULES §8; 财库〔2019〕38号, 实施条例 第二十条, 87号令 第十七条.
"""

from __future__ import annotations

from datetime import date

import pytest

from opengps.rules import compliance
from opengps.rules.compliance import (
    COMPLIANCE_RULES,
    RULES,
    check_requirements,
    check_sentence,
    find_rule,
    split_sentences,
)

C38_1_1 = "财库〔2019〕38号 第一条第（一）项"
C38_1_2 = "财库〔2019〕38号 第一条第（二）项"
C38_1_3 = "财库〔2019〕38号 第一条第（三）项"
C38_1_4 = "财库〔2019〕38号 第一条第（四）项"
C38_1_5 = "财库〔2019〕38号 第一条第（五）项"
C38_1_9 = "财库〔2019〕38号 第一条第（九）项"
C38_3 = "财库〔2019〕38号 第三条"
IR_20_3 = "政府采购法实施条例 第二十条第（三）项"
IR_20_4 = "政府采购法实施条例 第二十条第（四）项"
IR_20_6 = "政府采购法实施条例 第二十条第（六）项"
O87_17 = "财政部令第87号）第十七条"
C14 = "财库〔2025〕14号 第一条"

# (sentence, rule code, a fragment of the citation)
FORBIDDEN: list[tuple[str, str, str]] = [
    # local registration or location
    ("供应商注册地须在长沙市范围内", "local_registration", C38_1_3),
    ("投标人必须是在湖南省民政部门登记注册的社会组织", "local_registration", C38_1_3),
    ("仅限在岳麓区登记成立的社会服务机构参加", "local_registration", C38_1_3),
    ("本项目只接受长沙市注册的社会组织报名", "local_registration", C38_1_3),
    ("同等条件下优先选择本地社会组织", "local_registration", C38_1_3),
    ("供应商所在地应为浏阳市", "local_registration", "第二十条第（七）项"),
    # local office or branch
    ("供应商须在岳麓区设有固定办公场所", "local_office", C38_1_3),
    ("投标人在本市拥有分支机构的方可参加", "local_office", C38_1_3),
    ("须在项目所在地设立办事处并提供租赁合同", "local_office", C38_1_3),
    # ownership and organization form
    ("投标人须为国有企业或事业单位", "ownership_form", C38_1_1),
    ("民营企业不得参与本项目投标", "ownership_form", C38_1_1),
    ("供应商应为国有控股的物业服务企业", "ownership_form", C38_1_1),
    ("外资企业除外", "ownership_form", C38_1_1),
    # size
    ("供应商注册资本不低于500万元", "size", O87_17),
    ("投标人近三年年均营业收入达到1000万元以上", "size", O87_17),
    ("社会组织开办资金不少于50万元", "size", O87_17),
    ("从业人员不少于100人", "size", C38_1_4),
    ("资产总额超过2000万元的得5分", "size", O87_17),
    # financial indicators
    ("投标人资产负债率应低于60%", "financial_indicators", C14),
    ("供应商银行资信等级须达到AAA级", "financial_indicators", C14),
    # years established
    ("投标人须成立满3年", "years_established", C38_1_4),
    ("社会组织登记成立三年以上", "years_established", C38_1_4),
    ("供应商成立时间不少于五年", "years_established", C38_1_4),
    ("经营年限在10年以上的得3分", "years_established", C38_1_4),
    # brands, patents, manufacturer authorization
    ("智能手环须使用华为品牌", "named_brand", IR_20_6),
    ("呼叫系统指定品牌为海康威视", "named_brand", IR_20_6),
    ("应采用长沙某某科技有限公司开发的智慧养老平台", "named_brand", IR_20_3),
    ("投标人须提供原厂授权书", "manufacturer_authorization", O87_17),
    # awards
    ("获得过湖南省优秀社会组织称号的加3分", "specific_awards", IR_20_4),
    ("近三年荣获长沙市社会工作服务示范单位", "specific_awards", IR_20_4),
    ("被评为全国先进社会组织的方可参加", "specific_awards", IR_20_4),
    # past contracts with a named region or buyer
    ("投标人须具有长沙市同类项目业绩", "regional_experience", IR_20_4),
    ("近三年在湖南省内承接过居家养老服务项目的得5分", "regional_experience", IR_20_4),
    ("曾为本单位提供过社工服务的优先", "regional_experience", IR_20_4),
    ("具有与省民政厅签订的服务合同的加2分", "regional_experience", IR_20_4),
    # pools, software, random award, attendance, deposits
    ("供应商须为市民政局社会组织名录库成员", "supplier_pool", C38_1_2),
    ("仅限已入围2024年度服务机构备选库的单位参加", "supplier_pool", C38_1_2),
    ("供应商须自行购买指定投标客户端", "paid_software", C38_1_5),
    ("采购人将通过摇号方式确定成交供应商", "random_award", C38_1_9),
    ("开标时法定代表人须亲自到场", "in_person", C38_3),
    ("投标保证金须以现金方式缴纳", "cash_deposit", C38_3),
    ("保证金仅接受银行转账", "cash_deposit", C38_3),
]

ALLOWED: list[str] = [
    "供应商应当具有独立承担民事责任的能力",
    "具有良好的商业信誉和健全的财务会计制度",
    "参加政府采购活动前三年内在经营活动中没有重大违法记录",
    "项目团队人员不少于10人，其中持证社会工作者不少于5名",
    "提供近三年同类项目业绩合同，不超过2个",
    "中标后30日内在服务区域内设立服务站点",
    "成交供应商签订合同后须在岳麓区设有服务网点",
    "本项目不以供应商注册地、所有制形式作为资格条件",
    "本项目不限定供应商的注册地和规模",
    "对供应商所在地无限制",
    "服务区域为长沙市岳麓区，合同期一年",
    "服务对象为辖区内60周岁以上的特困、低保老年人",
    "评审得分相同的，采取抽签方式确定成交供应商",
    "评审专家从省专家库中随机抽取产生",
    "履约保证金以银行转账或保函形式提交",
    "中标人须在中标通知书发出之日起30日内与采购人签订合同",
    "服务内容包括但不限于助餐、助浴和精神慰藉",
    "进口设备须提供制造商授权书",
    "供应商应为依法在县级以上民政部门登记的社会组织",
    "提升老年人的获得感、幸福感和安全感",
    "应配备标识牌和服务公示栏",
    "项目负责人须具有5年以上社会工作经验",
    "采购内容：购买养老服务管理软件一套",
]


@pytest.mark.parametrize(("sentence", "code", "citation"), FORBIDDEN)
def test_forbidden_sentence_is_flagged_with_its_citation(sentence: str, code: str, citation: str) -> None:
    # when
    findings = check_requirements(sentence)
    # then
    codes = [f.rule_code for f in findings]
    assert f"compliance.{code}" in codes, codes
    finding = next(f for f in findings if f.rule_code == f"compliance.{code}")
    assert citation in finding.citation
    assert finding.sentence == sentence
    assert finding.matched and finding.matched in sentence
    assert finding.message("zh-hans") == finding.message_zh
    assert finding.message("en") == finding.message_en


@pytest.mark.parametrize("sentence", ALLOWED)
def test_acceptable_sentence_is_not_flagged(sentence: str) -> None:
    assert check_requirements(sentence) == ()


def test_at_least_thirty_real_style_sentences_and_every_rule_exercised() -> None:
    assert len(FORBIDDEN) + len(ALLOWED) >= 30
    assert {f"compliance.{code}" for _, code, _ in FORBIDDEN} == {rule.code for rule in COMPLIANCE_RULES}


def test_a_requirement_text_is_checked_sentence_by_sentence_in_order() -> None:
    # given
    text = (
        "一、资格要求\n"
        "1. 供应商应当具有独立承担民事责任的能力；\n"
        "2. 供应商注册资本不低于500万元；\n"
        "（3）投标人须成立满3年。服务区域为长沙市岳麓区！"
    )
    # when
    findings = check_requirements(text)
    # then
    assert [(f.sentence, f.rule_code) for f in findings] == [
        ("供应商注册资本不低于500万元", "compliance.size"),
        ("投标人须成立满3年", "compliance.years_established"),
    ]


def test_one_sentence_may_break_several_rules() -> None:
    findings = check_sentence("投标人须为在长沙市注册且成立满3年的国有企业")
    assert {f.rule_code for f in findings} >= {
        "compliance.local_registration",
        "compliance.years_established",
        "compliance.ownership_form",
    }


def test_rules_apply_only_from_their_effective_date() -> None:
    sentence = "投标人须成立满3年"
    assert check_sentence(sentence, date(2019, 8, 31)) == ()
    assert [f.rule_code for f in check_sentence(sentence, date(2019, 9, 1))] == [
        "compliance.years_established"
    ]


def test_split_sentences_drops_numbering_and_blank_parts() -> None:
    assert split_sentences("1、甲。\n\n（二）乙；;丙") == ("甲", "乙", "丙")
    assert split_sentences("  ") == ()


def test_rule_catalogue_lists_every_rule_with_its_citation() -> None:
    assert [info.name for info in RULES] == [rule.code for rule in COMPLIANCE_RULES]
    for info, rule in zip(RULES, COMPLIANCE_RULES, strict=True):
        assert info.values[0].citation == rule.citation
        assert info.values[0].effective_from == rule.effective_from
    assert find_rule("compliance.size") is COMPLIANCE_RULES[3]
    assert find_rule("compliance.nope") is None
    assert len({rule.code for rule in COMPLIANCE_RULES}) == len(COMPLIANCE_RULES)
    assert compliance.C38 == "财库〔2019〕38号"
