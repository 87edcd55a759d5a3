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


SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"', re.I)


def _scripts(page: Path) -> list[str]:
    return [src.split("?")[0] for src in SCRIPT.findall(page.read_text(encoding="utf-8"))]


def test_pages_load_only_the_scripts_they_use(built_html):
    """plotly.js only with a figure (the cartesian bundle unless a figure needs more), MathJax
    only with maths, never pydata-sphinx-theme's fontawesome.js (its CSS draws the icons)."""
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import course_assets

    problems = {}
    for page in pages(built_html):
        text = page.read_text(encoding="utf-8")
        scripts = _scripts(page)
        plotly = [s for s in scripts if "/vendor/plotly/" in s]
        found = []
        wanted = course_assets.plotly_bundle_for(text)
        if wanted is None and plotly:
            found.append(f"plotly.js without a figure: {plotly}")
        if wanted is not None and [s.split("_static/")[-1] for s in plotly] != [wanted]:
            found.append(f"plotly.js: {plotly}, wanted {wanted}")
        has_math = 'class="math notranslate' in text
        if has_math != any("vendor/mathjax/tex-" in s for s in scripts):
            found.append(f"MathJax loaded {'without' if not has_math else 'missing with'} maths")
        if any(s.endswith("fontawesome.js") for s in scripts):
            found.append("fontawesome.js")
        if found:
            problems[str(page.relative_to(built_html))] = found
    assert problems == {}
    chapters = [built_html / "notebooks" / f"{nb.stem}.html" for nb in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    cartesian = [p for p in chapters if course_assets.cartesian_js_name() in " ".join(_scripts(p))]
    assert len(cartesian) >= len(chapters) - 1, "most chapters draw with the cartesian bundle"
    assert not any("/vendor/plotly/" in s for s in _scripts(built_html / "book" / "how_to_use.html"))


def test_text_files_have_identical_gzip_copies(built_html):
    import gzip

    missing, wrong = [], []
    for path in built_html.rglob("*"):
        if path.suffix not in (".html", ".js", ".css", ".svg", ".json") or not path.is_file() or path.stat().st_size < 1024:
            continue
        gz = path.with_name(path.name + ".gz")
        if not gz.is_file():
            missing.append(str(path.relative_to(built_html)))
        elif gzip.decompress(gz.read_bytes()) != path.read_bytes():
            wrong.append(str(path.relative_to(built_html)))
    assert missing == [] and wrong == []


def test_no_figure_offers_to_upload_to_plotly_cloud(built_html):
    """plotly.js shows a "Share chart..." modebar button (an upload to Plotly's cloud) unless told not to."""
    offenders = {}
    for page in pages(built_html):
        text = page.read_text(encoding="utf-8")
        n_plots = text.count("Plotly.newPlot(")
        n_off = len(re.findall(r'"showSendToCloud":\s*false', text))
        if n_plots != n_off or "plotlyServerURL" in text:
            offenders[str(page.relative_to(built_html))] = (n_plots, n_off)
    assert offenders == {}


def test_no_figure_text_asks_plotly_for_latex(built_html):
    """plotly.js typesets "$...$" text with MathJax's SVG output only; the book serves CommonHTML."""
    latex = re.compile(r'"(?:text|title|name)":\s*"\$[^"]*\$"')
    offenders = {str(p.relative_to(built_html)): latex.findall(p.read_text(encoding="utf-8"))[:3]
                 for p in pages(built_html)}
    assert {k: v for k, v in offenders.items() if v} == {}


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
