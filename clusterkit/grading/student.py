"""The student side: ``check("<id>", answer)`` and ``check_all()`` in a chapter's notebook.

    from clusterkit import check
    n_zhejiang = ...   # your answer
    check("0.1", n_zhejiang)

Only the chapter's *public* spec is read (``clusterkit/grading/public/NN.json``, shipped in
the package, so this works offline in Binder, Colab or locally): ids, kinds, points,
prompts, public checks and hints. Reference answers and hidden checks are never loaded.
``check`` prints a verdict and a hint and never raises; ``...`` means "not attempted". A
function answer runs on the worked examples with a time limit (:data:`CALL_SECONDS`), so
that a loop that never ends does not hang the notebook.
Under the grader (``CLUSTERKIT_GRADING=1``) both functions do nothing: answers are read
from the notebook's variables after it has run.
"""
from __future__ import annotations

import ctypes
import functools
import json
import os
import signal
import sys
import textwrap
import threading
from importlib import resources
from typing import Any

from .checks import CLOSE_HINT, Verdict, evaluate, mark
from .plain import from_plain, to_plain

_last_chapter: int | None = None

#: Lines printed by check() and check_all() fit the book's column.
WIDTH = 88

#: Seconds a student's function may take on one worked example in check().
CALL_SECONDS = 5.0


class _TimeUp(BaseException):
    """Raised into a student's function when it runs too long (a BaseException, so that an
    ``except Exception`` in the student's loop does not swallow it)."""


class UnknownExercise(KeyError):
    pass


@functools.lru_cache(maxsize=None)
def public_spec(chapter: int) -> dict:
    """A chapter's public spec (raises UnknownExercise when there is none)."""
    path = resources.files("clusterkit.grading") / "public" / f"{chapter:02d}.json"
    if not path.is_file():
        raise UnknownExercise(f"no exercises for chapter {chapter}")
    return json.loads(path.read_text(encoding="utf-8"))


def _chapter_of(ex_id: str) -> int:
    head = ex_id.split(".", 1)[0]
    if not head.isdigit():
        raise UnknownExercise(f"exercise ids look like '0.1' (chapter.number), not {ex_id!r}")
    return int(head)


def _exercise(ex_id: str) -> dict:
    spec = public_spec(_chapter_of(ex_id))
    for ex in spec["exercises"]:
        if ex["id"] == ex_id:
            return ex
    known = ", ".join(e["id"] for e in spec["exercises"])
    raise UnknownExercise(f"there is no exercise {ex_id!r} (this chapter has {known})")


def _grading() -> bool:
    return os.environ.get("CLUSTERKIT_GRADING") == "1"


def _limited(fn: Any, args: list, seconds: float) -> Any:
    """``fn(*args)``, stopped with :class:`_TimeUp` after ``seconds``.

    In the main thread (a Jupyter kernel runs cells there) a timer signal interrupts the
    function wherever it is in Python code; elsewhere (or when the process's timer is already
    in use, e.g. by pytest-timeout) it runs in a helper thread, and an exception is injected
    into that thread when time is up."""
    if not seconds or seconds <= 0:
        return fn(*args)
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if main and signal.getitimer(signal.ITIMER_REAL)[0] == 0:  # the process's one timer, unless someone else uses it
        def _alarm(signum, frame):  # noqa: ARG001
            raise _TimeUp()

        try:
            old = signal.signal(signal.SIGALRM, _alarm)
        except (ValueError, OSError):
            old = False  # signals not available here: use a thread
        if old is not False:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                return fn(*args)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old if old is not None else signal.SIG_DFL)
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="clusterkit-check")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():  # stop it at its next Python instruction
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_TimeUp))
        raise _TimeUp()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _caller(fn: Any, seconds: float | None = None):
    """Run a student's function on plain arguments, for worked-example checks (each call
    stopped after ``seconds``, by default :data:`CALL_SECONDS`)."""

    def call(args: list) -> dict:
        limit = CALL_SECONDS if seconds is None else seconds
        try:
            objs = [from_plain(a) for a in args]
            before = [to_plain(o) for o in objs]
            try:
                result = _limited(fn, objs, limit)
            except _TimeUp:
                return {"error": "timed out", "seconds": limit}
            out = {"value": to_plain(result)}
            try:
                out["mutated"] = [to_plain(o) for o in objs] != before
            except Exception:  # noqa: BLE001
                pass
            return out
        except Exception as exc:  # noqa: BLE001 - the student's code may raise anything
            msg = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
            return {"error": f"{type(exc).__name__}" + (f": {msg}" if msg else "")}

    return call


def evaluate_answer(ex_id: str, value: Any) -> Verdict:
    """The public verdict on ``value`` for exercise ``ex_id`` (no printing)."""
    ex = _exercise(ex_id)
    plain = to_plain(value)
    call = _caller(value) if ex["kind"] == "function" and callable(value) else None
    return evaluate(ex, plain, call)


def _pts(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def _wrap(text: str, indent: str = "      ") -> str:
    """``text`` wrapped to :data:`WIDTH` columns, continuation lines indented."""
    return "\n".join(
        textwrap.fill(line, WIDTH, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)
        for line in text.splitlines()
    )


def _format(ex: dict, verdict: Verdict) -> str:
    head = f"[{ex['id']}]"
    pts = _pts(ex["points"])
    if verdict.state == "not-attempted":
        return _wrap(f"{head} not attempted yet — {verdict.hint}")
    if verdict.state == "missing":
        return _wrap(f"{head} {verdict.hint}")
    lines: list[str] = []
    if verdict.state == "correct":
        lines.append(f"{head} ✔ Correct! ({pts} when graded)")
    elif verdict.state == "manual":
        n = next((m for ok, m in verdict.messages if m.endswith("words")), "")
        lines.append(f"{head} • Answer recorded ({n}); it will be graded by your instructor ({pts}).")
    elif verdict.state == "passed" and ex["kind"] == "function":
        done = "; ".join(m for ok, m in verdict.messages if ok)
        lines.append(f"{head} ✔ Passes the public checks" + (f" ({done})" if done else "")
                     + f"; hidden tests will call it on other inputs when graded ({pts}).")
    elif verdict.state == "passed":
        recorded = next((m for ok, m in verdict.messages if m.startswith("answer recorded")), None)
        if recorded:  # a choice: valid, and nothing more can be said before grading
            lines.append(f"{head} • A{recorded[1:]}; whether it is right is marked when graded ({pts}).")
        else:
            seen = "; ".join(m for ok, m in verdict.messages if ok is None)
            lines.append(f"{head} • Answer recorded" + (f" ({seen})" if seen else "")
                         + f"; whether it is right is marked when graded ({pts}).")
    else:
        failed = [m for ok, m in verdict.messages if ok is False]
        parts = [(ok, m) for ok, m in verdict.messages if ":" in m and m.split(":", 1)[1].strip().startswith(("matches", "does not match", "close"))]
        if verdict.state == "wrong-type":
            lines.append(f"{head} ✘ {failed[0] if failed else 'Wrong type of answer.'}")
        elif parts:
            lines.append(f"{head} ✘ Not everything matches yet:")
            for ok, m in parts:
                lines.append(f"      {mark(ok)} {m}")
        else:
            lines.append(f"{head} ✘ {failed[0] if failed else 'Not the expected answer yet.'}")
    shown = " ".join(lines)
    if verdict.hint and verdict.state in ("wrong-type", "failed") and verdict.hint.rstrip(".") not in shown:
        lines.append(f"      Hint: {verdict.hint}")
    lines.extend(f"      Note: {n}" for n in verdict.notes)
    return "\n".join(_wrap(line, _continuation(line)) for line in lines)


def _continuation(line: str) -> str:
    """The indent of a wrapped line's continuation: under the text, past the mark or label."""
    lead = len(line) - len(line.lstrip())
    return " " * (lead + (6 if line.startswith("[") else 2))


def check(ex_id: Any, value: Any = Ellipsis) -> None:
    """Check an answer against the exercise's public checks and print a verdict with a hint."""
    global _last_chapter
    if _grading():
        return
    try:
        if not isinstance(ex_id, str):
            print("check() takes the exercise id first, as text, then your answer: e.g. check(\"0.1\", n_zhejiang)")
            return
        ex = _exercise(ex_id.strip())
        _last_chapter = _chapter_of(ex["id"])
        print(_format(ex, evaluate_answer(ex["id"], value)))
    except UnknownExercise as exc:
        print(f"check: {exc.args[0]}")
    except Exception as exc:  # noqa: BLE001 - never a traceback for a student
        print(f"[{ex_id}] could not check this answer ({type(exc).__name__}: {exc}). Is it a plain value, table or function?")


def _guess_chapter(namespace: dict) -> int | None:
    best, best_n = None, 0
    root = resources.files("clusterkit.grading") / "public"
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json") or not entry.name[:2].isdigit():
            continue
        spec = public_spec(int(entry.name[:2]))
        n = sum(1 for ex in spec["exercises"] if ex["variable"] in namespace)
        if n > best_n:
            best, best_n = spec["chapter"], n
    return best


def progress(chapter: int, namespace: dict) -> list[tuple[dict, Verdict]]:
    """Every exercise of a chapter with the public verdict on its variable in ``namespace``."""
    out = []
    for ex in public_spec(chapter)["exercises"]:
        if ex["variable"] not in namespace:
            out.append((ex, Verdict("missing", [], f"no variable {ex['variable']} yet")))
            continue
        try:
            out.append((ex, evaluate_answer(ex["id"], namespace[ex["variable"]])))
        except Exception as exc:  # noqa: BLE001
            out.append((ex, Verdict("failed", [(False, str(exc))], None)))
    return out


def _heading(spec: dict) -> str:
    """check_all()'s first line: the chapter's title, or its short title where the full one
    does not fit the column; a title too long for either is wrapped, never cut."""
    for title in (spec["title"], spec.get("short_title") or spec["title"]):
        head = f"Chapter {spec['chapter']} — {title}: your progress"
        if len(head) <= WIDTH:
            return head
    return _wrap(head, "  ")


def check_all(chapter: int | None = None) -> None:
    """Print a summary of the chapter's exercises: which pass the public checks, points available."""
    if _grading():
        return
    try:
        namespace = sys._getframe(1).f_globals
        if chapter is None:
            chapter = _last_chapter if _last_chapter is not None else _guess_chapter(namespace)
        if chapter is None:
            print("check_all: no exercises found here; call check_all(0) with the chapter number.")
            return
        spec = public_spec(int(chapter))
        rows = progress(int(chapter), namespace)
        print(_heading(spec))
        label = {
            "correct": "✔ correct",
            "manual": "• written (graded by your instructor)",
            "not-attempted": "· not attempted",
            "missing": "· not answered yet",
            "wrong-type": "✘ wrong type",
            "failed": "✘ not right yet",
        }
        width = max(len(ex["variable"]) for ex, _ in rows)
        for ex, v in rows:
            if v.state == "failed" and (v.hint == CLOSE_HINT or any(m == CLOSE_HINT for _, m in v.messages)):
                text = "✘ close: did you round? keep full precision"
            elif v.state == "passed":
                text = "✔ public checks pass; hidden tests when graded" if ex["kind"] == "function" else "• recorded; marked when graded"
            else:
                text = label.get(v.state, v.state)
            print(f"  {ex['id']:<5} {ex['variable']:<{width}}  {_pts(ex['points']):<9} {text}")
        count = {s: sum(1 for _, v in rows if v.state == s) for s in ("correct", "passed", "manual", "failed", "wrong-type")}
        todo = len(rows) - sum(count.values())
        summary = [f"{count['correct']} of {len(rows)} confirmed correct"]
        if count["passed"] + count["manual"]:
            summary.append(f"{count['passed'] + count['manual']} recorded (marked when graded)")
        if count["failed"] + count["wrong-type"]:
            summary.append(f"{count['failed'] + count['wrong-type']} to fix")
        summary.append(f"{todo} to go" if todo else "all answered")
        print(_wrap("; ".join(summary) + ".", "  "))
        total = sum(ex["points"] for ex, _ in rows)
        manual = sum(ex["points"] for ex, _ in rows if ex.get("manual"))
        print(_wrap(f"Points available: {total:g} ({total - manual:g} auto-graded, {manual:g} graded by your instructor).", "  "))
    except UnknownExercise as exc:
        print(f"check_all: {exc.args[0]}")
    except Exception as exc:  # noqa: BLE001
        print(f"check_all: could not summarise ({type(exc).__name__}: {exc})")
