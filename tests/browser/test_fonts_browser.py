"""Chinese renders with glyphs on any machine (issue 18): the pages bring their own Noto Sans SC and
Noto Serif SC (woff2 slices by unicode-range, fetched at build time by scripts/assets.py and served
by whitenoise), so a browser without any CJK system font — like this test machine — draws
characters, not blank boxes ("tofu"), and a page downloads only the slices its text uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("var/screenshots")
SAMPLE = "政府购买服务"
SLICES_PER_FACE = 101  # @font-face rules in each fontsource stylesheet (one per unicode-range slice)

# Draw each character alone on a canvas with the given font and return its bitmap's ink: the
# number of inked pixels and a fingerprint of where they are.
INK = """async ([font, characters]) => {
  await document.fonts.ready;
  await document.fonts.load(font, characters.join(''));
  return characters.map(character => {
    const canvas = document.createElement('canvas');
    canvas.width = 64; canvas.height = 64;
    const context = canvas.getContext('2d', {willReadFrequently: true});
    context.fillStyle = '#fff'; context.fillRect(0, 0, 64, 64);
    context.fillStyle = '#000'; context.textBaseline = 'top'; context.font = font;
    context.fillText(character, 4, 4);
    const pixels = context.getImageData(0, 0, 64, 64).data;
    let ink = 0, bits = '';
    for (let i = 0; i < pixels.length; i += 4) {
      const dark = pixels[i] < 128;
      ink += dark; bits += dark ? '1' : '0';
    }
    return {ink, bits};
  });
}"""
PAGE_FONT = "() => getComputedStyle(document.body).fontFamily"
CHECK = """async ([font, text]) => {
  await document.fonts.load(font, text);
  return document.fonts.check(font, text);
}"""


def test_chinese_renders_with_glyphs_not_boxes(page: Any, live_server: Any) -> None:
    """Two checks, because either alone can be fooled.

    `document.fonts.check` says the self-hosted face is loaded for these characters (not a system
    fallback), but not that anything was drawn. The canvas heuristic says real glyphs are drawn:
    a character the fonts lack is drawn as the font's .notdef glyph — the same empty box for every
    missing character — or as nothing at all, so on a machine without a CJK font '政' and '府' give
    identical bitmaps (both boxes, or both blank). Two different characters giving two different
    bitmaps that both have ink can only be two real glyphs. A control pair of unassigned code
    points (U+0378, U+0379, which no font has) shows the heuristic tells the two cases apart here.
    """
    fonts: list[str] = []
    page.on("requestfinished", lambda request: fonts.append(request.url) if ".woff2" in request.url else None)
    # given the public home page of a browser with no CJK font of its own
    page.set_viewport_size({"width": 1366, "height": 900})
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    page_font = page.evaluate(PAGE_FONT)
    # then the page's font is the self-hosted Noto Sans SC first
    assert page_font.startswith('"Noto Sans SC"'), page_font
    # and both faces are loaded for Chinese text, regular and bold
    for font in (
        '16px "Noto Sans SC"',
        'bold 16px "Noto Sans SC"',
        '16px "Noto Serif SC"',
        'bold 16px "Noto Serif SC"',
    ):
        assert page.evaluate(CHECK, [font, SAMPLE]), font
    # and '政' and '府' drawn with the page's font are two different inked glyphs, not two boxes
    for font in (f"48px {page_font}", '48px "Noto Serif SC"'):
        zheng, fu = page.evaluate(INK, [font, ["政", "府"]])
        assert zheng["ink"] > 40 and fu["ink"] > 40, font
        assert zheng["bits"] != fu["bits"], font
    # while two characters no font has come out the same (the heuristic's control)
    missing_a, missing_b = page.evaluate(INK, [f"48px {page_font}", ["\u0378", "\u0379"]])
    assert missing_a["bits"] == missing_b["bits"]
    # and the fonts came from this server only, a few slices rather than the whole face
    assert fonts and all(url.startswith(f"{live_server.url}/static/fonts/") for url in fonts), fonts
    assert len(set(fonts)) < SLICES_PER_FACE, len(set(fonts))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fonts-home-1366.png"), full_page=False)
