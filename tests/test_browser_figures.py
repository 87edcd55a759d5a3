"""Every figure of every chapter in headless Chromium, wide and on a phone (issue 8, items 3 and 4):
its title stays inside it and its plot above its caption, the labels written on it (a timeline's key events, a map's place names,
subplot titles and other annotations) never overlap each other or run off it, and at desktop width every key event of a timeline keeps
its label. Pictures of each figure are saved in artifacts/figures/ to be looked at."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [f"notebooks/{nb.stem}.html" for nb in sorted((ROOT / "notebooks").glob("*.ipynb"))]
SHOTS = ROOT / "artifacts" / "figures"

pytestmark = pytest.mark.browser

FIGURES = """() => Array.from(document.querySelectorAll('figure.ck-figure')).map((f, i) => {
    const box = f.getBoundingClientRect();
    const title = f.querySelector('.gtitle');
    const t = title ? title.getBoundingClientRect() : null;
    const shown = Array.from(f.querySelectorAll('.scatterlayer .textpoint text, .annotation .annotation-text'))
        .filter(e => e.textContent && getComputedStyle(e).display !== 'none')
        .map(e => { const r = e.getBoundingClientRect();
                    return {text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })
        .filter(r => r.right > r.left);
    const gd = f.querySelector('.js-plotly-plot');
    const timeline = !!(gd && gd.layout && gd.layout.meta && gd.layout.meta.ck_kind === 'timeline');
    const cap = f.querySelector('figcaption'), plot = gd ? gd.getBoundingClientRect() : null;
    return {index: i, title: title ? title.textContent : '', box: {left: box.left, right: box.right},
            plot_bottom: plot ? plot.bottom : null, room_bottom: cap ? cap.getBoundingClientRect().top : box.bottom,
            title_box: t && {left: t.left, right: t.right}, labels: shown, timeline,
            hidden: f.querySelectorAll('.textpoint text[data-ck-hidden]').length};
})"""


def _overlaps(a: dict, b: dict, air: float = 2.0) -> bool:
    return not (a["right"] - air <= b["left"] + air or a["left"] + air >= b["right"] - air
                or a["bottom"] - air <= b["top"] + air or a["top"] + air >= b["bottom"] - air)


_SEEN: dict = {}


def _figures(chapter_page, path: str, width: int) -> list[dict]:
    """The figures of a chapter page at ``width`` (measured once; pictures saved)."""
    if (path, width) not in _SEEN:
        page, _ = chapter_page(path, width)
        found = page.evaluate(FIGURES)
        SHOTS.mkdir(parents=True, exist_ok=True)
        for k, handle in enumerate(page.query_selector_all("figure.ck-figure")):
            handle.scroll_into_view_if_needed()
            handle.screenshot(path=str(SHOTS / f"{Path(path).stem}-{k}-{width}px.png"))
        _SEEN[(path, width)] = found
    return _SEEN[(path, width)]


@pytest.mark.parametrize("width", [390, 1280])
def test_titles_and_labels_stay_inside_their_figure_and_apart(chapter_page, width):
    problems = []
    for path in CHAPTERS:
        figures = _figures(chapter_page, path, width)
        assert figures, f"{path}: no figure"
        for f in figures:
            where = f"{path} figure {f['index']} ({f['title'][:40]!r}) at {width} px"
            if f["title_box"] and (f["title_box"]["left"] < f["box"]["left"] - 1
                                   or f["title_box"]["right"] > f["box"]["right"] + 1):
                problems.append(f"{where}: the title runs out of the figure")
            if f["plot_bottom"] is not None and f["plot_bottom"] > f["room_bottom"] + 1:
                problems.append(f"{where}: the plot runs {f['plot_bottom'] - f['room_bottom']:.0f} px over its "
                                "caption (its box did not grow with it)")
            labels = f["labels"]
            for k, a in enumerate(labels):
                if a["left"] < f["box"]["left"] - 1 or a["right"] > f["box"]["right"] + 1:
                    problems.append(f"{where}: label {a['text']!r} runs out of the figure")
                for b in labels[k + 1:]:
                    if _overlaps(a, b):
                        problems.append(f"{where}: labels {a['text']!r} and {b['text']!r} overlap")
    assert problems == []


def test_every_key_event_of_a_timeline_is_labelled_at_desktop_width(chapter_page):
    timelines = 0
    for path in CHAPTERS:
        for f in _figures(chapter_page, path, 1280):
            if f["timeline"]:
                timelines += 1
                assert f["labels"] and f["hidden"] == 0, f"{path}: {f['title']!r} hides {f['hidden']} labels"
    assert timelines >= 4  # one a chapter, at least


def test_the_overlap_rule_sees_an_overlap():
    a = {"left": 0, "right": 50, "top": 0, "bottom": 14}
    assert _overlaps(a, {"left": 40, "right": 90, "top": 5, "bottom": 19})
    assert not _overlaps(a, {"left": 49, "right": 90, "top": 0, "bottom": 14})  # touching boxes
    assert not _overlaps(a, {"left": 0, "right": 50, "top": 13, "bottom": 27})
