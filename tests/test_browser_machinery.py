"""Issue 8 in headless Chromium: glued numbers in the body's weight, and tables that stay inside the
page on a phone (a wide one scrolls in its own box)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [f"notebooks/{nb.stem}.html" for nb in sorted((ROOT / "notebooks").glob("*.ipynb"))]

pytestmark = pytest.mark.browser


GLUE_WEIGHTS = """() => Array.from(document.querySelectorAll('span.pasted-text')).map(s => ({
    text: s.textContent,
    weight: getComputedStyle(s).fontWeight,
    body: getComputedStyle(s.parentElement).fontWeight,
}))"""


def test_glued_numbers_are_in_the_weight_of_their_sentence(chapter_page):
    problems = {}
    for path in CHAPTERS:
        spans = chapter_page(path, 1280)[0].evaluate(GLUE_WEIGHTS)
        assert spans, f"{path}: no glued numbers found"
        bold = [s["text"] for s in spans if s["weight"] != s["body"]]
        if bold:
            problems[path] = bold[:5]
    assert problems == {}


TABLES = """() => Array.from(document.querySelectorAll('div.cell_output table')).map(t => {
    let box = t.parentElement;
    while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    const r = t.getBoundingClientRect(), b = box ? box.getBoundingClientRect() : {right: r.right, width: r.width};
    return {text: t.textContent.trim().slice(0, 40), width: r.width, right: r.right, box_right: b.right,
            box_width: b.width, scrolls: box ? getComputedStyle(box).overflowX : 'visible', view: window.innerWidth};
})"""


@pytest.mark.parametrize("width", [390, 1280])
def test_tables_scroll_in_their_own_box_and_never_stick_out_of_the_page(chapter_page, width):
    problems = {}
    for path in CHAPTERS:
        state = chapter_page(path, width)[0].evaluate(TABLES)
        found = []
        for t in state:
            if t["box_right"] > t["view"] + 1:
                found.append(f"a table's box ends at {t['box_right']:.0f} px in a {t['view']} px window: {t['text']!r}")
            elif t["width"] > t["box_width"] + 1 and t["scrolls"] not in ("auto", "scroll"):
                found.append(f"a {t['width']:.0f} px table overflows a {t['box_width']:.0f} px box that does not scroll")
        if found:
            problems[path] = found[:3]
    assert problems == {}
