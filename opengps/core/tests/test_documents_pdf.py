"""Every kind of PDF the platform produces embeds its fonts, renders its Chinese text (not blank
boxes), carries the official layout and the PDF/A-2b parts ReportLab allows.

The kinds are the document functions of the apps' `documents.py` — 采购公告 and 单一来源采购公示,
开标记录, 评审报告, 中标（成交）通知书, 中标（成交）结果公告 (procurement), 合同公告 (contracts),
公益金使用情况年度报告 (grants) and 绩效评价报告 (performance) — built here from plain objects
with the attributes they read (they are pure typesetting; the apps' own tests build them from real
state through the services and the views).

`pdffonts` and `pdftoppm` come from poppler-utils (.ci/run installs it): without them these tests
skip, saying so, unless OPENGPS_REQUIRE_POPPLER is set (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from django.test import override_settings

from opengps.contracts import documents as contract_documents
from opengps.core import pdf
from opengps.core.tests.pdftext import dictionary, objects, page_texts, pdf_text, stream
from opengps.grants import documents as grant_documents
from opengps.grants.selectors import FundUseRow
from opengps.performance import documents as performance_documents
from opengps.performance.selectors import IndicatorRow
from opengps.procurement import documents as procurement_documents

AT = datetime(2025, 3, 3, 2, 30, tzinfo=UTC)  # 10:30 in Beijing
DAY = date(2025, 3, 3)


def _show(label: str) -> Callable[[], str]:
    return lambda: label


def _procurement(*, single: bool = False) -> SimpleNamespace:
    region = SimpleNamespace(name="湖南省长沙市")
    return SimpleNamespace(
        title="长沙市居家养老上门服务项目",
        reference="HNZC-2025-000123",
        method="single_source" if single else "open_tender",
        method_name="单一来源采购" if single else "公开招标",
        purchaser=_Named("湖南省民政厅", region=region),
        agency_id=1,
        agency=_Named("湖南省采购代理中心"),
        notice_published_on=DAY,
        notice_ends_on=date(2025, 3, 10) if single else None,
        announced_at=AT,
        issued_on=DAY,
        bid_deadline=None if single else datetime(2025, 3, 24, 1, 30, tzinfo=UTC),
        earliest_deadline=date(2025, 3, 23),
        deadline_citation="《政府采购货物和服务招标投标管理办法》第十六条",
        budget=Decimal("6018000.00"),
        single_source_supplier="长沙市示例养老服务中心" if single else "",
        single_source_reason="唯一供应商" if single else "",
        documents_until=date(2025, 3, 10),
        documents_citation="提供期限不得少于5个工作日",
        opening_place="长沙市政府采购开标室",
        bid_deposit=Decimal("0"),
        opened_at=datetime(2025, 3, 24, 1, 30, tzinfo=UTC),
    )


class _Named:
    """A unit or organization: its name is its text, like the models' __str__."""

    def __init__(self, name: str, **extra: Any) -> None:
        self.name = name
        self.__dict__.update(extra)

    def __str__(self) -> str:
        return self.name


def _lot(number: int = 1) -> SimpleNamespace:
    return SimpleNamespace(number=number, title="居家养老上门服务（芙蓉区）", budget=Decimal("3009000.00"))


def _documents() -> dict[str, pdf.Document]:
    """One document of every kind the platform produces."""
    procurement = _procurement()
    winner = SimpleNamespace(
        organization=_Named("长沙市示例养老服务中心", uscc="52430100MJG1195365"),
        price_total=Decimal("2980000.00"),
    )
    award = SimpleNamespace(
        announced_at=AT,
        lot=_lot(),
        decided_on=DAY,
        announce_due=date(2025, 3, 5),
        announce_citation="《政府采购法实施条例》第四十三条",
        winner=winner,
    )
    member = SimpleNamespace(name="张敏", get_state_display=_show("已确认"), report_confirmed_at=AT)
    report = SimpleNamespace(
        built_at=AT,
        scoring_ended_on=DAY,
        due_on=date(2025, 3, 5),
        due_citation="87号令第六十四条",
        delivered_on=DAY,
        lots=[
            {
                "lot": 1,
                "title": "居家养老上门服务（芙蓉区）",
                "citation": "87号令第五十五条",
                "bids": [
                    {
                        "rank": 1,
                        "supplier": "长沙市示例养老服务中心",
                        "price_total": "2980000.00",
                        "evaluated_price": "2980000.00",
                        "price_score": "30.00",
                        "factor_score": "58.50",
                        "total": "88.50",
                    }
                ],
                "deviations": ["无偏离"],
                "rejected": [{"supplier": "某某社工服务社", "reasons": ["未提交资格证明文件"]}],
            }
        ],
    )
    readout = SimpleNamespace(
        lot=_lot(),
        organization="长沙市示例养老服务中心",
        price_total=Decimal("2980000.00"),
        received_at=AT,
        preferences=["小微企业"],
        valid=True,
        invalid_reason="",
    )
    record = SimpleNamespace(
        opened_at=AT,
        deadline=AT,
        place="长沙市政府采购开标室",
        opened_by="李华",
        bids_received=3,
        valid_bids=3,
        required_bids=3,
        proceeds=True,
        citation="87号令第三十九条",
    )
    contract = SimpleNamespace(
        title="长沙市居家养老上门服务合同",
        reference="HT-2025-000045",
        procurement=procurement,
        purchaser=_Named("湖南省民政厅", region=SimpleNamespace(name="湖南省长沙市")),
        supplier=_Named("长沙市示例养老服务中心", uscc="52430100MJG1195365"),
        published_at=AT,
        get_kind_display=_show("服务合同"),
        get_status_display=_show("履行中"),
        lot=_lot(),
        amount=Decimal("2980000.00"),
        original_amount=Decimal("2980000.00"),
        starts_on=DAY,
        ends_on=date(2025, 12, 31),
        signed_on=DAY,
        publish_due=date(2025, 3, 5),
        publish_late_reason="",
        terminated_on=None,
        publish_citation="《政府采购法实施条例》第五十条",
    )
    amendment = SimpleNamespace(
        signed_on=DAY, added_amount=Decimal("10000"), amount_after=Decimal("2990000"), ends_on_after=None
    )
    acceptance = SimpleNamespace(
        phase=1, title="第一阶段验收", accepted_on=DAY, get_result_display=_show("合格"), reasons="服务达标"
    )
    fund_row = FundUseRow(
        round=cast(
            Any,
            SimpleNamespace(
                title="2025年度福彩公益金项目", programme=SimpleNamespace(funder_unit="湖南省民政厅")
            ),
        ),
        total=Decimal("5000000.00"),
        awarded=Decimal("4800000.00"),
        paid=Decimal("3000000.00"),
        returned=Decimal("0.00"),
        projects=24,
        by_purpose={"养老服务": (10, Decimal("2000000.00"))},
        grades={"优秀": 5},
    )
    evaluation = SimpleNamespace(
        pk=7,
        contract=contract,
        period="2025年度",
        evaluator=_Named("湖南省社会组织评估中心"),
        score=Decimal("91.50"),
        grade="优秀",
        finalized_on=DAY,
        citation="《政府购买服务管理办法》第二十九条",
        satisfaction=Decimal("95.00"),
    )
    indicator = IndicatorRow(
        code="1",
        name="服务质量",
        level=1,
        weight=Decimal("40"),
        share=Decimal("40"),
        survey=True,
        guide=[],
        score="38.00",
    )
    party = SimpleNamespace(get_party_display=_show("服务对象"), total=Decimal("95.00"), comment="满意")
    return {
        "announcement": procurement_documents.announcement(
            procurement=procurement, lots=[_lot()], clarifications=[], award_basis="综合评分法"
        ),
        "single_source": procurement_documents.announcement(
            procurement=_procurement(single=True), lots=[_lot()], clarifications=[], award_basis="—"
        ),
        "opening_minutes": procurement_documents.opening_minutes(
            procurement=procurement, record=record, readouts=[readout]
        ),
        "evaluation_report": procurement_documents.evaluation_report(
            procurement=procurement,
            report=report,
            members=[member],
            factors=[SimpleNamespace(name="服务方案", max_points=30)],
        ),
        "award_notice": procurement_documents.award_notice(
            procurement=procurement,
            award=award,
            winner=winner,
            sign_due=date(2025, 4, 2),
            sign_citation="《政府采购法》第四十六条",
        ),
        "result": procurement_documents.result_announcement(
            procurement=procurement, awards=[award], members=[member]
        ),
        "contract_notice": contract_documents.contract_notice(
            contract=contract, amendments=[amendment], acceptances=[acceptance]
        ),
        "fund_use_report": grant_documents.fund_use_report(2025, [fund_row]),
        "performance_report": performance_documents.evaluation_report(
            cast(Any, evaluation), [indicator], cast(Any, [party]), 120
        ),
    }


KINDS = sorted(_documents())


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {kind: pdf.render(document) for kind, document in _documents().items()}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("OPENGPS_REQUIRE_POPPLER"):
            pytest.fail(
                f"OPENGPS_REQUIRE_POPPLER is set but {name} is missing (apt-get install poppler-utils)"
            )
        pytest.skip(f"{name} (poppler-utils) is not installed: apt-get install poppler-utils")
    return found


def _cjk(text: str) -> int:
    return len(re.findall(r"[\u3400-\u9fff]", text))


# ---- fonts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_font_of_every_kind_of_pdf_is_embedded(
    kind: str, rendered: dict[str, bytes], tmp_path: Path
) -> None:
    # given the PDF of one kind of document
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(rendered[kind])
    # when poppler lists its fonts
    listing = subprocess.run(  # noqa: S603 - a fixed poppler tool on a file we wrote
        [_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    rows = [line.split() for line in listing[2:] if line.strip()]
    # then there are fonts, every one embedded (the 'emb' column), all three house fonts among them
    assert rows, listing
    header = listing[0].split()
    emb = header.index("emb") - len(header)  # counted from the right: font names hold no spaces
    assert all(row[emb] == "yes" for row in rows), listing
    names = {row[0].split("+", 1)[-1] for row in rows}
    assert {"NotoSerifSC-Regular", "NotoSerifSC-Bold", "NotoSansSC-Bold"} <= names, names


def test_the_old_non_embedded_font_and_helvetica_are_gone(rendered: dict[str, bytes]) -> None:
    for kind, data in rendered.items():
        assert b"STSong-Light" not in data and b"Helvetica" not in data, kind
        assert data.count(b"/FontFile2") >= 3, kind


def test_missing_fonts_fail_naming_the_make_target(tmp_path: Path) -> None:
    # given a checkout where the build step that fetches the fonts was skipped
    pdf.cjk_font.cache_clear()
    try:
        with override_settings(OPENGPS_FONT_DIR=tmp_path), pytest.raises(pdf.FontsMissing) as caught:
            # when a document is rendered
            pdf.cjk_font()
    finally:
        pdf.cjk_font.cache_clear()
    # then the error names the missing file and the make target, with no fallback font
    assert "make assets" in str(caught.value) and "NotoSerifSC-Regular.ttf" in str(caught.value)
    assert pdf.cjk_font() == pdf.FONT


# ---- rendering ------------------------------------------------------------------------------------


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary PGM (P5, 8-bit), as pdftoppm -gray writes it."""
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match is not None and match.group(3) == b"255"
    width, height = int(match.group(1)), int(match.group(2))
    return width, height, data[match.end() : match.end() + width * height]


def dark_components(width: int, height: int, pixels: bytes, threshold: int = 128) -> int:
    """Connected areas (8-connected) of dark pixels, by runs per row and union-find."""
    parent: list[int] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    dark = re.compile(b"[\\x00-\\x%02x]+" % (threshold - 1))
    previous: list[tuple[int, int, int]] = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        current = []
        for match in dark.finditer(row):
            start, end = match.start(), match.end()
            index = len(parent)
            parent.append(index)
            for p_start, p_end, p_index in previous:
                if p_start <= end and start <= p_end:  # touching, diagonals included
                    a, b = find(p_index), find(index)
                    if a != b:
                        parent[a] = b
            current.append((start, end, index))
        previous = current
    return len({find(i) for i in range(len(parent))})


@pytest.mark.parametrize("kind", KINDS)
def test_the_first_page_renders_its_chinese_text_not_blank_boxes(
    kind: str, rendered: dict[str, bytes], tmp_path: Path
) -> None:
    """Render page 1 with poppler (which has no Adobe font pack here) at 100 dpi and count the
    connected dark areas against the Chinese characters the page draws (read back through the
    fonts' ToUnicode maps).

    Why this tells glyphs from boxes: a missing CJK font shows either nothing or one .notdef box
    per character (poppler draws the old non-embedded STSong-Light as boxes here — the control
    test below). A box is one closed rectangle, which at 100 dpi gives 1–1.5 areas (its thin
    anti-aliased sides sometimes break); a blank page gives none. Real Chinese characters are built
    of several separate strokes and components (政 采 购 公 告), and every page here gives 4.9–5.4
    areas per Chinese character. So after taking off one area per other visible character (Latin
    letters, digits; the table rules add a few more, which only helps boxes), the bar is 3 areas
    per Chinese character: twice what boxes reach, well under every page that renders.
    """
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(rendered[kind])
    subprocess.run(  # noqa: S603 - a fixed poppler tool on a file we wrote
        [_tool("pdftoppm"), "-gray", "-r", "100", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    image = next(tmp_path.glob("page*.pgm"))
    areas = dark_components(*_pgm(image.read_bytes()))
    text = page_texts(rendered[kind])[0]
    chinese = _cjk(text)
    others = len(re.sub(r"[\s\u3400-\u9fff\u3000-\u303f\uff00-\uffef]", "", text))
    assert chinese >= 20, text
    assert areas - others >= 3 * chinese, (kind, areas, others, chinese)


def test_the_heuristic_flags_the_old_blank_rendering(tmp_path: Path) -> None:
    """The control: the same count on the old non-embedded CID font, which poppler draws as boxes
    without Adobe's pack (skipped where the machine has a system CJK font poppler substitutes)."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
    from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

    fc_list = shutil.which("fc-list")
    chinese_fonts = (
        fc_list
        and subprocess.run(  # noqa: S603 - fontconfig's own lister
            [fc_list, ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    if chinese_fonts:
        pytest.skip("a system CJK font is installed: poppler would substitute it for STSong-Light")
    pdftoppm = _tool("pdftoppm")
    line = "中华人民共和国政府采购法第二十六条规定政府采购采用公开招标邀请招标竞争性谈判单一来源采购询价"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    old = tmp_path / "old.pdf"
    canvas = Canvas(str(old))
    canvas.setFont("STSong-Light", 10.5)
    canvas.drawString(60, 700, line)
    canvas.save()
    new = tmp_path / "new.pdf"
    new.write_bytes(pdf.render(pdf.Document("对照", [pdf.p(line)])))
    counts = {}
    for path in (old, new):
        subprocess.run(  # noqa: S603 - a fixed poppler tool on a file we wrote
            [pdftoppm, "-gray", "-r", "100", "-f", "1", "-l", "1", str(path), str(path.with_suffix(""))]
        )
        counts[path.stem] = dark_components(*_pgm(next(tmp_path.glob(f"{path.stem}*.pgm")).read_bytes()))
    assert counts["old"] < 3 * len(line) <= counts["new"], counts


# ---- official layout ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_the_official_layout(kind: str, rendered: dict[str, bytes]) -> None:
    document = _documents()[kind]
    text = pdf_text(rendered[kind])
    footer, first = page_texts(rendered[kind])[0].split("第 1 页", 1)
    # the footer: the platform and the document's title, then the page number
    assert footer.startswith(f"{pdf.PLATFORM} · {document.title}")
    # the masthead: the issuing organ and the document number (or the platform reference) first
    assert document.issuer and document.number
    assert first.index(document.issuer) < first.index(document.number) < first.index(document.title)
    # the contact block, the issuing unit and the place for the seal at the end
    assert "联系方式" in text and "查询核验" in text
    assert text.rindex("盖章处") > text.rindex("联系方式")


def test_the_footer_says_when_the_document_was_made_in_beijing_time(clock_at: Callable[..., None]) -> None:
    clock_at(datetime(2025, 3, 3, 16, 30, tzinfo=UTC))  # 00:30 on 4 March in Beijing
    text = pdf_text(pdf.render(pdf.Document("测试", [pdf.p("正文")])))
    assert "北京时间 2025-03-04 00:30 生成" in text
    # an invariant rendering leaves the time out, so equal input gives equal bytes
    assert "生成" not in pdf_text(pdf.render(pdf.Document("测试", [pdf.p("正文")]), invariant=True))


# ---- PDF/A-2b -------------------------------------------------------------------------------------


def test_the_pdfa_parts_are_present_and_agree_with_the_document_information(
    rendered: dict[str, bytes],
) -> None:
    for kind, data in rendered.items():
        objs = objects(data)
        catalog = next(body for body in objs.values() if b"/Type /Catalog" in dictionary(body))
        # XMP metadata, not filtered, declaring PDF/A-2b
        metadata_ref = re.search(rb"/Metadata (\d+) 0 R", catalog)
        assert metadata_ref is not None, kind
        metadata = objs[int(metadata_ref.group(1))]
        assert b"/Filter" not in dictionary(metadata) and b"/Subtype /XML" in metadata, kind
        xmp = stream(metadata).decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert _documents()[kind].title in xmp
        # the sRGB output intent with its ICC profile
        assert b"/S /GTS_PDFA1" in catalog and b"/OutputConditionIdentifier (sRGB IEC61966-2.1)" in catalog
        profile_ref = re.search(rb"/DestOutputProfile (\d+) 0 R", catalog)
        assert profile_ref is not None, kind
        profile = stream(objs[int(profile_ref.group(1))])
        assert (
            profile[36:40] == b"acsp"
            and profile[16:20] == b"RGB "
            and b"/N 3" in objs[int(profile_ref.group(1))]
        )
        # every endstream preceded by an end-of-line (ReportLab alone writes none)
        assert not re.search(rb"[^\r\n]endstream", data), kind
        # the XMP dates equal the information dictionary's
        info_date = re.search(
            rb"/CreationDate \(D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-]\d\d)'(\d\d)'\)", data
        )
        assert info_date is not None, kind
        y, mo, d, h, mi, s, zh, zm = (part.decode() for part in info_date.groups())
        assert f"<xmp:CreateDate>{y}-{mo}-{d}T{h}:{mi}:{s}{zh}:{zm}</xmp:CreateDate>" in xmp, kind


def test_the_cross_reference_table_points_at_every_object_after_the_eol_fix(
    rendered: dict[str, bytes],
) -> None:
    for kind, data in rendered.items():
        start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
        assert data[start : start + 4] == b"xref", kind
        count = int(re.match(rb"xref\s+0 (\d+)\s+", data[start:]).group(1))  # type: ignore[union-attr]
        table = data[start:].split(b"\n", 2)[2]
        for number in range(1, count):
            offset = int(table[20 * number : 20 * number + 10])
            assert data[offset:].startswith(b"%d 0 obj" % number), (kind, number)
