"""The built book: clean -W build, every page present, nothing from third-party hosts, sizes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE_LIMIT = 1_500_000  # bytes, excluding the shared static assets


def test_book_builds_with_warnings_as_errors(book_build):
    log = book_build.stdout + book_build.stderr
    assert book_build.returncode == 0, log[-3000:]
    assert "build succeeded" in log
    sphinx_warnings = [l for l in log.splitlines() if re.search(r"WARNING: |ERROR: ", l)]
    assert sphinx_warnings == []


def pages(html: Path) -> list[Path]:
    skip = {"search.html", "genindex.html"}
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and p.name not in skip)


def test_every_chapter_and_dataset_has_a_page(built_html):
    from clusterkit import data

    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert (built_html / "notebooks" / f"{nb.stem}.html").is_file()
    for name in data.names():
        assert (built_html / "book" / "data" / f"{name}.html").is_file()


EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


def test_pages_load_nothing_from_other_hosts(built_html):
    """Static check; the browser test also blocks every request to another host."""
    offenders = {}
    for page in pages(built_html):
        found = EXTERNAL.findall(page.read_text(encoding="utf-8"))
        if found:
            offenders[str(page.relative_to(built_html))] = found[:3]
    assert offenders == {}


def test_no_css_imports_from_other_hosts(built_html):
    bad = [str(p) for p in (built_html / "_static").rglob("*.css")
           if re.search(r"@import\s+url\(\s*['\"]?https?://|url\(\s*['\"]?https?://fonts", p.read_text(errors="ignore"))]
    assert bad == []


def test_chapter_pages_are_light(built_html):
    heavy = {str(p.relative_to(built_html)): p.stat().st_size for p in pages(built_html) if p.stat().st_size > PAGE_LIMIT}
    assert heavy == {}


def test_download_gives_the_executed_notebook(built_html):
    import nbformat

    nb = nbformat.read(built_html / "_sources" / "notebooks" / "00_clusters.ipynb", as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_launch_buttons_point_at_binder_and_colab(built_html):
    page = (built_html / "notebooks" / "00_clusters.html").read_text(encoding="utf-8")
    assert "mybinder.org/v2/gh/cluster-pathways/cluster-pathways" in page
    assert "colab.research.google.com/github/cluster-pathways/cluster-pathways" in page


def chapter_pages(html: Path) -> list[Path]:
    return sorted((html / "notebooks").glob("*.html"))


def test_chapter_pages_show_no_check_output(built_html):
    """check() and check_all() say 'not attempted' on a page no one can answer: the build strips
    their outputs (book/_ext/web_outputs.py) and the 'Your progress' cells are notebook-only."""
    for page in chapter_pages(built_html):
        text = page.read_text(encoding="utf-8")
        assert "not attempted" not in text, page.name
        assert "Your progress" not in text and "confirmed correct" not in text, page.name
        # the answer cells themselves stay on the page
        assert re.search(r'check</span><span class="p">\(</span><span class="s2">(?:"|&quot;)\d+\.1(?:"|&quot;)', text), page.name


def test_executed_download_keeps_the_check_outputs(built_html):
    import nbformat

    for page in chapter_pages(built_html):
        nb = nbformat.read(built_html / "_sources" / "notebooks" / f"{page.stem}.ipynb", as_version=4)
        printed = [o.get("text", "") for c in nb.cells if c.cell_type == "code" and "check(" in c.source
                   for o in c.outputs]
        assert any("not attempted yet" in t for t in printed), page.name
        progress = [c for c in nb.cells if c.cell_type == "code" and "check_all(" in c.source]
        assert progress and progress[0].outputs, page.name


def test_every_numbered_section_has_a_self_check(built_html):
    """Static count; tests/test_browser.py answers each one with real clicks."""
    for page in chapter_pages(built_html):
        text = page.read_text(encoding="utf-8")
        sections = re.split(r"<h2>", text)[1:]
        numbered = [s for s in sections if re.match(r"\d+\. ", s)]
        assert len(numbered) >= 6, page.name
        for section in numbered:
            assert '<form class="ck-sc"' in section, (page.name, section[:60])
