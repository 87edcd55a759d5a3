"""What the grader writes: the gradebook row, the status text, the student's feedback file."""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
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
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *ids, "total", "max", "status", "manual"])
    for r in sorted(rows, key=lambda r: r.student):
        pts = {g.id: fmt(g.points) for g in r.exercises}
        w.writerow([r.student, *(pts.get(i, "0") for i in ids), fmt(r.total), fmt(r.max), r.status, " ".join(r.manual)])
    return buf.getvalue()


def manual_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "exercise", "max", "points", "answer"])
    for r in sorted(rows, key=lambda r: r.student):
        for g in r.exercises:
            if g.state == "manual":
                w.writerow([r.student, g.id, fmt(g.max), "", g.text or ""])
    return buf.getvalue()


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_MARK = {"correct": "✔", "partial": "◐", "manual": "✎"}


def feedback_md(row: Row, chapter_title: str, chapter: int) -> str:
    """The student's feedback: points and public feedback per exercise, nothing hidden."""
    manual_pts = sum(g.max for g in row.exercises if g.state == "manual")
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
        out.append(f"| {g.id} | {fmt(g.points)} / {fmt(g.max)} | {g.state.replace('-', ' ')} |")
    for g in row.exercises:
        out += ["", f"## {g.id} — {fmt(g.points)} / {fmt(g.max)} {_MARK.get(g.state, '✘' if g.state != 'not-attempted' else '·')}", ""]
        out.append(f"> {g.prompt}")
        out.append("")
        if g.lines:
            out.extend(f"- {line}" for line in g.lines)
        if g.text:
            out += ["", "Your answer:", "", *(f"> {line}" for line in g.text.strip().splitlines())]
    return "\n".join(out) + "\n"
