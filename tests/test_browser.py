"""The built site in headless Chromium: every page, no other host, every figure drawn,
every explorer slider changes its figure, no console errors, no failed requests, no
"Share chart" button, and a first visit to a chapter within its size budget.

The site is served as a static host serves it: its gzip copies, compressed (clusterkit.bench.serve).

Screenshots of every page go to artifacts/screenshots/ (look at them).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from clusterkit import bench
from conftest import visit

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
#: What a first visit to a chapter may transfer (compressed, empty cache): plotly.js, MathJax,
#: fonts, the page and its figures.
FIRST_VISIT_BUDGET = 3_000_000  # bytes

pytestmark = pytest.mark.browser



def page_paths(built_html: Path) -> list[str]:
    skip = {"search.html", "genindex.html", "index.html"}
    found = [p.relative_to(built_html).as_posix() for p in built_html.rglob("*.html")
             if "_static" not in p.parts and "_sources" not in p.parts and p.name not in skip]
    return sorted(found)


def _visit(browser, site, path):
    """A fresh page, for tests that click, type or move sliders (see conftest.visit)."""
    return visit(browser, site, path)


def _figure_state(page) -> list[str]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(g => JSON.stringify("
        "[g.data.map(t => [t.x, t.y]), (g.layout.annotations || []).map(a => a.text)]))"
    )


def _modebar_titles(page) -> list[str]:
    """Each figure's modebar button titles, lower case (plotly.js builds a modebar on first hover)."""
    titles = []
    for graph in page.query_selector_all(".plotly-graph-div"):
        graph.scroll_into_view_if_needed()
        graph.hover()
        titles.append(" | ".join(graph.evaluate(
            "g => Array.from(g.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title') || '')"
        )).lower())
    return titles


def _check_page(browser, site, path, chapter_page) -> list[str]:
    shared = path.startswith("notebooks/")  # chapters are looked at by several tests: load them once
    page, report = chapter_page(path) if shared else _visit(browser, site, path)
    problems = []
    try:
        n_divs = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        n_drawn = page.evaluate("document.querySelectorAll('.plotly-graph-div .main-svg').length")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / (path.replace("/", "__") + ".png")), full_page=True)
        if report["external"]:
            problems.append(f"requests to other hosts: {report['external'][:3]}")
        if report["failed"] or report["bad_status"]:
            problems.append(f"failed requests: {(report['failed'] + report['bad_status'])[:3]}")
        if report["console"]:
            problems.append(f"console errors: {report['console'][:3]}")
        if n_drawn < n_divs:
            problems.append(f"{n_divs - n_drawn} of {n_divs} figures not drawn")
        buttons = _modebar_titles(page)
        if any("share" in titles or "chart studio" in titles for titles in buttons):
            problems.append("a figure's modebar offers to upload it to Plotly's cloud")
        if any("download plot as a png" not in titles for titles in buttons):
            problems.append("a figure's modebar has no download-as-PNG button")
        if path.startswith("notebooks/"):
            if n_divs < 3:
                problems.append("a chapter draws at least three figures")
            if not page.evaluate("document.querySelectorAll('mjx-container').length"):
                problems.append("MathJax did not typeset the formulas")
    finally:
        if not shared:
            page.close()
    return problems


def test_every_page_loads_cleanly_and_draws_every_figure(browser, site, built_html, chapter_page):
    paths = page_paths(built_html)
    assert len(paths) >= 10
    problems = {path: found for path in paths if (found := _check_page(browser, site, path, chapter_page))}
    assert problems == {}


def test_every_explorer_slider_changes_its_figure(browser, site, built_html):
    chapters = [p for p in page_paths(built_html) if p.startswith("notebooks/")]
    assert chapters
    for path in chapters:
        _check_explorers(browser, site, path)


def _check_explorers(browser, site, path) -> None:
    page, report = _visit(browser, site, path)
    try:
        explorers = page.evaluate(
            "() => Array.from(document.querySelectorAll('.plotly-graph-div')).map((g, i) => [i, "
            "g.closest('.ck-explorer') ? g.closest('.ck-explorer').querySelectorAll('input.ck-range').length : 0])"
            ".filter(x => x[1] > 0)"
        )
        assert explorers, f"{path}: a chapter has an explorer"
        for index, n_sliders in explorers:
            for k in range(n_sliders):
                before = _figure_state(page)[index]
                slider = page.query_selector_all(".plotly-graph-div")[index].evaluate_handle(
                    f"g => g.closest('.ck-explorer').querySelectorAll('input.ck-range')[{k}]").as_element()
                slider.scroll_into_view_if_needed()
                # The explorer's sliders are HTML range inputs: real key presses move them.
                slider.focus()
                for key in ("End", "Home"):
                    page.keyboard.press(key)
                    page.wait_for_timeout(250)
                    if _figure_state(page)[index] != before:
                        break
                assert _figure_state(page)[index] != before, f"{path}: slider {k} of figure {index} changed nothing"
            SHOTS.mkdir(parents=True, exist_ok=True)
            fig = page.query_selector_all(".plotly-graph-div")[index]
            fig.screenshot(path=str(SHOTS / f"{path.replace('/', '__')}.figure{index}.moved.png"))
        assert report["console"] == [] and report["external"] == [], (path, report)
    finally:
        page.close()


def test_a_first_visit_to_each_chapter_is_within_its_size_budget(browser, site, built_html):
    """Compressed bytes on the wire with an empty cache, as ``make bench`` reports them."""
    chapters = [p for p in page_paths(built_html) if p.startswith("notebooks/")]
    visits = [bench.first_visit(browser, site, path) for path in chapters]
    over = {v.page: v.transferred for v in visits if v.transferred > FIRST_VISIT_BUDGET}
    assert over == {}
    for v in visits:  # the host sent the gzip copies
        assert v.transferred < 0.6 * v.decoded, (v.page, v.transferred, v.decoded)


# --- self-check questions (clusterkit/selfcheck.py): answered in the page, with no kernel ---

SECTIONS_JS = """() => Array.from(document.querySelectorAll('section > h2'))
  .filter(h => /^\\d+\\. /.test(h.textContent.trim()))
  .map(h => [h.textContent.trim().replace(/#$/, ''), h.parentElement.querySelectorAll('form.ck-sc').length])"""


def _feedback(form) -> str:
    out = form.query_selector(".ck-sc-feedback")
    out.wait_for_element_state("visible", timeout=5_000)
    return out.inner_text().strip()


def _hidden_text(form, selector) -> str:
    return " ".join(form.eval_on_selector(selector, "e => e.textContent").split())


def _answer_every_self_check(page, path) -> int:
    forms = page.query_selector_all("form.ck-sc")
    for k, form in enumerate(forms):
        where = f"{path}, self-check {k + 1}"
        form.scroll_into_view_if_needed()
        button = form.query_selector("button.ck-sc-check")
        if form.get_attribute("data-kind") == "choice":
            radios = form.query_selector_all("input[type=radio]")
            wrong = next(r for r in radios if r.get_attribute("data-right") == "0")
            right = next(r for r in radios if r.get_attribute("data-right") == "1")
            for radio, mark in ((wrong, "✘"), (right, "✔")):
                form.query_selector(f"label[for='{radio.get_attribute('id')}']").click()  # a real click
                assert radio.is_checked(), where
                button.click()
                said = " ".join(_feedback(form).split())
                assert said.startswith(mark), (where, said)
                assert _hidden_text(form, f"[id='{radio.get_attribute('id')}-fb']") in said, (where, said)
        else:
            box = form.query_selector("input")
            answer = float(form.get_attribute("data-answer"))
            for value, mark, which in ((str(answer * 10 + 7), "✘", ".ck-sc-wrong"), (f"{answer:.4f}", "✔", ".ck-sc-right")):
                box.click()
                box.fill(value)
                button.click()
                said = " ".join(_feedback(form).split())
                assert said.startswith(mark), (where, value, said)
                assert _hidden_text(form, which) in said, (where, said)
    return len(forms)


def test_every_section_has_a_self_check_that_answers_a_click(browser, site, built_html, chapter_page):
    chapters = [p for p in page_paths(built_html) if p.startswith("notebooks/")]
    assert len(chapters) >= 4
    for path in chapters:
        # the page the other tests look at (answering self-checks changes no figure, table or control;
        # the accessibility audit then sees the feedback too)
        page, report = chapter_page(path)
        sections = page.evaluate(SECTIONS_JS)
        assert len(sections) >= 6, (path, sections)
        assert [s for s, n in sections if n < 1] == [], f"{path}: sections without a self-check"
        body = page.inner_text("body")
        assert "not attempted" not in body and "Your progress" not in body, path
        n = _answer_every_self_check(page, path)
        assert n >= len(sections)
        assert report["console"] == [] and report["external"] == [], (path, report)


def test_a_self_check_works_from_the_keyboard(browser, site):
    page, report = _visit(browser, site, "notebooks/00_clusters.html")
    try:
        form = page.query_selector("form.ck-sc[data-kind=choice]")
        form.scroll_into_view_if_needed()
        # Start from the question's text (not focusable), then use the keyboard only.
        legend = form.query_selector("legend").bounding_box()
        page.mouse.click(legend["x"] + 2, legend["y"] + legend["height"] / 2)
        page.keyboard.press("Tab")
        first = form.query_selector("input[type=radio]")
        assert page.evaluate("document.activeElement.type") == "radio"
        assert page.evaluate("document.activeElement.id") == first.get_attribute("id")
        page.keyboard.press("Space")
        assert first.is_checked()
        page.keyboard.press("ArrowDown")  # the next option
        second = form.query_selector_all("input[type=radio]")[1]
        assert second.is_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "ck-sc-check"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), "the focused Check button shows no focus outline"
        page.keyboard.press("Enter")
        said = _feedback(form)
        expected = "✔" if second.get_attribute("data-right") == "1" else "✘"
        assert said.startswith(expected), said
        assert report["console"] == []
    finally:
        page.close()


def test_self_check_fits_a_phone_screen(browser, site):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{site}/notebooks/00_clusters.html", wait_until="load")
        for kind in ("choice", "number"):
            form = page.query_selector(f"form.ck-sc[data-kind={kind}]")
            form.scroll_into_view_if_needed()
            if kind == "choice":
                form.query_selector_all("label.ck-sc-option")[1].click()
            else:
                form.query_selector("input").fill("1")
            form.query_selector("button.ck-sc-check").click()
            _feedback(form)
            box = form.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
            assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            SHOTS.mkdir(parents=True, exist_ok=True)
            form.screenshot(path=str(SHOTS.parent / f"selfcheck-390-{kind}.png"))
    finally:
        page.close()


def test_self_check_output_works_alone_as_in_jupyter_or_colab(browser, monkeypatch):
    """A notebook's output (JupyterLab, or a Colab output frame) has none of the book's files: the
    live-mode HTML must style and answer itself."""
    from clusterkit import selfcheck

    monkeypatch.delenv("CLUSTERKIT_BOOK", raising=False)
    first = selfcheck.choice("Which?", {"Right one.": "Yes, because.", "Wrong one.": "No, because."}, correct="Right one.")
    second = selfcheck.number("How many?", answer=0.2, tolerance=0.001, right="Yes.", wrong="No.")
    page = browser.new_page(viewport={"width": 390, "height": 700})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # two separate outputs, each with its own copy of the script, as Jupyter shows them
        page.set_content(f"<html><body><div>{first.html}</div><div>{second.html}</div></body></html>")
        forms = page.query_selector_all("form.ck-sc")
        labels = {lab.inner_text().strip(): lab for lab in forms[0].query_selector_all("label")}
        labels["Wrong one."].click()  # the options are shown in an order of their own
        forms[0].query_selector("button").click()
        assert _feedback(forms[0]).startswith("✘ Not quite. Because.")  # the author's "No," is not repeated
        labels["Right one."].click()  # changing the answer clears the old feedback
        assert forms[0].query_selector(".ck-sc-feedback").inner_text() == ""
        forms[0].query_selector("button").click()
        assert _feedback(forms[0]).startswith("✔ Right. Because.")
        box = forms[1].query_selector("input")
        for typed, mark in (("0,2", "✔"), ("1,000", "✘"), ("0.2 ", "✔"), ("abc", "Type a number"),
                            ("20%", "✘ Not quite. Check the scale: the answer is a share"), ("20", "✘ Not quite. Check the scale")):
            box.fill(typed)
            forms[1].query_selector("button").click()
            assert _feedback(forms[1]).startswith(mark), typed
        assert page.evaluate("getComputedStyle(document.querySelector('.ck-sc button')).backgroundColor") == "rgb(0, 90, 140)"
        assert errors == []
    finally:
        page.close()
