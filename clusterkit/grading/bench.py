"""Grading throughput: seconds per submission for a class of Chapter 0 notebooks.

    from clusterkit.grading.bench import grade_throughput
    grade_throughput(30)     # -> seconds per submission (wall time / n), default --jobs

Needs a source checkout: the submissions are built from ``notebooks/00_clusters.ipynb`` by
``tests/grading_corpus/make_corpus.py`` (a realistic mix: right, partly right, wrong types,
untouched, a missing answer, a cell that raises — no timeouts, which would only measure the
time limit).
"""
from __future__ import annotations

import importlib.util
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MIX = ["right", "partly_right", "wrong_type", "untouched", "answer_missing", "exception_cell"]


def _maker():
    path = REPO / "tests" / "grading_corpus" / "make_corpus.py"
    if not path.is_file():
        raise FileNotFoundError(f"the grading benchmark needs a source checkout ({path} is missing)")
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def grade_throughput(n: int = 30, jobs: int | None = None, keep: Path | None = None) -> float:
    """Grade ``n`` Chapter 0 submissions with ``jobs`` workers; return seconds per submission."""
    from .grader import grade

    maker = _maker()
    root = Path(tempfile.mkdtemp(prefix="ck-bench-"))
    try:
        one = root / "one"
        maker.build(one, REPO / "notebooks" / "00_clusters.ipynb", REPO / "exercises", root / "out", 9, root, only=MIX)
        subs = root / "submissions"
        subs.mkdir()
        for i in range(n):
            src = one / f"{MIX[i % len(MIX)]}.ipynb"
            shutil.copy(src, subs / f"student{i + 1:03d}.ipynb")
        t0 = time.perf_counter()
        report = grade(subs, 0, root / "out", jobs=jobs, key_dir=REPO / "exercises", progress=False)
        seconds = time.perf_counter() - t0
        if not report.complete:
            raise RuntimeError("the benchmark run lost rows")
        if keep is not None:
            shutil.copytree(root / "out", keep, dirs_exist_ok=True)
        return seconds / n
    finally:
        shutil.rmtree(root, ignore_errors=True)


def lms_class(n: int = 30, endless: int = 2, jobs: int | None = 2, lms: str = "canvas") -> dict:
    """A class of ``n`` submissions named as ``lms`` exports them (``endless`` with a function that
    never returns), graded end to end with its roster, as ``clusterkit grade`` does. Returns the
    wall time, rows, the import file's rows and what was reported."""
    import csv

    from .grader import grade

    maker = _maker()
    root = Path(tempfile.mkdtemp(prefix="ck-bench-lms-"))
    try:
        corpus = root / "corpus"
        maker.build(corpus, REPO / "notebooks" / "00_clusters.ipynb", REPO / "exercises", root / "out", 9, root,
                    only=maker.CLASS_MIX + ["endless_function"])
        made = maker.lms_class(root, corpus, n=n, endless=endless, lms=lms)
        t0 = time.perf_counter()
        report = grade(made["subs"], 0, root / "out", jobs=jobs, key_dir=REPO / "exercises", progress=False, roster=made["roster"])
        seconds = time.perf_counter() - t0
        export = report.exports.get(lms)
        with open(export, newline="", encoding="utf-8") as fh:
            imported = list(csv.reader(fh))
        return {"seconds": seconds, "n": n, "rows": len(report.rows), "complete": report.complete,
                "timed_out": sum(1 for r in report.rows if "timed out" in r.status), "absent": len(report.absent),
                "export_rows": len(imported) - (2 if lms == "canvas" else 1), "export": export.name}
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":  # python -m clusterkit.grading.bench
    print(f"{grade_throughput():.2f} s per submission")
    print(lms_class())
