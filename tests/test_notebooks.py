"""The chapter notebooks: committed clean and on contract (that they run as a student runs them is tested
in the student's venv, tests/test_student_env.py)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"outputs left in a cell of {path.name}"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_colab_install_cell_uses_the_configured_repository(path):
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    nb = nbformat.read(path, as_version=4)
    first_code = next(c.source for c in nb.cells if c.cell_type == "code")
    assert "google.colab" in first_code
    assert f"git+{url}" in first_code


CONTRACT = {
    "learning objectives": r"learning objectives",
    "estimated time": r"estimated time",
    "Chinese name with pinyin": r"[\u4e00-\u9fff]+.{0,4}\(\*?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+\*?\)",
    "fact-check box": r"admonition\}\s*fact-check",
    "summary": r"^## summary",
    "discussion questions": r"^## discussion questions",
    "further reading": r"^## further reading",
    "self-check": r"^## self-check",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapter_follows_the_contract(path):
    nb = nbformat.read(path, as_version=4)
    text = markdown(nb)
    missing = [part for part, pattern in CONTRACT.items() if not re.search(pattern, text, re.I | re.M)]
    assert missing == []
    checks = re.findall(r"\bcheck\(\s*\"([\d.]+)\"", code(nb))
    assert len(checks) >= 5 and len(set(checks)) == len(checks)
    assert ".explorer().show()" in code(nb)
    assert "ck.show(" in code(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_box_has_its_answer_cell(path):
    """Each exercise box (an admonition titled "Exercise N.k") is followed by a code cell calling
    check("N.k", ...), and no code leaked into markdown (a broken fence swallows cells)."""
    nb = nbformat.read(path, as_version=4)
    text = markdown(nb)
    titles = re.findall(r"^:::\{admonition\} Exercise (\d+)\.(\d+)\b.*\n:class: ck-exercise", text, re.M)
    assert len(titles) >= 5
    source = code(nb)
    for chapter, k in titles:
        assert f'check("{chapter}.{k}"' in source, f"exercise {chapter}.{k} has no check() cell"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert "# %%" not in cell.source and 'check("' not in cell.source


# Running each chapter as a student does (live mode, widgets, 'not attempted') is tested once, in the
# student's own venv made from requirements.txt: tests/test_student_env.py::test_chapter_runs_in_the_student_env.
