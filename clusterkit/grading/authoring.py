"""Instructor tools behind ``clusterkit exercises build`` and ``clusterkit exercises check``."""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import checks
from .spec import Chapter, Function, Text, chapter_files, load_chapter, public_path
from .student import _caller


def public_json(chapter: Chapter) -> str:
    """The public spec as the exact text committed in ``clusterkit/grading/public/``."""
    return json.dumps(chapter.public(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build(key_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Write ``NN.json`` for every chapter file in ``key_dir``; returns the files written."""
    written = []
    for number, path in chapter_files(key_dir).items():
        chapter = load_chapter(path)
        if chapter.number != number:
            raise ValueError(f"{path.name} defines chapter {chapter.number}, but its name says {number}")
        target = (out_dir / f"{number:02d}.json") if out_dir else public_path(number)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(public_json(chapter), encoding="utf-8")
        written.append(target)
    return written


def verify(chapter: Chapter) -> list[str]:
    """Problems with a chapter: inconsistent definitions, or a reference answer that fails
    its own public checks (including the answer hash) or does not earn full points."""
    found = chapter.problems()
    public = chapter.public()
    for ex, pub in zip(chapter.exercises, public["exercises"]):
        try:
            ref = ex.reference()
            if isinstance(ex, Function):
                call = _caller(ex.reference_function)
                outs = ex.expected_outputs()
                verdict = checks.evaluate(pub, ref, call)
                score = ex.grade(ref, [{"value": o} for o in outs], outs)
            else:
                verdict = checks.evaluate(pub, ref)
                score = ex.grade(ref, [])
        except Exception as exc:  # noqa: BLE001
            found.append(f"{ex.id}: the reference answer could not be checked: {type(exc).__name__}: {exc}")
            continue
        revealed = any(c["check"] == "answer" for c in pub["checks"])
        want = "correct" if revealed else ("manual" if isinstance(ex, Text) else "passed")
        if verdict.state != want:
            why = "; ".join(m for ok, m in verdict.messages if ok is False) or verdict.hint or ""
            found.append(f"{ex.id}: the reference answer's public verdict is {verdict.state!r}, not {want!r} {why}".rstrip())
        if not isinstance(ex, Text) and abs(score.fraction - 1.0) > 1e-12:
            found.append(f"{ex.id}: the reference answer earns {score.fraction:.0%} of the points in grading")
    return found


def notebook_problems(chapter: Chapter, notebook: Path) -> list[str]:
    """Whether a chapter notebook has, for every exercise, its variable and its check call."""
    import nbformat

    if not notebook.is_file():
        return [f"no notebook at {notebook}"]
    nb = nbformat.read(notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    found = []
    for ex in chapter.exercises:
        var = re.escape(ex.variable)
        defined = re.search(rf"^(def\s+{var}\s*\(|{var}\s*=)", code, re.M)
        checked = re.search(rf"check\(\s*['\"]{re.escape(ex.id)}['\"]\s*,\s*{var}\s*\)", code)
        if not defined:
            found.append(f"{notebook.name}: no cell defines {ex.variable} (exercise {ex.id})")
        if not checked:
            found.append(f"{notebook.name}: no check(\"{ex.id}\", {ex.variable}) call")
    return found
