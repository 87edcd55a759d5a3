"""Neither the built book nor its ``_sources`` hold reference answers, rubrics or model answers."""
from __future__ import annotations

from pathlib import Path

import pytest

from clusterkit.grading.spec import Number, Table, Text, chapter_files, load_chapter

REPO = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".html", ".txt", ".ipynb", ".md", ".json", ".py"}


def _fmt(value: float) -> list[str]:
    """How a reference number would be printed with 6 or 8 significant digits (e.g. 4944.23).

    Numbers with fewer than 5 significant digits are skipped: they occur by chance."""
    if float(value).is_integer() or abs(value) < 1e-6:
        return []
    out = []
    for digits in (6, 8):
        s = f"{value:.{digits}g}"
        if len(s.replace("-", "").replace(".", "").lstrip("0")) >= 5:
            out.append(s)
    return out


def secrets() -> dict[str, str]:
    """Text that only the key holds → what it is."""
    found = {}
    for _, path in chapter_files(REPO / "exercises").items():
        chapter = load_chapter(path)
        for ex in chapter.exercises:
            if isinstance(ex, Text):
                found[ex.rubric.strip()[:70]] = f"{ex.id} rubric"
                found[ex.model_answer.strip()[:70]] = f"{ex.id} model answer"
            elif isinstance(ex, Number):
                for s in _fmt(float(ex.reference()["value"])):
                    found[s] = f"{ex.id} reference answer"
            elif isinstance(ex, Table):
                ref = ex.reference()
                for row in ref["data"]:
                    for cell in row:
                        if isinstance(cell, float):
                            for s in _fmt(cell):
                                found[s] = f"{ex.id} reference table"
    return {k: v for k, v in found.items() if k}


def find_leaks(root: Path, needles: dict[str, str]) -> list[str]:
    leaks = []
    for f in sorted(root.rglob("*")):
        if not f.is_file() or f.suffix not in TEXT_SUFFIXES or "_static" in f.parts:
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        for needle, what in needles.items():
            if needle in text:
                leaks.append(f"{f.relative_to(root)}: {what} ({needle[:40]!r})")
    return leaks


def test_the_leak_finder_finds_leaks(tmp_path):
    needles = secrets()
    assert any("rubric" in v for v in needles.values()) and any("reference" in v for v in needles.values())
    (tmp_path / "_sources").mkdir()
    (tmp_path / "index.html").write_text("<p>nothing to see</p>")
    assert find_leaks(tmp_path, needles) == []
    rubric = next(k for k, v in needles.items() if v.endswith("rubric"))
    number = next(k for k, v in needles.items() if v.endswith("reference answer"))
    (tmp_path / "_sources" / "chapter.ipynb").write_text(f'{{"source": "{rubric}"}}')
    (tmp_path / "page.html").write_text(f"<td>{number}</td>")
    assert len(find_leaks(tmp_path, needles)) == 2


@pytest.mark.slow
def test_built_book_holds_no_key(built_html):
    root = Path(built_html)
    if root.is_file():
        root = root.parent
    assert (root / "_sources").is_dir() or any(root.rglob("*.html"))
    leaks = find_leaks(root, secrets())
    assert leaks == [], "\n".join(leaks)
