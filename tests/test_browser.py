"""The built site in headless Chromium: every page, no other host, every figure drawn,
every explorer slider changes its figure, no console errors, no failed requests.

Screenshots of every page go to artifacts/screenshots/ (look at them).
"""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import socketserver
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def site(built_html):
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built_html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def page_paths(built_html: Path) -> list[str]:
    skip = {"search.html", "genindex.html", "index.html"}
    found = [p.relative_to(built_html).as_posix() for p in built_html.rglob("*.html")
             if "_static" not in p.parts and "_sources" not in p.parts and p.name not in skip]
    return sorted(found)


def _visit(browser, site, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    host = urlparse(site).netloc
    report = {"external": [], "console": [], "failed": [], "bad_status": []}

    def route(r):
        if urlparse(r.request.url).netloc == host or r.request.url.startswith("data:"):
            r.continue_()
        else:
            report["external"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: report["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report["console"].append(str(e)))
    page.on("requestfailed", lambda r: report["failed"].append(r.url))
    page.on("response", lambda r: report["bad_status"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{site}/{path}", wait_until="load")
    # Every plotly figure on the page must finish drawing.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".every(g => g._fullLayout && g.querySelector('.main-svg'))",
        timeout=30_000,
    )
    page.wait_for_timeout(300)
    return page, report


def _figure_state(page) -> list[str]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(g => JSON.stringify("
        "[g.data.map(t => [t.x, t.y]), (g.layout.annotations || []).map(a => a.text)]))"
    )


def _check_page(browser, site, path) -> list[str]:
    page, report = _visit(browser, site, path)
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
        if path.startswith("notebooks/"):
            if n_divs < 3:
                problems.append("a chapter draws at least three figures")
            if not page.evaluate("document.querySelectorAll('mjx-container').length"):
                problems.append("MathJax did not typeset the formulas")
    finally:
        page.close()
    return problems


def test_every_page_loads_cleanly_and_draws_every_figure(browser, site, built_html):
    paths = page_paths(built_html)
    assert len(paths) >= 10
    problems = {path: found for path in paths if (found := _check_page(browser, site, path))}
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
