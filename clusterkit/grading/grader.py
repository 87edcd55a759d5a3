"""The instructor's grader: many submissions, in parallel, each in its own sandboxed worker.

    from clusterkit.grading.grader import grade
    report = grade(Path("submissions.zip"), chapter=0, out=Path("out"))

The key (exercise definitions with reference answers and hidden checks) is loaded here, in
the grader's process, and nowhere else. Each submission goes to a worker process
(``runner.py``) that runs it in a sandbox and sends back its answers as plain data; the
comparison with the key happens here. Whatever a submission does, it gets a row.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from . import checks, sandbox
from .feedback import Graded, Row, feedback_md, fmt, gradebook_csv, manual_csv, status, write_atomic
from .lms import Roster, read_roster, several_notebooks, write_exports
from .marks import RESULTS, apply_marks, keep_previous, previous_marks, results_json, sheet_delimiter
from .plain import from_plain, to_plain
from .spec import Chapter, Exercise, Function, SpecError, Text, ascii_minus, default_key_dir, find_chapter, load_chapter
from .submissions import Submission, SubmissionsError, collect, parse

RUNNER = Path(__file__).with_name("runner.py")
#: Extra seconds the grader waits for a worker beyond the run limit before killing it.
WORKER_GRACE = 30.0


@dataclass
class Key:
    """A chapter's key, prepared once: public spec, calls and expected outputs."""

    chapter: Chapter
    public: dict
    calls: dict[str, list[list[dict]]] = field(default_factory=dict)
    expected: dict[str, list[dict]] = field(default_factory=dict)
    before: dict[str, list[list[dict]]] = field(default_factory=dict)

    @classmethod
    def load(cls, key_dir: Path, number: int) -> Key:
        chapter = load_chapter(find_chapter(key_dir, number))
        key = cls(chapter=chapter, public=chapter.public())
        for ex in chapter.exercises:
            try:
                ex.reference()
                if isinstance(ex, Function):
                    key.calls[ex.id] = ex.calls()
                    key.expected[ex.id] = ex.expected_outputs()
                    key.before[ex.id] = ex.inputs_as_sent(key.calls[ex.id])
            except Exception as exc:  # noqa: BLE001 - a broken key must stop the run with a clear message
                raise SpecError(f"exercise {ex.id}: the reference answer could not be computed ({type(exc).__name__}: {exc})") from exc
        return key

    @property
    def ids(self) -> list[str]:
        return [ex.id for ex in self.chapter.exercises]


@dataclass
class Report:
    out: Path
    rows: list[Row]
    submissions: int
    isolation: dict | None
    seconds: float
    kept_marks: int = 0  # marks of written answers carried over from an earlier run into this folder
    changed_answers: list[str] = field(default_factory=list)  # "student exercise" whose answer changed since marked
    orphan_marks: int = 0  # earlier marks whose submission is not in this run (kept in previous/)
    previous: Path | None = None  # where the earlier run's files were copied
    absent: list[Row] = field(default_factory=list)  # roster students with no submission
    unknown: list[Row] = field(default_factory=list)  # submissions whose student is not on the roster
    several: list[str] = field(default_factory=list)  # students with more than one notebook
    exports: dict = field(default_factory=dict)  # platform → import file

    @property
    def complete(self) -> bool:
        return len([r for r in self.rows if r.exercises]) == self.submissions


def _lines(verdict: checks.Verdict, notes: bool = True) -> list[str]:
    """The public checks' messages with their marks (✔ verified, ✘ failed, • recorded)."""
    return [f"{checks.mark(ok)} {m}" for ok, m in verdict.messages if m] + ([f"Note: {n}" for n in verdict.notes] if notes else [])


def grade_exercise(ex: Exercise, pub: dict, answer: dict, results: list[dict], expected: list[dict],
                   before: list[list[dict]] | None = None) -> Graded:
    """Points and public feedback for one answer (plain data; the key stays here)."""
    g = Graded(id=ex.id, prompt=ascii_minus(ex.prompt.strip()), max=float(ex.points))
    if answer.get("type") == "unreadable":
        g.state = "unreadable"
        g.lines.append(f"Your answer could not be read: {answer.get('error', 'unknown problem')}.")
        return g
    by_args = {}
    for args, res in zip([c["args"] for c in pub["checks"] if c["check"] == "example"], results):
        by_args[json.dumps(args, sort_keys=True)] = res

    def call(args: list) -> dict:
        res = by_args.get(json.dumps(args, sort_keys=True), {"error": "not run"})
        if "args_after" in res:
            res = dict(res, mutated=res["args_after"] != [to_plain(from_plain(a)) for a in args])
        return res

    verdict = checks.evaluate(pub, answer, call)
    if verdict.state in ("not-attempted", "missing"):
        g.state = verdict.state
        g.lines.append("Not attempted." if verdict.state == "not-attempted" else f"No variable {ex.variable} was found in the notebook.")
        return g
    if verdict.state == "wrong-type":
        g.state = "wrong-type"
        g.lines.extend(f"✘ {m}" for _, m in verdict.messages)
        if verdict.hint:
            g.lines.append(f"Hint: {verdict.hint}")
        return g
    if isinstance(ex, Text):
        g.state = "manual"
        g.text = answer.get("value", "")
        g.lines.extend(_lines(verdict))
        g.lines.extend(ex.grade(answer, []).feedback)
        return g
    if isinstance(ex, Function):
        score = ex.grade(answer, results, expected, before)
        g.timed_out = any(str(r.get("error", "")).startswith(("timed out", "not run: the time")) for r in results)
    else:
        score = ex.grade(answer, results)
    g.points = round(ex.points * score.fraction, 2)
    g.state = "correct" if score.fraction >= 1 - 1e-9 else ("partial" if score.fraction > 0 else "wrong")
    g.lines.extend(_lines(verdict, notes=not isinstance(ex, Function)))  # a Function's grade reports changed inputs itself
    for line in score.feedback:
        if not any(line in shown for shown in g.lines):  # e.g. "Close — did you round?" said by both
            g.lines.append(line)
    g.lines = [ascii_minus(line) for line in g.lines]
    return g


def _job(sub_parsed, sub: Submission, key: Key, limits: sandbox.Limits, slot: int, hide: list[str], tmp_root: str | None) -> dict:
    answers = []
    for ex in key.chapter.exercises:
        answers.append({"id": ex.id, "variable": ex.variable, "calls": key.calls.get(ex.id)})
    return {
        "student": sub.student,
        "cells": sub_parsed.cells,
        "notebook": sub_parsed.text,
        "notebook_name": "submission.ipynb",
        "answers": answers,
        "limits": asdict(limits),
        "hide": hide,
        "slot": slot,
        "python": sys.executable,
        "expose": _runtime_paths(),
        "tmp_root": tmp_root,
    }


def _runtime_paths() -> list[str]:
    """What the kernel must be able to read: Python, the packages, this course's package and data."""
    from importlib import resources

    import clusterkit

    paths = [sys.prefix, sys.base_prefix, os.path.realpath(sys.executable), str(Path(clusterkit.__file__).parent)]
    try:
        paths.append(str(resources.files("clusterkit.datasets")))
    except (ModuleNotFoundError, TypeError):
        pass
    paths += [p for p in sys.path if p and os.path.isabs(p) and os.path.exists(p)]
    return sorted(set(paths))


def run_worker(job: dict, timeout: float) -> tuple[dict | None, str]:
    """Run one worker; (its result or None, its stderr). Kills its process group on timeout."""
    proc = subprocess.Popen(
        [sys.executable, str(RUNNER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(json.dumps(job).encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        out, err = proc.communicate()
        return None, f"killed after {timeout:g} s\n" + err.decode("utf-8", "replace")[-20000:]
    text = err.decode("utf-8", "replace")[-20000:]
    try:
        return json.loads(out.decode("utf-8")), text
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, f"worker exited with {proc.returncode} and no result\n{text}"


def _unread(key: Key) -> list[Graded]:
    """The exercises of a submission that could not be run: 0 points, except written answers,
    which stay blank (waiting for the instructor, who may read the file by hand)."""
    out = []
    for ex in key.chapter.exercises:
        g = Graded(id=ex.id, prompt=ascii_minus(ex.prompt.strip()), max=float(ex.points))
        if isinstance(ex, Text):
            g.state, g.text = "manual", ""
        else:
            g.state = "unreadable"
        g.lines.append("Your notebook could not be read, so this answer could not be collected.")
        out.append(g)
    return out


def _with_identity(row: Row, sub: Submission) -> Row:
    row.name, row.lms, row.lms_id, row.late, row.email, row.sid = sub.name, sub.lms, sub.lms_id, sub.late, sub.email, sub.sid
    return row


def grade_one(
    sub: Submission, key: Key, limits: sandbox.Limits, slot: int, hide: list[str], tmp_root: str | None = None
) -> tuple[Row, dict | None, str]:
    """Grade one submission: (its row, the worker's raw result, log text). Never raises."""
    row, result, log = _grade_one(sub, key, limits, slot, hide, tmp_root)
    return _with_identity(row, sub), result, log


def _grade_one(
    sub: Submission, key: Key, limits: sandbox.Limits, slot: int, hide: list[str], tmp_root: str | None = None
) -> tuple[Row, dict | None, str]:
    ids = key.ids
    empty = _unread(key)
    if sub.error:
        return Row(sub.student, sub.source, sub.error, empty), None, sub.error
    parsed = parse(sub.data or b"")
    if isinstance(parsed, str):
        return Row(sub.student, sub.source, parsed, empty), None, parsed
    job = _job(parsed, sub, key, limits, slot, hide, tmp_root)
    result, log = run_worker(job, limits.run_timeout + limits.startup_timeout + WORKER_GRACE)
    if result is None:
        st = f"timeout: grading took longer than {limits.run_timeout:g} s and was stopped" if log.startswith("killed") else "error: the grader's worker failed (see the log)"
        return Row(sub.student, sub.source, st, empty), None, log
    graded = []
    for ex, pub in zip(key.chapter.exercises, key.public["exercises"]):
        answer = result.get("answers", {}).get(ex.id)
        if answer is None:
            answer = {"type": "unreadable", "error": "the run ended before answers were read"}
        try:
            graded.append(grade_exercise(ex, pub, answer, result.get("calls", {}).get(ex.id, []), key.expected.get(ex.id, []),
                                         key.before.get(ex.id)))
        except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the row
            g = Graded(id=ex.id, prompt=ascii_minus(ex.prompt.strip()), max=float(ex.points), state="unreadable")
            g.lines.append(f"Could not be graded ({type(exc).__name__}); your instructor has the details in the log.")
            log += f"\nexercise {ex.id}: grading failed: {type(exc).__name__}: {exc}"
            graded.append(g)
    st = status(result, graded, parsed.notes)
    manual = [g.id for g in graded if g.state == "manual"]
    assert len(graded) == len(ids)
    return Row(sub.student, sub.source, st, graded, manual), result, log


def _hidden_paths(key_dir: Path, submissions: Path, out: Path) -> tuple[list[str], list[str]]:
    """Paths to hide from the kernels, and warnings about those that cannot be hidden
    (a folder that holds Python or the course's package, e.g. ``--out`` at the repository's root)."""
    paths = {key_dir, submissions, out}
    default = default_key_dir()
    if default:
        paths.add(default)
        git = default.parent / ".git"
        if git.exists():
            paths.add(git)
    needed = [Path(p).resolve() for p in _runtime_paths()]
    hide, warnings = [], []
    for p in sorted({p.resolve() for p in paths}):
        if any(n == p or p in n.parents for n in needed):
            warnings.append(f"{p} holds Python or the course package, so it cannot be hidden from the students' code")
        else:
            hide.append(str(p))
    return hide, warnings


def grade(
    submissions: Path,
    chapter: int,
    out: Path,
    jobs: int | None = None,
    key_dir: Path | None = None,
    limits: sandbox.Limits | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    roster: Path | None = None,
) -> Report:
    """Grade every submission; write the gradebook, feedback, manual-grading sheet, the learning
    platforms' import files and logs. Marks already given in ``out`` are kept (see :mod:`.marks`).
    Raises :class:`SubmissionsError`, :class:`SpecError`, :class:`MarksError` or
    :class:`RosterError` — before anything is written — when the input cannot be used."""
    t0 = time.monotonic()
    limits = limits or sandbox.Limits()
    key_dir = Path(key_dir) if key_dir else default_key_dir()
    if key_dir is None:
        raise SpecError("no exercise key found: pass --key DIR (a folder with NN_name.py exercise files)")
    sandbox.make_undumpable()  # the key is in this process's memory from here on
    key = Key.load(key_dir, chapter)
    nb_stem = Path(key.chapter.notebook).stem if key.chapter.notebook else None
    subs = collect(submissions, nb_stem)
    if not subs:
        raise SubmissionsError(f"no notebooks (.ipynb) found in {submissions}")
    class_list = Roster(read_roster(Path(roster))) if roster is not None else None
    out = Path(out)
    earlier = previous_marks(out, chapter)
    delimiter = sheet_delimiter(out / "manual.csv")  # written back as the instructor's spreadsheet saved it
    previous = keep_previous(out)
    kept: set[tuple[str, str]] = set()
    changed: list[str] = []
    unknown: list[Row] = []
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(parents=True, exist_ok=True)
    hide, hide_warnings = _hidden_paths(key_dir, Path(submissions), out)
    jobs = max(1, jobs or len(os.sched_getaffinity(0)))
    slots: queue.Queue[int] = queue.Queue()
    for s in range(jobs):
        slots.put(s)
    rows: list[Row] = []
    lock = threading.Lock()
    isolation: dict | None = None
    runlog = open(out / "logs" / "grade.log", "w", encoding="utf-8")  # noqa: SIM115
    tmp_root = tempfile.mkdtemp(prefix="ck-grading-")  # workers without a private /tmp work here
    os.chmod(tmp_root, 0o711)
    say = log or (lambda msg: None)

    def note(msg: str) -> None:
        runlog.write(msg + "\n")
        runlog.flush()

    note(f"chapter {chapter} ({key.chapter.title}); key {key_dir}; {len(subs)} submission(s); jobs {jobs}")
    note(f"limits: {json.dumps(asdict(limits))}")
    note(f"hidden from the kernels: {', '.join(hide)}")
    for w in hide_warnings:
        note(f"WARNING: {w}")
        say(f"warning: {w}")

    def task(sub: Submission) -> tuple[Row, dict | None, str, float]:
        slot = slots.get()
        t = time.monotonic()
        try:
            row, result, text = grade_one(sub, key, limits, slot, hide, tmp_root)
        except Exception as exc:  # noqa: BLE001 - never lose a row
            row = _with_identity(Row(sub.student, sub.source, f"error: grader failure ({type(exc).__name__})", _unread(key)), sub)
            result, text = None, repr(exc)
        finally:
            slots.put(slot)
        return row, result, text, time.monotonic() - t

    try:
        from tqdm import tqdm

        bar = tqdm(total=len(subs), unit="notebook", desc=f"grading chapter {chapter}", disable=not progress, file=sys.stderr)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(task, s): s for s in subs}
            for fut in as_completed(futures):
                row, result, text, secs = fut.result()
                with lock:
                    if class_list is not None and not class_list.apply(row):
                        unknown.append(row)
                    changed += [f"{row.student} {i}" for i in apply_marks(row, earlier)]
                    kept.update((row.key, g.id) for g in row.exercises if (row.key, g.id) in earlier and g.state == "manual")
                    rows.append(row)
                    if result and isolation is None:
                        isolation = result.get("isolation")
                        iso = sandbox.Isolation(**isolation)
                        note(f"isolation: {iso.summary()}")
                        for miss in iso.missing:
                            note(f"WARNING: no {miss}")
                            say(f"warning: the sandbox has no {miss}")
                    write_atomic(out / "feedback" / f"{row.student}.md", feedback_md(row, key.chapter.title, key.chapter.number))
                    detail = [
                        f"student: {row.student}", f"source: {row.source}", f"status: {row.status}",
                        f"points: {fmt(row.total)} / {fmt(row.max)}", f"seconds: {secs:.2f}",
                    ]
                    if result:
                        detail.append("events: " + json.dumps(result.get("events", []), ensure_ascii=False))
                        detail.append(f"restarts: {result.get('restarts')}; output bytes: {result.get('output_bytes')}")
                        detail.append("timings (s since the worker started): " + json.dumps(result.get("timings", {})))
                        if result.get("kernel_log"):
                            detail += ["--- kernel log (tail) ---", result["kernel_log"]]
                    if text:
                        detail += ["--- worker ---", text]
                    (out / "logs" / f"{row.student}.log").write_text("\n".join(detail) + "\n", encoding="utf-8")
                    note(f"{row.student}: {fmt(row.total)}/{fmt(row.max)} in {secs:.1f} s — {row.status}")
                    write_atomic(out / "gradebook.csv", gradebook_csv(rows, key.ids))
                bar.update(1)
        bar.close()
        absent = class_list.absent({r.student for r in rows}) if class_list is not None else []
        everyone = rows + absent
        write_atomic(out / "gradebook.csv", gradebook_csv(everyone, key.ids))
        write_atomic(out / "manual.csv", manual_csv(everyone, delimiter))
        write_atomic(out / RESULTS, results_json(everyone, key.chapter.number, key.chapter.title, key.ids))
        exports = write_exports(out, everyone, key.chapter.number, key.chapter.title)
        secs = time.monotonic() - t0
        note(f"done: {len(rows)} row(s) for {len(subs)} submission(s) in {secs:.1f} s")
        if earlier:
            note(f"marks kept from the earlier run: {len(kept)} of {len(earlier)} (earlier files in {previous})")
    finally:
        runlog.close()
        shutil.rmtree(tmp_root, ignore_errors=True)
    return Report(out=out, rows=everyone, submissions=len(subs), isolation=isolation, seconds=secs,
                  kept_marks=len(kept), changed_answers=sorted(changed), orphan_marks=len(set(earlier) - kept),
                  previous=previous, absent=absent, unknown=sorted(unknown, key=lambda r: r.student),
                  several=several_notebooks(rows), exports=exports)
