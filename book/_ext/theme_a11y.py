"""Sphinx extension: four accessibility fixes to the HTML that the theme and its extensions write.

The axe-core audit of every page (``tests/test_browser_a11y.py``, WCAG 2.1 A/AA) finds these in
markup that is not ours, so the built pages are corrected after the build, before their gzip
copies are made (``course_assets`` compresses at priority 900):

* sphinx-togglebutton's ``<summary aria-label="Toggle hidden content">`` hides its visible text
  ("Show code cell source") from its accessible name (*label-content-name-mismatch*): the label goes,
  and the visible text names the control;
* the search button's ``aria-label="Search"`` does not contain its visible "Search Ctrl+K": the same;
* the navigation's section toggles are ``<summary>`` elements with only an icon (*summary-name*):
  they get ``aria-label="Show or hide the sections of this chapter"``;
* sphinxcontrib-bibtex's ``<div role="list" class="citation-list">`` has no list items
  (*aria-required-children*): the role goes (the citations are a plain series of entries).
"""
from __future__ import annotations

import re
from pathlib import Path

FIXES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    (re.compile(r'(<button class="[^"]*search-button-field[^"]*" title="Search") aria-label="Search"'), r"\1"),
    (re.compile(r'<summary>(\s*<span class="toctree-toggle")'),
     r'<summary aria-label="Show or hide the sections of this chapter">\1'),
    (re.compile(r'<div role="list" class="citation-list">'), '<div class="citation-list">'),
)


def fix_html(text: str) -> str:
    for pattern, replacement in FIXES:
        text = pattern.sub(replacement, text)
    return text


def fix_site(outdir: Path) -> int:
    """Apply :data:`FIXES` to every HTML page under ``outdir``; returns how many pages changed."""
    changed = 0
    for page in Path(outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = fix_html(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        fix_site(Path(app.outdir))


def setup(app):
    app.connect("build-finished", _build_finished, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
