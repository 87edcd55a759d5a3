"""What the grader writes: the gradebook row, the status text, the student's feedback file,
the sheet of written answers to mark (``manual.csv``). Marks, ``results.json`` and
``clusterkit merge`` are in :mod:`.marks`; the learning platforms' import files in :mod:`.lms`.

Written (manual) answers stay BLANK in ``gradebook.csv`` until they are marked, so that a
learning platform importing the gradebook records no zero for them.
"""
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
    marked: bool = False  # a manual answer the instructor has marked (points merged from manual.csv)
    comment: str = ""  # the instructor's comment on a manual answer
    timed_out: bool = False  # a function answer stopped on a call that did not finish in time
    note: str = ""  # for the instructor, in manual.csv (e.g. "the answer changed since it was marked")
    previous: float | None = None  # a mark carried from an earlier run, waiting in manual.csv for `merge`

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
    name: str = ""  # as the LMS or the roster writes it (the feedback's title)
    lms: str = ""
    lms_id: str = ""
    late: bool = False
    email: str = ""
    sid: str = ""
    roster: dict = field(default_factory=dict)  # the student's row of the roster, when one was given

    @property
    def who(self) -> str:
        """The student's name for people to read."""
        return self.name or self.student

    @property
    def key(self) -> str:
        """What identifies the student across runs: the LMS id, else the ``student`` key."""
        return f"{self.lms}:{self.lms_id}" if self.lms_id else self.student

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
    if what == "output":  # restarted or not depends on how fast the kernel drains its output: not said here (see the log)
        return f"code cell {n} printed too much output (stopped)"
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
    slow = [g.id for g in graded if g.timed_out]
    if slow:
        parts.append("timed out: " + ", ".join(slow) + " (a function did not finish)")
    parts.extend(f"note: {n}" for n in notes)
    return "; ".join(parts)


def gradebook_csv(rows: list[Row], ids: list[str]) -> str:
    """One row per submission. A written answer waiting for its mark is a blank cell (not 0);
    ``total`` adds up the points given so far and ``manual`` lists what waits for a mark."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "name", "lms_id", "late", *ids, "total", "max", "status", "manual", "source"])
    for r in sorted(rows, key=lambda r: r.student.lower()):
        if not r.exercises:  # a roster student with no submission: nothing to record yet
            w.writerow([r.student, _cell_text(r.who), r.lms_id, "", *([""] * len(ids)), "", "", r.status, "", ""])
            continue
        pts = {g.id: "" if g.pending else fmt(g.points) for g in r.exercises}
        pending = [g.id for g in r.exercises if g.pending]
        w.writerow([r.student, _cell_text(r.who), r.lms_id, "late" if r.late else "", *(pts.get(i, "0") for i in ids),
                    fmt(r.total), fmt(r.max), r.status, " ".join(pending), _cell_text(r.source)])
    return buf.getvalue()


def _cell_text(text: str) -> str:
    """A student's text made safe for a spreadsheet (no formula: '=...' is shown as text)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def manual_csv(rows: list[Row], delimiter: str = ",") -> str:
    """Every written answer, with ``points`` and ``comment`` for the instructor to fill in (a mark
    carried from an earlier run and not merged yet stands in ``points``, for ``clusterkit merge``).
    ``delimiter=";"`` writes the sheet as a comma-decimal spreadsheet saves it (2,5 points)."""
    decimal = "," if delimiter == ";" else "."
    num = lambda x: fmt(x).replace(".", decimal)  # noqa: E731
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", delimiter=delimiter)
    w.writerow(["student", "exercise", "max", "points", "comment", "answer", "name", "note"])
    for r in sorted(rows, key=lambda r: r.student.lower()):
        for g in r.exercises:
            if g.state == "manual":
                answer = g.text or ("" if not r.status.startswith(UNREAD) else f"(not collected: {r.status})")
                points = num(g.points) if g.marked else (num(g.previous) if g.previous is not None else "")
                w.writerow([r.student, g.id, num(g.max), points, g.comment, _cell_text(answer), _cell_text(r.who), g.note])
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


#: Status words of a submission that could not be run at all.
UNREAD = ("invalid-notebook", "error:", "timeout:")


def feedback_md(row: Row, chapter_title: str, chapter: int) -> str:
    """The student's feedback: points and public feedback per exercise, nothing hidden."""
    manual_pts = sum(g.max for g in row.exercises if g.pending)
    out = [
        f"# Feedback for {row.who} — Chapter {chapter}: {chapter_title}",
        "",
        f"**Points: {fmt(row.total)} of {fmt(row.max)}**"
        + (f" ({fmt(manual_pts)} more to be graded by your instructor)" if manual_pts else ""),
        "",
        f"Run: {row.status}",
        "",
    ]
    if row.status.startswith(UNREAD):
        out += [
            "**Your notebook could not be graded**, so no answer in it could be read. Open the file you "
            "submitted in Jupyter: it should open, and run from the top (Kernel → Restart Kernel and Run All "
            "Cells) without stopping. Save it, and submit that file again; if it will not open, ask your "
            "instructor, who has the details of what went wrong.",
            "",
        ]
    out += [
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
        if g.comment and g.marked:  # a comment waiting with its mark in manual.csv is not published yet
            out += ["", "Your instructor's comment:", "", *_quote(g.comment)]
    return "\n".join(out).rstrip() + "\n"
