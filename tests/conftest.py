"""Shared fixtures: the repository, and the book built once per test session."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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
