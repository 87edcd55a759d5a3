"""What the grader writes: the gradebook row, the status text, the student's feedback file;
and :func:`merge_marks`, which brings the marks an instructor gives written answers (in
``OUT/manual.csv``) into the gradebook and the feedback files.

Written (manual) answers stay BLANK in ``gradebook.csv`` until they are marked, so that a
learning platform importing the gradebook records no zero for them.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Graded:
    """One exercise of one submission: points and public feedback only."""

    id: str
    prompt: str
    max: float
    points: float = 0.0
    state: str = "not-attempted"  # correct | partial | wrong | wrong-type | not-attempted | missing | unreadable | manual
    lines: list[str] = field(default_factory=list)
    text: str | None = None  # a written answer, for manual grading
    marked: bool = False  # a manual answer the instructor has marked (points merged from manual.csv)
    comment: str = ""  # the instructor's comment on a manual answer

    @property
    def pending(self) -> bool:
        """A written answer that waits for the instructor's mark."""
        return self.state == "manual" and not self.marked


@dataclass
class Row:
    student: str
    source: str
    status: str
    exercises: list[Graded]
    manual: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(g.points for g in self.exercises), 2)

    @property
    def max(self) -> float:
        return round(sum(g.max for g in self.exercises), 2)


def fmt(x: float) -> str:
    """Points as the gradebook writes them: 3, 2.4, 0."""
    return f"{round(x, 2):g}"


def _name(text: str) -> str:
    """An exception's name as reported by the kernel, reduced to a safe identifier."""
    return re.sub(r"[^\w.]", "", str(text))[:60]


def _cell_event(e: dict) -> str:
    n = e["n"]
    what = e["what"]
    if what == "error":
        return f"code cell {n} raised {_name(e.get('ename', '')) or 'an error'}"
    if what == "timeout":
        if e.get("interrupted"):
            return f"code cell {n} timed out (interrupted)"
        return f"code cell {n} timed out and ignored the interrupt (kernel restarted)"
    if what == "output":
        return f"code cell {n} printed too much output (stopped)" + ("" if e.get("interrupted") else " (kernel restarted)")
    if what == "dead":
        return f"code cell {n} stopped the kernel (restarted)"
    if what == "replay-failed":
        return f"code cell {n} failed when replayed after a restart"
    if what == "grader-error":
        return f"the grader lost contact with the kernel ({_name(e.get('ename', ''))})"
    if what == "skipped":
        return f"cells from code cell {n} on were not run"
    return f"code cell {n}: {what}"


def status(result: dict | None, graded: list[Graded], notes: list[str], invalid: str | None = None) -> str:
    """The gradebook's ``status``: what happened to the run, then answers that were not usable."""
    if invalid:
        return invalid
    parts: list[str] = []
    if result is not None and result.get("fatal"):
        return "; ".join(["error: could not run the notebook (" + result["fatal"][:120] + ")", *(f"note: {n}" for n in notes)])
    else:
        events = [_cell_event(e) for e in (result or {}).get("events", [])]
        if (result or {}).get("run_limit_hit"):
            events.append("whole-run time limit reached")
        if events:
            shown = events[:4] + ([f"{len(events) - 4} more"] if len(events) > 4 else [])
            head = "partial: " + "; ".join(shown)
        else:
            head = "ok"
    parts.append(head)
    for state, label in (
        ("missing", "missing"),
        ("wrong-type", "wrong type"),
        ("unreadable", "unreadable"),
        ("not-attempted", "not attempted"),
    ):
        ids = [g.id for g in graded if g.state == state]
        if ids:
            parts.append(f"{label}: " + ", ".join(ids))
    parts.extend(f"note: {n}" for n in notes)
    return "; ".join(parts)


def gradebook_csv(rows: list[Row], ids: list[str]) -> str:
    """One row per submission. A written answer waiting for its mark is a blank cell (not 0);
    ``total`` adds up the points given so far and ``manual`` lists what waits for a mark."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *ids, "total", "max", "status", "manual"])
    for r in sorted(rows, key=lambda r: r.student):
        pts = {g.id: "" if g.pending else fmt(g.points) for g in r.exercises}
        pending = [g.id for g in r.exercises if g.pending]
        w.writerow([r.student, *(pts.get(i, "0") for i in ids), fmt(r.total), fmt(r.max), r.status, " ".join(pending)])
    return buf.getvalue()


def _cell_text(text: str) -> str:
    """A student's text made safe for a spreadsheet (no formula: '=...' is shown as text)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def manual_csv(rows: list[Row]) -> str:
    """Every written answer, with ``points`` and ``comment`` for the instructor to fill in."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "exercise", "max", "points", "comment", "answer"])
    for r in sorted(rows, key=lambda r: r.student):
        for g in r.exercises:
            if g.state == "manual":
                w.writerow([r.student, g.id, fmt(g.max), fmt(g.points) if g.marked else "", g.comment, _cell_text(g.text or "")])
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_MARK = {"correct": "✔", "partial": "◐", "manual": "✎"}


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in text.strip().splitlines()] or [">"]


def _points(g: Graded) -> str:
    return f"– / {fmt(g.max)}" if g.pending else f"{fmt(g.points)} / {fmt(g.max)}"


def _result(g: Graded) -> str:
    if g.state == "manual":
        return "marked by your instructor" if g.marked else "to be marked by your instructor"
    return g.state.replace("-", " ")


def feedback_md(row: Row, chapter_title: str, chapter: int) -> str:
    """The student's feedback: points and public feedback per exercise, nothing hidden."""
    manual_pts = sum(g.max for g in row.exercises if g.pending)
    out = [
        f"# Chapter {chapter} — {chapter_title}: feedback for {row.student}",
        "",
        f"**Points: {fmt(row.total)} of {fmt(row.max)}**"
        + (f" ({fmt(manual_pts)} more to be graded by your instructor)" if manual_pts else ""),
        "",
        f"Run: {row.status}",
        "",
        "| exercise | points | result |",
        "|---|---|---|",
    ]
    for g in row.exercises:
        out.append(f"| {g.id} | {_points(g)} | {_result(g)} |")
    for g in row.exercises:
        mark = _MARK.get(g.state, "✘" if g.state != "not-attempted" else "·")
        after = " (marked by your instructor)" if g.pending else ""
        out += ["", f"## {g.id} — {_points(g)}{after} {mark}", ""]
        out += _quote(g.prompt)
        out.append("")
        if g.lines:
            out.extend(f"- {line}" for line in g.lines)
        if g.text:
            out += ["", "Your answer:", "", *_quote(g.text)]
        if g.comment:
            out += ["", "Your instructor's comment:", "", *_quote(g.comment)]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- results and marks

RESULTS = "results.json"


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


class MarksError(ValueError):
    """The marks file cannot be merged (the message lists every problem)."""


def _read_marks(path: Path, rows: list[Row]) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(student, exercise) → (points or None when blank, comment); every problem is collected."""
    manual = {(r.student, g.id): g for r in rows for g in r.exercises if g.state == "manual"}
    marks, problems = {}, []
    with open(path, newline="", encoding="utf-8-sig") as fh:  # -sig: a spreadsheet may add a BOM
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"student", "exercise", "points"} <= set(reader.fieldnames):
            raise MarksError(f"{path.name} needs the columns student, exercise and points")
        for n, rec in enumerate(reader, start=2):
            key = ((rec.get("student") or "").strip(), (rec.get("exercise") or "").strip())
            if key not in manual:
                problems.append(f"line {n}: {key[0]!r} has no written answer {key[1]!r} in this gradebook")
                continue
            text = (rec.get("points") or "").strip().replace(",", ".")
            comment = (rec.get("comment") or "").strip()
            if not text:
                marks[key] = (None, comment)
                continue
            try:
                value = float(text)
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


def merge_marks(out: Path, marks_file: Path | None = None) -> tuple[int, int]:
    """Merge the marks in ``marks_file`` (default ``OUT/manual.csv``, ``points`` filled in) into
    ``OUT/gradebook.csv``, the feedback files and ``OUT/results.json``. Blank points leave an
    answer waiting (blank in the gradebook). Can be run again after changing marks.
    Returns (answers marked, answers still waiting); raises :class:`MarksError` and changes
    nothing when a mark is not a number, is out of range, or names no written answer."""
    out = Path(out)
    rows, chapter, title, ids = load_results(out)
    marks = _read_marks(Path(marks_file) if marks_file else out / "manual.csv", rows)
    done = waiting = 0
    for r in rows:
        for g in r.exercises:
            if g.state != "manual":
                continue
            points, comment = marks.get((r.student, g.id), (None, ""))
            g.marked, g.points, g.comment = points is not None, points or 0.0, comment
            done += g.marked
            waiting += not g.marked
        r.manual = [g.id for g in r.exercises if g.pending]
    (out / "feedback").mkdir(exist_ok=True)
    for r in rows:
        write_atomic(out / "feedback" / f"{r.student}.md", feedback_md(r, title, chapter))
    write_atomic(out / "gradebook.csv", gradebook_csv(rows, ids))
    write_atomic(out / RESULTS, results_json(rows, chapter, title, ids))
    return done, waiting
