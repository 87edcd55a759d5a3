"""The instructor's marks of written answers: ``results.json``, ``clusterkit merge``, and
keeping marks when a class is graded again into the same folder.

Written (manual) answers stay BLANK in ``gradebook.csv`` until they are marked, so that a
learning platform importing the gradebook records no zero for them. The instructor fills in
``points`` (and a ``comment``) in ``OUT/manual.csv`` and runs ``clusterkit merge OUT``.

An instructor's marks are never lost: grading again into a folder that holds marks (merged
into ``results.json``, or typed into ``manual.csv`` and not merged yet) keeps each mark for
the same student and exercise (:func:`previous_marks`, :func:`apply_marks`), notes in
``manual.csv`` where the answer has changed since it was marked, and first copies the old
files to ``OUT/previous/<time>/``.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .feedback import Graded, Row, feedback_md, fmt, gradebook_csv, write_atomic

RESULTS = "results.json"
#: Files of an output folder that are copied to ``previous/`` before a new run overwrites them.
KEPT = ("gradebook.csv", "manual.csv", RESULTS)
CHANGED_NOTE = "the answer changed since it was marked: check the mark"


class MarksError(ValueError):
    """The marks file cannot be merged (the message lists every problem)."""


def results_json(rows: list[Row], chapter: int, title: str, ids: list[str]) -> str:
    """Everything needed to rewrite the gradebook and feedback later (public feedback only)."""
    data = {"chapter": chapter, "title": title, "ids": ids,
            "rows": [asdict(r) for r in sorted(rows, key=lambda r: r.student)]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def load_results(out: Path) -> tuple[list[Row], int, str, list[str]]:
    data = json.loads((Path(out) / RESULTS).read_text(encoding="utf-8"))
    rows = []
    for r in data["rows"]:
        exercises = [Graded(**g) for g in r.pop("exercises")]
        rows.append(Row(exercises=exercises, **r))
    return rows, data["chapter"], data["title"], data["ids"]


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file as a spreadsheet saves it: with or without a BOM, separated by commas,
    semicolons (where the decimal mark is a comma) or tabs. (header, rows)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [{(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in rec.items()} for rec in reader]
    return [f.strip() for f in (reader.fieldnames or [])], rows


def _points(text: str) -> float:
    return float(text.strip().replace(",", "."))


def read_marks(path: Path, rows: list[Row]) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(student, exercise) → (points or None when blank, comment); every problem is collected."""
    manual = {(r.student, g.id): g for r in rows for g in r.exercises if g.state == "manual"}
    marks, problems = {}, []
    fields, records = read_table(path)
    if not {"student", "exercise", "points"} <= set(fields):
        raise MarksError(f"{Path(path).name} needs the columns student, exercise and points")
    for n, rec in enumerate(records, start=2):
        key = (rec.get("student", ""), rec.get("exercise", ""))
        if key not in manual:
            problems.append(f"line {n}: {key[0]!r} has no written answer {key[1]!r} in this gradebook")
            continue
        text, comment = rec.get("points", ""), rec.get("comment", "")
        if not text:
            marks[key] = (None, comment)
            continue
        try:
            value = _points(text)
        except ValueError:
            problems.append(f"line {n}: points {text!r} is not a number")
            continue
        if not 0 <= value <= manual[key].max:
            problems.append(f"line {n}: points {value:g} outside 0–{fmt(manual[key].max)} for {key[0]} {key[1]}")
            continue
        marks[key] = (value, comment)
    if problems:
        raise MarksError("; ".join(problems))
    return marks


def rewrite(out: Path, rows: list[Row], chapter: int, title: str, ids: list[str]) -> None:
    """The gradebook, every feedback file, results.json and the platforms' import files, from ``rows``."""
    from .feedback import manual_csv
    from .lms import write_exports

    (out / "feedback").mkdir(exist_ok=True)
    for r in rows:
        if r.exercises:
            write_atomic(out / "feedback" / f"{r.student}.md", feedback_md(r, title, chapter))
    write_atomic(out / "gradebook.csv", gradebook_csv(rows, ids))
    write_atomic(out / RESULTS, results_json(rows, chapter, title, ids))
    if not (out / "manual.csv").is_file():
        write_atomic(out / "manual.csv", manual_csv(rows))
    write_exports(out, rows, chapter, title)


def merge_marks(out: Path, marks_file: Path | None = None) -> tuple[int, int]:
    """Merge the marks in ``marks_file`` (default ``OUT/manual.csv``, ``points`` filled in) into
    ``OUT/gradebook.csv``, the feedback files, ``OUT/results.json`` and the import files. Blank
    points leave an answer waiting (blank in the gradebook). Can be run again after changing marks.
    Returns (answers marked, answers still waiting); raises :class:`MarksError` and changes
    nothing when a mark is not a number, is out of range, or names no written answer."""
    out = Path(out)
    rows, chapter, title, ids = load_results(out)
    marks = read_marks(Path(marks_file) if marks_file else out / "manual.csv", rows)
    done = waiting = 0
    for r in rows:
        for g in r.exercises:
            if g.state != "manual":
                continue
            points, comment = marks.get((r.student, g.id), (None, ""))
            g.marked, g.points, g.comment = points is not None, points or 0.0, comment
            if g.marked:
                g.previous, g.note = None, ""
            done += g.marked
            waiting += not g.marked
        r.manual = [g.id for g in r.exercises if g.pending]
    rewrite(out, rows, chapter, title, ids)
    return done, waiting


# --------------------------------------------------------------------------- grading again


@dataclass
class Mark:
    """One instructor's mark, as it was given."""

    points: float
    comment: str
    text: str  # the answer it was given to
    merged: bool = True  # in the gradebook already (else typed into manual.csv, waiting for `merge`)
    flagged: bool = False  # noted as given to an answer that has changed since


def sheet_delimiter(path: Path) -> str:
    """The separator of a CSV sheet as it was saved (``,`` or ``;``), to write it back the same way."""
    try:
        first = Path(path).read_text(encoding="utf-8-sig").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return ","
    return ";" if first.count(";") > first.count(",") else ","


def previous_marks(out: Path, chapter: int) -> dict[tuple[str, str], Mark]:
    """The marks already given in the output folder ``out``: merged ones (``results.json``) and
    ones typed into ``manual.csv`` but not merged yet. Keyed by (student's LMS id or key,
    exercise). Raises :class:`MarksError` when ``manual.csv`` holds a mark that cannot be read,
    or when the folder is another chapter's: better to stop than to lose a mark."""
    out = Path(out)
    if not (out / RESULTS).is_file():
        return {}
    try:
        rows, old_chapter, _, _ = load_results(out)
    except (ValueError, KeyError, TypeError) as exc:
        raise MarksError(f"{out / RESULTS} cannot be read ({type(exc).__name__}): grade into a new folder, "
                         "or move this one away") from exc
    found: dict[tuple[str, str], Mark] = {}
    for r in rows:
        for g in r.exercises:
            if g.state == "manual" and g.marked:
                found[(r.key, g.id)] = Mark(g.points, g.comment, g.text or "")
    if found and old_chapter != chapter:
        raise MarksError(f"{out} holds marks of chapter {old_chapter}: grade chapter {chapter} into another folder")
    if (out / "manual.csv").is_file():
        by_student = {r.student: r for r in rows}
        texts = {(r.student, g.id): g.text or "" for r in rows for g in r.exercises if g.state == "manual"}
        try:
            typed = read_marks(out / "manual.csv", rows)
            _, records = read_table(out / "manual.csv")
        except MarksError as exc:
            raise MarksError(f"{out / 'manual.csv'} holds marks that cannot be read ({exc}). Fix them (or run "
                             f"`clusterkit merge {out}`) before grading into this folder again, so that no mark is lost") from exc
        notes = {(rec.get("student", ""), rec.get("exercise", "")): rec.get("note", "") for rec in records}
        for (student, ex_id), (points, comment) in typed.items():
            if points is None:
                continue
            key = (by_student[student].key, ex_id)
            merged = found.get(key)
            if merged is not None and merged.points == points and merged.comment == comment:
                continue  # the sheet shows the mark as it was merged
            found[key] = Mark(points, comment, texts.get((student, ex_id), ""), merged=False,
                              flagged=notes.get((student, ex_id)) == CHANGED_NOTE)
    return found


def apply_marks(row: Row, marks: dict[tuple[str, str], Mark]) -> list[str]:
    """Give ``row``'s written answers the marks they had. A merged mark on an unchanged answer stays
    merged; a mark typed but not merged, or given to an answer that has changed since, waits in
    manual.csv (``points`` filled in, a ``note`` when the answer changed) for the instructor to check
    and ``clusterkit merge``: it is never lost, and never published to a student unchecked.
    Returns the exercises whose answer changed since it was marked."""
    changed = []
    for g in row.exercises:
        mark = marks.get((row.key, g.id))
        if g.state != "manual" or mark is None:
            continue
        differs = mark.flagged or (g.text or "").strip() != mark.text.strip()
        g.comment = mark.comment
        if mark.merged and not differs:
            g.marked, g.points = True, mark.points
        else:
            g.marked, g.points, g.previous = False, 0.0, mark.points
        if differs:
            g.note = CHANGED_NOTE
            changed.append(g.id)
    row.manual = [g.id for g in row.exercises if g.pending]
    return changed


def keep_previous(out: Path) -> Path | None:
    """Copy the files a new run would overwrite to ``OUT/previous/<time>/``; the copy's folder, if any."""
    out = Path(out)
    present = [f for f in KEPT if (out / f).is_file()]
    if not present:
        return None
    dest = out / "previous" / time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while dest.exists():
        n += 1
        dest = dest.with_name(f"{dest.name.split('.')[0]}.{n}")
    dest.mkdir(parents=True)
    for f in present:
        shutil.copy2(out / f, dest / f)
    return dest
