"""Discriminatory or restrictive clauses in requirement texts (采购需求合规审查), each rule cited.

A requirement text is split into sentences; every sentence is matched against `COMPLIANCE_RULES`
and each rule it breaks yields one `ComplianceFinding`. The checker warns, it does not decide:
the purchaser fixes the sentence or confirms it with a recorded reason (政府采购需求管理办法
第三十一条 makes the purchaser responsible for reviewing its requirements).

The list is maintained data: add a `ComplianceRule` with its patterns, the clause it breaks and
the date that clause took effect. Sentences stating compliance ("不以注册地作为资格条件",
"不限定品牌") are recognised by `NEUTRALIZERS` and not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from opengps.rules.base import Citation, EffectiveValue, RuleInfo

C38 = "财库〔2019〕38号"
C38_EFFECTIVE = date(2019, 9, 1)  # 本通知自2019年9月1日起施行
IR_20 = "政府采购法实施条例 第二十条"
IR_EFFECTIVE = date(2015, 3, 1)
O87_17 = "政府采购货物和服务招标投标管理办法（财政部令第87号）第十七条"
O87_EFFECTIVE = date(2017, 10, 1)
C22_18 = "政府采购需求管理办法（财库〔2021〕22号）第十八条"
C22_EFFECTIVE = date(2021, 7, 1)
C14_2025 = "财库〔2025〕14号 第一条"
C14_EFFECTIVE = date(2025, 6, 19)

_LOCAL = (
    r"(?:本地|当地|本省|省内|本市|市内|本区|区内|本县|县内|本州|州内|湖南|长沙|[\u4e00-\u9fff]{1,8}(?:省|市|区|县|州))"
    r"(?!级|以上)"
)

NEUTRALIZERS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"不得?(?:以|将|把|对)[^。；]{0,30}(?:作为|差别|歧视|区别|限制)",
        r"不(?:限(?!于)|限定|限制|设置|设|要求|指定|区分|得限定|得指定|得要求|得设置)",
        r"无(?:注册地|地域|所有制|品牌|规模|年限)?(?:限制|要求)",
    )
)
"""Sentences that state the purchaser does NOT impose a restriction."""

_SENTENCE_END = re.compile(r"[。！？；;!?\n]+")
_NUMBERING = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）.、．]\s*)+")


@dataclass(frozen=True, slots=True)
class ComplianceRule:
    """One kind of forbidden clause: how it is recognised and which provision it breaks."""

    code: str
    """Stable code, e.g. ``"compliance.local_registration"``."""
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    citation: Citation
    effective_from: date
    """The date the cited provision took effect; texts judged earlier are not flagged by it."""
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    """Patterns that make a matching sentence acceptable (e.g. an obligation after the award)."""
    confidence: str = "T"


@dataclass(frozen=True, slots=True)
class ComplianceFinding:
    """A sentence of a requirement text that breaks one rule."""

    sentence: str
    rule_code: str
    message_zh: str
    message_en: str
    citation: Citation
    matched: str
    """The words that triggered the rule, for highlighting."""

    def message(self, language: str = "zh-hans") -> str:
        return self.message_en if language.lower().startswith("en") else self.message_zh


_AFTER_AWARD = r"(?:中标|成交|签订合同|合同签订|签约|履约|确定为承接主体)(?:后|之日起|期间)|履约期间|服务期内"

COMPLIANCE_RULES: tuple[ComplianceRule, ...] = (
    ComplianceRule(
        code="compliance.local_registration",
        title_zh="限定供应商注册地或所在地",
        title_en="Supplier must be registered or located in a given place",
        message_zh="以注册地、所在地限定供应商，属于要求供应商进行不必要的登记注册、设置进入政府采购市场的障碍",
        message_en="Restricting suppliers by place of registration or location is a barrier to entering "
        "government procurement",
        citation=f"{C38} 第一条第（三）项；{IR_20}第（七）项",
        effective_from=C38_EFFECTIVE,
        patterns=(
            rf"(?:注册地|所在地|登记地|住所地|注册地址)[^。；，]{{0,12}}(?:须|必须|应|应当|需|要求|限|为|在){_LOCAL}",
            rf"(?:须|必须|应当|应|需|限|仅限|只限|要求)[^。；]{{0,6}}(?:在|于|为){_LOCAL}[^。；]{{0,12}}"
            r"(?:注册|登记|成立|备案)",
            rf"{_LOCAL}(?:注册|登记)(?:的|成立的)?(?:企业|社会组织|机构|供应商|单位)",
            r"(?:本地|当地)(?:企业|社会组织|机构|供应商)",
        ),
    ),
    ComplianceRule(
        code="compliance.local_office",
        title_zh="要求设立分支机构或本地办公场所",
        title_en="Branch or local office required to take part",
        message_zh="要求供应商在参加采购活动前设立分支机构或本地办公场所，设置或者变相设置进入政府采购市场的障碍",
        message_en="Requiring a branch or local office before the award is a barrier to entering "
        "government procurement",
        citation=f"{C38} 第一条第（三）项；{IR_20}第（七）项",
        effective_from=C38_EFFECTIVE,
        patterns=(
            rf"{_LOCAL}[^。；]{{0,10}}(?:设有|设立|拥有|具有|有)[^。；]{{0,10}}"
            r"(?:分支机构|分公司|办事处|办公场所|办公地点|服务网点|常驻机构|固定场所|固定办公)",
            r"(?:设有|设立|拥有|具有)[^。；]{0,6}(?:分支机构|分公司|办事处|常驻机构)",
        ),
        unless=(_AFTER_AWARD,),
    ),
    ComplianceRule(
        code="compliance.ownership_form",
        title_zh="限定所有制形式、组织形式或股权结构",
        title_en="Ownership form, organization form or shareholding restricted",
        message_zh="以供应商的所有制形式、组织形式或者股权结构实施差别待遇或者歧视待遇",
        message_en="Suppliers treated differently by ownership form, organization form or shareholding",
        citation=f"{C38} 第一条第（一）项；{IR_20}第（七）项",
        effective_from=C38_EFFECTIVE,
        patterns=(
            r"(?:仅限|限于|只限|只接受|必须为|须为|应为|应当为)[^。；，]{0,20}"
            r"(?:国有|国企|央企|公办|事业单位|集体企业|股份有限公司|有限责任公司|上市公司)",
            r"(?:民营|私营|外资|外商投资|合资|个体|合伙)(?:企业|机构)?[^。；]{0,6}(?:不得|不能|不予|除外|不接受|谢绝)",
            r"(?:国有|国资)(?:控股|独资|全资|参股)",
            r"所有制形式|股权结构",
        ),
    ),
    ComplianceRule(
        code="compliance.size",
        title_zh="以规模条件作为资格要求或评审因素",
        title_en="Size conditions as qualification or scoring factor",
        message_zh="不得将注册资本、资产总额、营业收入、从业人员、利润、纳税额等规模条件作为资格要求或者评审因素",
        message_en="Registered capital, assets, turnover, headcount, profit or tax paid may not be "
        "qualification conditions or scoring factors",
        citation=f"{O87_17}；{C38} 第一条第（四）项",
        effective_from=O87_EFFECTIVE,
        patterns=(
            r"(?:注册资本|注册资金|开办资金|资产总额|总资产|净资产|营业收入|营业额|年收入|年度收入|净利润|利润总额|纳税额|纳税总额)"
            r"[^。；]{0,12}(?:不低于|不少于|不小于|以上|达到|超过|≥|大于|多于)",
            r"(?:从业人员|员工总数|职工总数|在职员工|员工人数|职工人数|在册员工|正式员工)[^。；]{0,10}"
            r"(?:不低于|不少于|不小于|以上|达到|超过|≥|大于|多于)",
            r"(?:企业|机构|单位)规模[^。；]{0,10}(?:以上|达到|不低于|大型|中型)",
        ),
    ),
    ComplianceRule(
        code="compliance.financial_indicators",
        title_zh="以财务指标限制供应商",
        title_en="Financial indicators used to restrict suppliers",
        message_zh="以经营规模、财务指标等不合理条件对供应商实行差别歧视待遇",
        message_en="Suppliers restricted by financial indicators (debt ratio, credit rating, etc.)",
        citation=f"{C14_2025}；{IR_20}第（二）项",
        effective_from=IR_EFFECTIVE,
        patterns=(r"资产负债率|流动比率|速动比率|银行资信等级|资信等级[^。；]{0,6}(?:AAA|AA|A级)",),
    ),
    ComplianceRule(
        code="compliance.years_established",
        title_zh="设置成立年限门槛",
        title_en="Minimum years since establishment",
        message_zh="设置或者变相设置供应商成立年限门槛，限制供应商参与政府采购活动",
        message_en="A minimum age of the supplier (years since establishment) restricts participation",
        citation=f"{C38} 第一条第（四）项；{C14_2025}",
        effective_from=C38_EFFECTIVE,
        patterns=(
            r"(?:成立|注册|登记|经营|开业|设立)(?:时间|年限|日期)?[^。；，]{0,6}"
            r"(?:满|不少于|不低于|超过|达到|在)?[0-9一二两三四五六七八九十]+(?:个)?(?:周年|年)(?:以上|及以上)?",
            r"经营年限|成立年限",
        ),
    ),
    ComplianceRule(
        code="compliance.named_brand",
        title_zh="指定品牌、商标、专利或供应商",
        title_en="Named brand, trademark, patent or supplier",
        message_zh="限定或者指定特定的专利、商标、品牌或者供应商，指向特定供应商、特定产品",
        message_en="A named patent, trademark, brand or supplier points to a particular supplier or product",
        citation=f"{IR_20}第（六）项；{IR_20}第（三）项",
        effective_from=IR_EFFECTIVE,
        patterns=(
            r"指定(?:品牌|厂家|厂商|供应商|产品|型号|商标)",
            r"(?:须|必须|应|应当|需|要求)(?:使用|采用|选用|配备|安装)[^。；]{0,14}"
            r"(?:品牌|商标|公司[^。；，]{0,10}(?:产品|系统|软件|平台))",
            r"品牌(?:为|限|须为|必须为|指定为)",
            r"(?:专利号|ZL[0-9]{6,})",
        ),
    ),
    ComplianceRule(
        code="compliance.manufacturer_authorization",
        title_zh="以生产厂家授权作为资格要求",
        title_en="Manufacturer's authorization as qualification",
        message_zh="不得将除进口货物以外的生产厂家授权、承诺、证明、背书等作为资格要求",
        message_en="A manufacturer's authorization, commitment or endorsement may not be a qualification "
        "requirement (except for imported goods)",
        citation=O87_17,
        effective_from=O87_EFFECTIVE,
        patterns=(r"(?:原厂|厂家|厂商|制造商|生产商)(?:的)?(?:授权|授权书|承诺函|证明|背书)",),
        unless=(r"进口",),
    ),
    ComplianceRule(
        code="compliance.specific_awards",
        title_zh="以特定奖项、荣誉作为条件或加分",
        title_en="Specific awards or honours as condition or score",
        message_zh="以特定行政区域或者特定行业的奖项作为加分条件或者中标、成交条件",
        message_en="Awards of a particular region or sector used as a scoring factor or award condition",
        citation=f"{IR_20}第（四）项",
        effective_from=IR_EFFECTIVE,
        patterns=(
            r"(?:获得|荣获|获评|被评为|获得过|曾获)[^。；]{0,24}(?:奖|称号|荣誉|先进|优秀|示范单位|示范点|标兵)",
            r"(?:奖项|荣誉称号|荣誉证书)[^。；]{0,10}(?:加|得)[0-9一二三四五六七八九十]+分",
        ),
    ),
    ComplianceRule(
        code="compliance.regional_experience",
        title_zh="以特定区域、特定单位的业绩作为条件或加分",
        title_en="Past contracts in a named region or with a named unit",
        message_zh="以特定行政区域或者特定行业的业绩作为加分条件或者中标、成交条件，对供应商实行差别待遇",
        message_en="Past contracts in a particular region or with a particular buyer used as a scoring "
        "factor or award condition",
        citation=f"{IR_20}第（四）项；{IR_20}第（五）项",
        effective_from=IR_EFFECTIVE,
        patterns=(
            rf"{_LOCAL}[^。；，]{{0,16}}(?:业绩|项目经验|服务经验|承接过|实施过|服务过|同类项目)",
            r"(?:本单位|采购人|我单位|本局|本厅|本机关|招标人)[^。；，]{0,12}(?:业绩|服务过|提供过|承接过|合作过)",
            r"(?:具有|具备|提供|有)[^。；，]{0,4}与[^。；，]{1,12}(?:签订|签署)(?:过|的)",
        ),
    ),
    ComplianceRule(
        code="compliance.supplier_pool",
        title_zh="以入围、备选库、名录库作为资格条件",
        title_en="Pre-qualification pool or list as condition",
        message_zh="通过入围方式设置备选库、名录库、资格库作为参与政府采购活动的资格条件",
        message_en="A pre-qualification pool, roster or list used as a condition to take part",
        citation=f"{C38} 第一条第（二）项",
        effective_from=C38_EFFECTIVE,
        patterns=(r"备选库|名录库|资格库|预选库|入围(?:供应商|单位|机构|名单|名录)|(?:已|须|必须)入库",),
    ),
    ComplianceRule(
        code="compliance.paid_software",
        title_zh="要求购买指定软件",
        title_en="Purchase of designated software required",
        message_zh="要求供应商购买指定软件，作为参加电子化政府采购活动的条件",
        message_en="Buying designated software may not be a condition of electronic procurement",
        citation=f"{C38} 第一条第（五）项",
        effective_from=C38_EFFECTIVE,
        patterns=(
            r"(?:须|必须|应|需|要求)[^。；，]{0,6}(?:购买|购置|付费使用)[^。；，]{0,12}"
            r"(?:投标工具|投标客户端|投标软件|编制工具|编标工具|加密锁|客户端|数字证书)",
        ),
    ),
    ComplianceRule(
        code="compliance.random_award",
        title_zh="以随机方式确定中标、成交供应商",
        title_en="Winner chosen at random",
        message_zh="除法定情形外，不得要求采用随机方式确定中标、成交供应商",
        message_en="The winner may not be chosen at random except in the cases the law allows",
        citation=f"{C38} 第一条第（九）项",
        effective_from=C38_EFFECTIVE,
        patterns=(
            r"(?:抽签|摇号|抓阄|随机抽取)[^。；]{0,12}(?:确定|选定|产生)[^。；]{0,8}(?:中标|成交|承接)",
        ),
        unless=(r"(?:得分|评审得分|报价|总分)[^。；]{0,8}(?:相同|相等|并列)",),
    ),
    ComplianceRule(
        code="compliance.in_person",
        title_zh="要求法定代表人亲自到场",
        title_en="Legal representative must attend in person",
        message_zh="供应商法定代表人已出具委托书的，不得要求其亲自领购采购文件或者到场参加开标、谈判等",
        message_en="Where the legal representative has given a power of attorney, attendance in person "
        "may not be required",
        citation=f"{C38} 第三条",
        effective_from=C38_EFFECTIVE,
        patterns=(
            r"(?:法定代表人|法人代表)[^。；]{0,8}(?:须|必须|应当|应)?(?:亲自|本人)[^。；]{0,8}(?:到场|领取|领购|参加|递交|出席)",
        ),
    ),
    ComplianceRule(
        code="compliance.cash_deposit",
        title_zh="限定保证金缴纳形式",
        title_en="Deposit form restricted",
        message_zh="应当允许供应商自主选择以支票、汇票、本票、保函等非现金形式缴纳或提交保证金",
        message_en="Suppliers must be free to pay deposits by cheque, draft, promissory note or guarantee",
        citation=f"{C38} 第三条；政府采购法实施条例 第三十三条",
        effective_from=C38_EFFECTIVE,
        patterns=(
            r"保证金[^。；]{0,16}(?:须|必须|只|仅|应|一律)[^。；]{0,8}(?:现金|转账|电汇|汇款)",
            r"(?:不接受|不得以)[^。；]{0,6}保函",
        ),
    ),
)
"""The maintained rule list, in the order findings are reported for one sentence."""

_COMPILED: tuple[tuple[ComplianceRule, tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...] = (
    tuple(
        (rule, tuple(re.compile(p) for p in rule.patterns), tuple(re.compile(p) for p in rule.unless))
        for rule in COMPLIANCE_RULES
    )
)


def split_sentences(text: str) -> tuple[str, ...]:
    """The sentences of `text`: split at 。！？； and line ends, list numbering removed."""
    sentences = (_NUMBERING.sub("", part).strip() for part in _SENTENCE_END.split(text))
    return tuple(sentence for sentence in sentences if sentence)


def _neutral(sentence: str) -> bool:
    return any(pattern.search(sentence) for pattern in NEUTRALIZERS)


def check_sentence(sentence: str, on_date: date | None = None) -> tuple[ComplianceFinding, ...]:
    """Every rule in force on `on_date` (default: all) that `sentence` breaks."""
    if _neutral(sentence):
        return ()
    findings: list[ComplianceFinding] = []
    for rule, patterns, exceptions in _COMPILED:
        if on_date is not None and on_date < rule.effective_from:
            continue
        if any(exception.search(sentence) for exception in exceptions):
            continue
        match = next((m for m in (p.search(sentence) for p in patterns) if m is not None), None)
        if match is None:
            continue
        findings.append(
            ComplianceFinding(
                sentence=sentence,
                rule_code=rule.code,
                message_zh=rule.message_zh,
                message_en=rule.message_en,
                citation=rule.citation,
                matched=match.group(0),
            )
        )
    return tuple(findings)


def check_requirements(text: str, on_date: date | None = None) -> tuple[ComplianceFinding, ...]:
    """Each sentence of a requirement text with each forbidden clause it contains, in text order.

    Discriminatory or restrictive conditions are forbidden by 政府采购法实施条例 第二十条,
    财库〔2019〕38号 第一条, 财政部令第87号 第十七条 and 财库〔2025〕14号; requirements must be
    reviewed before the procurement starts (政府采购需求管理办法 第三十一条).
    """
    findings: list[ComplianceFinding] = []
    for sentence in split_sentences(text):
        findings.extend(check_sentence(sentence, on_date))
    return tuple(findings)


def find_rule(code: str) -> ComplianceRule | None:
    """The rule with `code`, or None."""
    return next((rule for rule in COMPLIANCE_RULES if rule.code == code), None)


RULES: tuple[RuleInfo, ...] = tuple(
    RuleInfo(
        name=rule.code,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        values=(EffectiveValue(rule.effective_from, "禁止", rule.citation, rule.confidence),),
        summary_zh=rule.message_zh,
        summary_en=rule.message_en,
    )
    for rule in COMPLIANCE_RULES
)
"""One entry per compliance rule, shown on /rules/ under ``compliance``."""
