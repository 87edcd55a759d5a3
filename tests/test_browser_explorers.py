"""The explorers in headless Chromium, as a reader without a mouse or with a phone uses them:
every slider is reached with Tab and moved with the arrow keys (and the figure, the caption
and the slider's spoken value follow); at 390 px nothing is wider than the screen and the
panels stack without their titles colliding; every figure exposes its alt text.

Screenshots go to artifacts/screenshots/ (``*.keyboard.png``, ``390__*.png``): look at them.
"""
from __future__ import annotations

import json

import pytest

from conftest import PHONE
from test_browser import SHOTS, _visit, page_paths  # the browser and site fixtures are in conftest.py

pytestmark = pytest.mark.browser


def _chapters(built_html) -> list[str]:
    chapters = [p for p in page_paths(built_html) if p.startswith("notebooks/")]
    assert chapters
    return chapters


def _shot_name(path: str, suffix: str) -> str:
    return path.replace("/", "__") + suffix


def _explorer_state(page, index: int) -> dict:
    return page.evaluate(
        """(i) => { const box = document.querySelectorAll('.ck-explorer')[i];
                    const g = box.querySelector('.plotly-graph-div');
                    return {data: JSON.stringify(g.data.map(t => [t.x, t.y, t.text])),
                            caption: box.querySelector('.ck-caption').textContent,
                            readout: box.querySelector('.ck-readout').textContent,
                            values: Array.from(box.querySelectorAll('input.ck-range'))
                                         .map(r => r.getAttribute('aria-valuetext'))}; }""",
        index,
    )


def _check_keyboard(browser, site, path) -> list[str]:
    page, report = _visit(browser, site, path)
    problems = []
    try:
        n_explorers = page.evaluate("document.querySelectorAll('.ck-explorer').length")
        if not n_explorers:
            return [f"{path}: a chapter has an explorer"]
        for e in range(n_explorers):
            n_inputs = page.evaluate("(i) => document.querySelectorAll('.ck-explorer')[i]"
                                     ".querySelectorAll('input.ck-range').length", e)
            if not n_inputs:
                problems.append(f"{path}: explorer {e} has no range inputs")
            # After the page's own scripts ran (Sphinx's search script once reset every input named "q"
            # to the middle of its range), each handle still sits where its label says: the default.
            moved = page.evaluate("(i) => Array.from(document.querySelectorAll('.ck-explorer')[i]"
                                  ".querySelectorAll('input.ck-range')).map((r, k) => [k, r.value, "
                                  "r.getAttribute('value')]).filter(a => a[1] !== a[2])", e)
            for k, now, start in moved:
                problems.append(f"{path}: slider {k} of explorer {e} sits at position {now}, not at its "
                                f"default {start}, when the page has loaded")
            # Start just before the controls, then Tab: each slider must come next in the tab order.
            page.evaluate("(i) => { const b = document.querySelectorAll('.ck-explorer')[i];"
                          " b.setAttribute('tabindex', '-1'); b.scrollIntoView(); b.focus(); }", e)
            for k in range(n_inputs):
                page.keyboard.press("Tab")
                focused = page.evaluate(
                    "(a) => { const r = document.querySelectorAll('.ck-explorer')[a[0]]"
                    ".querySelectorAll('input.ck-range')[a[1]]; return document.activeElement === r; }", [e, k])
                if not focused:
                    problems.append(f"{path}: Tab does not reach slider {k} of explorer {e}")
                    page.focus(f".ck-explorer >> nth={e} >> input.ck-range >> nth={k}")
                before = _explorer_state(page, e)
                at_end = page.evaluate("(a) => { const r = document.querySelectorAll('.ck-explorer')[a[0]]"
                                       ".querySelectorAll('input.ck-range')[a[1]]; return r.value === r.max; }",
                                       [e, k])
                page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                try:
                    page.wait_for_function(
                        "(a) => JSON.stringify(document.querySelectorAll('.ck-explorer')[a[0]]"
                        ".querySelector('.plotly-graph-div').data.map(t => [t.x, t.y, t.text])) !== a[1]",
                        arg=[e, before["data"]], timeout=5_000,
                    )
                except Exception:
                    pass
                after = _explorer_state(page, e)
                label = f"{path}: slider {k} of explorer {e}"
                if after["data"] == before["data"]:
                    problems.append(f"{label}: the arrow key changed nothing in the figure")
                if after["caption"] == before["caption"]:
                    problems.append(f"{label}: the caption did not say what changed")
                if after["values"][k] == before["values"][k]:
                    problems.append(f"{label}: aria-valuetext did not follow")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.query_selector_all(".ck-explorer")[e].screenshot(
                path=str(SHOTS / _shot_name(path, f".explorer{e}.keyboard.png")))
        if report["console"] or report["external"]:
            problems.append(f"{path}: {report['console'][:3]} {report['external'][:3]}")
    finally:
        page.close()
    return problems


def test_every_explorer_slider_is_reached_with_tab_and_moved_with_arrow_keys(browser, site, built_html):
    problems = [p for path in _chapters(built_html) for p in _check_keyboard(browser, site, path)]
    assert problems == []


# Elements wider than the screen, except inside a box that scrolls on purpose (a wide table,
# a code block) and what is not shown (closed drawers, hidden dialogs).
_OVERFLOW = """(width) => {
  const out = [];
  const scrolls = el => { for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && a.scrollWidth >= a.clientWidth
          && a.getBoundingClientRect().right <= width + 1) { return true; } }
    return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1) { continue; }
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || el.closest('[hidden], dialog:not([open])')) { continue; }
    if (scrolls(el)) { continue; }
    if (s.position === 'fixed' && r.left >= width) { continue; }
    out.push(`${el.tagName.toLowerCase()}.${String(el.className.baseVal ?? el.className).split(' ')[0]}`
             + ` right=${Math.round(r.right)}`);
  }
  return out.slice(0, 8);
}"""

# Text of the figure title, subplot titles and annotations in each explorer: no two may overlap.
_COLLISIONS = """() => {
  const out = [];
  document.querySelectorAll('.ck-explorer .plotly-graph-div').forEach((g, i) => {
    const boxes = Array.from(g.querySelectorAll('.gtitle, .annotation-text-g text, .infolayer .legend'))
      .map(el => [el.getBoundingClientRect(), (el.textContent || '').slice(0, 30)])
      .filter(b => b[0].width > 0 && b[0].height > 0);
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
      const [p, q] = [boxes[a][0], boxes[b][0]];
      const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 2
                   && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 2;
      if (overlap) { out.push(`explorer ${i}: "${boxes[a][1]}" and "${boxes[b][1]}"`); }
    }
    const L = g._fullLayout;
    Object.keys(L).filter(k => /^xaxis\\d*$/.test(k)).forEach(k => {
      const d = L[k].domain; if (d[0] !== 0 || d[1] !== 1) { out.push(`explorer ${i}: ${k} not full width`); } });
  });
  return out;
}"""


def _check_phone(chapter_page, path) -> list[str]:
    page, _ = chapter_page(path, PHONE["width"])
    problems = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / ("390__" + _shot_name(path, ".png"))), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{path}: the page is {width} px wide at {PHONE['width']} px")
    wide = page.evaluate(_OVERFLOW, PHONE["width"])
    if wide:
        problems.append(f"{path}: wider than the screen: {wide}")
    collisions = page.evaluate(_COLLISIONS)
    if collisions:
        problems.append(f"{path}: {collisions}")
    # Close-ups of each explorer, without the theme's sticky header painted over them (the page is
    # shared with other tests: the style goes again afterwards).
    style = page.add_style_tag(content=".bd-header, .skip-link, .bd-header-article { position: static !important; }")
    for e, box in enumerate(page.query_selector_all(".ck-explorer")):
        box.screenshot(path=str(SHOTS / ("390__" + _shot_name(path, f".explorer{e}.png"))))
    style.evaluate("s => s.remove()")
    return problems


def test_chapter_pages_fit_a_phone_and_explorer_panels_stack(built_html, chapter_page):
    problems = [p for path in _chapters(built_html) for p in _check_phone(chapter_page, path)]
    assert problems == []


def test_every_figure_exposes_its_alt_text(built_html, chapter_page):
    problems = []
    for path in _chapters(built_html):
        page, _ = chapter_page(path, 1280)
        found = page.evaluate(
            """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(g => {
                 const img = g.closest('[role="figure"]');
                 const label = img ? (img.getAttribute('aria-label') || '') : '';
                 const ids = img ? (img.getAttribute('aria-describedby') || '').split(' ').filter(Boolean) : [];
                 const described = ids.map(i => (document.getElementById(i) || {}).textContent || '');
                 return {id: g.id, label: label.trim(), explorer: !!g.closest('.ck-explorer'),
                         described: described.join(' ').trim(),
                         live: ids.some(i => (document.getElementById(i) || {getAttribute: () => null})
                                             .getAttribute('aria-live') === 'polite')}; })""")
        for fig in found:
            if not fig["label"]:
                problems.append(f"{path}: figure {fig['id']} has no alt text for screen readers")
            if fig["explorer"] and not (fig["described"] and fig["live"]):
                problems.append(f"{path}: explorer {fig['id']} has no live caption: {json.dumps(fig)[:200]}")
    assert problems == []


TITLE_NOW = """(i) => { const g = document.querySelectorAll('.ck-explorer')[i].querySelector('.plotly-graph-div');
    const shown = (g.layout.title && g.layout.title.text || '').replace(/<br>/g, ' ');
    const inputs = Array.from(document.querySelectorAll('.ck-explorer')[i].querySelectorAll('input.ck-range'));
    const frame = (g._transitionData._frameHash || {})['f' + inputs.map(r => r.value).join('_')];
    const title = frame && frame.layout && frame.layout.title;
    return {shown, frame: title ? String(title.text || title).replace(/<br>/g, ' ') : null}; }"""


def test_on_a_phone_an_explorer_shows_the_title_of_the_run_it_draws(built_html, chapter_page):
    """Stacked panels (below 600 px) must not bring back the default run's title (Ch6's "500 firms"
    stayed when the slider said 1,000). Each slider is moved one step and back: the page is shared."""
    problems, checked = [], 0
    for path in _chapters(built_html):
        page, _ = chapter_page(path, PHONE["width"])
        for e in range(page.evaluate("document.querySelectorAll('.ck-explorer').length")):
            n = page.evaluate("(i) => document.querySelectorAll('.ck-explorer')[i].querySelectorAll('input.ck-range').length", e)
            for k in range(n):
                slider = page.locator(".ck-explorer").nth(e).locator("input.ck-range").nth(k)
                at_end = slider.evaluate("r => r.value === r.max")
                slider.focus()
                page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                page.wait_for_timeout(600)
                state = page.evaluate(TITLE_NOW, e)
                if state["frame"] is not None:
                    checked += 1
                    if " ".join(state["shown"].split()) != " ".join(state["frame"].split()):
                        problems.append(f"{path}: explorer {e}, slider {k}: the figure says {state['shown']!r}, "
                                        f"its run {state['frame']!r}")
                page.keyboard.press("ArrowRight" if at_end else "ArrowLeft")
                page.wait_for_timeout(600)
    assert problems == []
    assert checked, "no explorer whose title follows its run was found (Chapter 6's does)"
