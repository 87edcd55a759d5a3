"""An automated accessibility audit of every page of the built book, as issue 8 asks: axe-core
(Deque's engine, the one browser dev-tools and Lighthouse use), pinned and integrity-checked from npm,
is injected into each page in headless Chromium and run against WCAG 2.0/2.1 levels A and AA.

A page passes with 0 critical and 0 serious violations, at desktop width and at 390 px (a phone).
The full report of every page (moderate and minor findings too) goes to
``artifacts/axe/<page>.json``; the summary of all pages to ``artifacts/axe/summary.json``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from test_browser import page_paths  # the browser and site fixtures are in conftest.py

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_assets  # noqa: E402

pytestmark = pytest.mark.browser

REPORTS = ROOT / "artifacts" / "axe"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def axe_js() -> str:
    return course_assets.file_from(course_assets.AXE, "package/axe.min.js")


AXE_RUN = ("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
           ".then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
           " nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),"
           " summary: n.failureSummary}))}))}))")


def run_axe(page, axe_js: str) -> dict:
    """axe-core's result for a loaded page (its script is injected once)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_js)
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def audit(browser, url: str, axe_js: str, viewport: dict) -> dict:
    """axe-core's result for one page once its figures are drawn."""
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)  # plotly draws after load
        return run_axe(page, axe_js)
    finally:
        page.close()


def test_axe_finds_no_critical_or_serious_wcag_violation_on_any_page(browser, site, built_html, axe_js, chapter_page):
    REPORTS.mkdir(parents=True, exist_ok=True)
    pages = page_paths(built_html) + ["index.html"]
    summary, failures = {}, []
    for path in pages:
        for name, viewport in VIEWPORTS.items():
            if name == "phone" and not path.startswith("notebooks/") and path != "index.html":
                continue  # front matter and dataset pages share the chapters' template: desktop suffices
            if path.startswith("notebooks/"):  # a chapter: the page other tests look at, loaded once
                result = run_axe(chapter_page(path, viewport["width"])[0], axe_js)
            else:
                result = audit(browser, f"{site}/{path}", axe_js, viewport)
            (REPORTS / f"{path.replace('/', '__')}.{name}.json").write_text(json.dumps(result, indent=1))
            counts: dict[str, int] = {}
            for v in result["violations"]:
                counts[v["impact"]] = counts.get(v["impact"], 0) + len(v["nodes"])
                if v["impact"] in BLOCKING:
                    first = v["nodes"][0]
                    failures.append(f"{path} ({name}): {v['impact']} {v['id']} — {v['help']}; "
                                    f"{len(v['nodes'])} element(s), e.g. {first['target']}: {first['summary']}")
            summary[f"{path} ({name})"] = counts
    (REPORTS / "summary.json").write_text(json.dumps(summary, indent=1))
    assert len(summary) >= len(pages)
    assert not failures, "axe-core (WCAG 2.1 A/AA) reports:\n" + "\n".join(failures)
