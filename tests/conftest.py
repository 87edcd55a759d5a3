"""Shared fixtures: the repository, and the book built once per test session."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from clusterkit import bench
from clusterkit.bench import build_book

ROOT = Path(__file__).resolve().parents[1]
BUILD_HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    result = build_book()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "book-build.log").write_text(result.stdout + "\n" + result.stderr)
    return result


@pytest.fixture(scope="session")
def built_html(book_build) -> Path:
    """The built site (the build must have succeeded)."""
    if book_build.returncode != 0:
        tail = "\n".join((book_build.stdout + book_build.stderr).splitlines()[-40:])
        pytest.fail(f"the book did not build (see artifacts/book-build.log):\n{tail}")
    return BUILD_HTML


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def site(built_html):
    """The built site, served on localhost as a static host serves it (gzip copies included)."""
    with bench.serve(built_html) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=bench.CHROMIUM_FLAGS)
        yield b
        b.close()


PHONE = {"width": 390, "height": 844}


def visit(browser, site: str, path: str, width: int = 1280, settle_ms: int = 300):
    """Open ``path`` as a reader does, wait until every figure is drawn, and record what went wrong
    on the way: requests to other hosts (refused), console errors, failed requests. At 390 px the
    page is a phone's (mobile viewport, touch). Returns (page, report); the caller closes the page."""
    if width <= PHONE["width"]:
        page = browser.new_page(viewport={**PHONE, "width": width}, device_scale_factor=1, is_mobile=True,
                                has_touch=True)
    else:
        page = browser.new_page(viewport={"width": width, "height": 900})
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
    page.wait_for_function(bench.FIGURES_DRAWN, timeout=30_000)
    page.wait_for_timeout(settle_ms)  # the figures' own scripts (declutter, wrapped titles, stacked panels)
    return page, report


@pytest.fixture(scope="session")
def chapter_page(browser, site):
    """A page loaded once per width for the whole session, for tests that only *look* at it
    (measure, audit, screenshot; never click, type or move a slider): ``chapter_page(path, width)``
    gives (page, report). Loading a chapter is the slow part of a browser test, and a dozen
    tests look at the same fourteen pages."""
    pages: dict = {}

    def get(path: str, width: int = 1280):
        if (path, width) not in pages:
            pages[(path, width)] = visit(browser, site, path, width, settle_ms=800)
        page, report = pages[(path, width)]
        page.mouse.move(0, 0)  # no hover label left over from an earlier look
        return page, report

    yield get
    for page, _ in pages.values():
        page.close()
