"""``make bench`` / ``clusterkit bench``: the course's speed and size figures.

Prints, from a checkout of the repository:

* clean build time of the whole book, and the no-change rebuild time;
* each page's HTML weight, and the shared static assets once;
* explorer update latency (median and p95) for every chapter's explorer, as a reader
  moving its sliders in a live kernel would cause it;
* ``import clusterkit`` time in a fresh interpreter;
* grading throughput (seconds per submission) when the grader is available;
* the student environment: a fresh venv from ``requirements.txt`` alone (the README and Binder
  route), its install time and its size, and the distributions that weigh most.

Figures are measurements on this machine, printed, not asserted: tests check behaviour.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"


def build_book(root: Path = ROOT, clean: bool = False, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Execute the chapters and build the HTML exactly as ``make book`` does (warnings are errors)."""
    if clean:
        shutil.rmtree(root / "_build", ignore_errors=True)
    env = {**os.environ, "CLUSTERKIT_BOOK": "1"}
    env.pop("CLUSTERKIT_GRADING", None)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run(
        [str(jupyter_book), "build", str(root), "-W", "-n", "--keep-going"],
        cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
    )


def _timed_build(clean: bool) -> float:
    t0 = time.perf_counter()
    result = build_book(clean=clean)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        sys.exit("the book did not build:\n" + "\n".join((result.stdout + result.stderr).splitlines()[-30:]))
    return elapsed


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def page_weights(html: Path = BUILD / "html") -> tuple[dict[str, int], int]:
    pages = {
        str(p.relative_to(html)): p.stat().st_size
        for p in sorted(html.rglob("*.html"))
        if "_static" not in p.parts and p.name not in ("search.html", "genindex.html")
    }
    return pages, _size(html / "_static")


def explorer_latency(rounds: int = 3) -> dict[str, tuple[float, float, int]]:
    """Per chapter explorer: (median ms, p95 ms, n) of live updates over every slider value."""
    from . import explorers

    out = {}
    for info in sorted(pkgutil.iter_modules(explorers.__path__), key=lambda m: m.name):
        if not info.name.startswith("ch"):
            continue
        module = importlib.import_module(f"{explorers.__name__}.{info.name}")
        explorer = module.explorer()
        box = explorer.widget()
        for _ in range(rounds):
            for param in explorer.params:
                for value in param.values():
                    box.sliders[param.name].value = value
                box.sliders[param.name].value = param.default
        timings = np.array(box.timings) * 1000
        out[info.name] = (float(np.median(timings)), float(np.percentile(timings, 95)), len(timings))
    return out


def import_time(runs: int = 7) -> float:
    """Median seconds for ``import clusterkit`` in a fresh interpreter, less bare start-up."""
    def run(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    base = statistics.median(run("pass") for _ in range(runs))
    full = statistics.median(run("import clusterkit") for _ in range(runs))
    return full - base


def student_environment(top: int = 8) -> None:
    """Print the install time and size of a fresh venv made from requirements.txt alone."""
    import tempfile

    from . import envsize

    mb = 1024 * 1024
    cache, cached = envsize.pip_cache()
    state = f"warm ({cached / mb:.0f} MB in {cache})" if cached else f"cold ({cache} empty)"
    print(f"\nStudent environment (python3.11 -m venv; pip install -r requirements.txt; pip cache {state})")
    with tempfile.TemporaryDirectory(prefix="clusterkit-student-") as tmp:
        venv = Path(tmp) / "venv"
        seconds = envsize.create_venv(venv)
        sizes = envsize.dist_sizes(venv)
        print(f"  install:        {seconds:7.1f} s")
        print(f"  site-packages:  {envsize.tree_size(envsize.site_packages(venv)) / mb:7.1f} MB")
        print(f"  whole venv:     {envsize.tree_size(venv) / mb:7.1f} MB  ({len(sizes)} distributions)")
        for name, size in list(sizes.items())[:top]:
            print(f"    {size / mb:6.1f} MB  {name}")


def main(build: bool = True, grading: bool = True, student: bool = True) -> None:
    kb = 1024
    if build:
        print("Book build (jupyter-book build -W -n --keep-going, CLUSTERKIT_BOOK=1)")
        clean = _timed_build(clean=True)
        print(f"  clean build:        {clean:7.1f} s")
        again = _timed_build(clean=False)
        print(f"  no-change rebuild:  {again:7.1f} s")
    if (BUILD / "html").is_dir():
        pages, static = page_weights()
        print("\nPage weight (HTML only; the shared static assets are counted once below)")
        for name, size in pages.items():
            print(f"  {size / kb:8.1f} KB  {name}")
        print(f"  shared static assets (_static): {static / kb / kb:.1f} MB")
        vendor = BUILD / "html" / "_static" / "vendor"
        if vendor.is_dir():
            for sub in sorted(vendor.iterdir()):
                print(f"    {_size(sub) / kb / kb:6.2f} MB  vendor/{sub.name}")
    print("\nExplorer update latency (live kernel: model + figure update per slider move)")
    for name, (median, p95, n) in explorer_latency().items():
        print(f"  {name}: median {median:6.1f} ms   p95 {p95:6.1f} ms   ({n} updates)")
    print(f"\nimport clusterkit: {import_time() * 1000:.0f} ms (fresh interpreter, start-up subtracted)")
    if grading:
        try:
            from .grading.bench import grade_throughput
        except ImportError:
            print("\nGrading throughput: grader not available")
        else:
            n = 30
            print(f"\nGrading throughput ({n} Chapter 0 submissions, --jobs = {os.cpu_count()} cores)")
            seconds = grade_throughput(n)
            print(f"  {seconds:.2f} s per submission ({seconds * n:.0f} s in all)")
            from .grading.bench import lms_class

            run = lms_class(30, endless=2, jobs=2)
            print(f"\nA Canvas class end to end (30 submissions + a copy, 2 functions that never return, roster, --jobs 2)")
            print(f"  {run['seconds']:.1f} s wall time; {run['rows']} gradebook rows ({run['absent']} roster student(s) "
                  f"with no submission), {run['timed_out']} row(s) 'timed out'; {run['export']}: {run['export_rows']} students")
    if student:
        student_environment()


if __name__ == "__main__":
    main()
