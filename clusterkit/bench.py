"""``make bench`` / ``clusterkit bench``: the course's speed and size figures.

Prints, from a checkout of the repository:

* clean build time of the whole book, and the no-change rebuild time;
* each page's HTML weight, and the shared static assets once;
* what a first visit to each page transfers, measured in headless Chromium against a local
  server that serves the precompressed copies as a static host does (``first_visit``);
* explorer update latency (median and p95) for every chapter's explorer, as a reader
  moving its sliders in a live kernel would cause it;
* ``import clusterkit`` time in a fresh interpreter;
* grading throughput (seconds per submission) when the grader is available;
* the student environment: a fresh venv from ``requirements.txt`` alone (the README and Binder
  route), its install time and its size, and the distributions that weigh most.

Figures are measurements on this machine, printed, not asserted: tests check behaviour.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import importlib
import io
import os
import pkgutil
import shutil
import statistics
import socketserver
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"


def _digest(root: Path, paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _code_digest(root: Path) -> str:
    """A digest of what the chapters' outputs depend on besides their own code: the package and the data."""
    return _digest(root, [*(root / "clusterkit").rglob("*.py"), *(root / "datasets").glob("*")])


def _book_digest(root: Path) -> str:
    """A digest of what Sphinx's saved environment holds besides the pages: configuration, contents, bibliography."""
    return _digest(root, [root / "_config.yml", root / "_toc.yml", *(root / "book" / "bib").glob("*.bib")])


def _forget(stamp: Path, digest: str, stale_dir: Path) -> bool:
    stale = stale_dir.exists() and (not stamp.exists() or stamp.read_text().strip() != digest)
    if stale:
        shutil.rmtree(stale_dir, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest + "\n")
    return stale


def forget_stale_outputs(root: Path = ROOT) -> bool:
    """Drop what an incremental build would wrongly keep; returns whether anything was dropped.

    * The execution cache, when the package or the data changed since it was filled: jupyter-cache
      re-executes a notebook only when the notebook's own code changes, so a chapter whose explorer
      or dataset changed would keep showing the old outputs.
    * Sphinx's saved environment (``_build/.doctrees``), when ``_config.yml``, ``_toc.yml`` or a
      bibliography changed: sphinxcontrib-bibtex kept the bibliography it had parsed, and a chapter's
      new ``.bib`` file gave "could not find bibtex key" on every citation of it."""
    build = root / "_build"
    outputs = _forget(build / ".clusterkit-digest", _code_digest(root), build / ".jupyter_cache")
    env = _forget(build / ".book-digest", _book_digest(root), build / ".doctrees")
    return outputs or env


def build_book(root: Path = ROOT, clean: bool = False, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Execute the chapters and build the HTML exactly as ``make book`` does (warnings are errors)."""
    if clean:
        shutil.rmtree(root / "_build", ignore_errors=True)
    forget_stale_outputs(root)
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
    """Bytes in a file or folder, not counting the build's gzip copies (``X.gz`` next to ``X``)."""
    if not path.is_dir():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not _is_gzip_copy(p))


def _is_gzip_copy(path: Path) -> bool:
    return path.suffix == ".gz" and path.with_suffix("").is_file()


def page_weights(html: Path = BUILD / "html") -> tuple[dict[str, int], int]:
    pages = {
        str(p.relative_to(html)): p.stat().st_size
        for p in sorted(html.rglob("*.html"))
        if "_static" not in p.parts and p.name not in ("search.html", "genindex.html")
    }
    return pages, _size(html / "_static")


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as a static host does: ``X.gz`` (written by the build next to
    ``X``) with ``Content-Encoding: gzip`` to a browser that accepts gzip, like nginx's
    ``gzip_static``; everything else as it is."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        gz = path.with_name(path.name + ".gz")
        if path.is_file() and gz.is_file() and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gz.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@contextlib.contextmanager
def serve(html: Path = BUILD / "html") -> Iterator[str]:
    """Serve the built site on a free local port; yields its base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_StaticHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Visit:
    """What loading one page cost: every resource's URL with its bytes on the wire (as sent,
    compressed where the host compresses) and its bytes once decoded."""

    page: str
    resources: dict[str, tuple[int, int]]  # url -> (transferred body bytes, decoded bytes)

    @property
    def requests(self) -> int:
        return len(self.resources)

    @property
    def transferred(self) -> int:
        return sum(t for t, _ in self.resources.values())

    @property
    def decoded(self) -> int:
        return sum(d for _, d in self.resources.values())

    def after(self, other: "Visit") -> int:
        """Bytes transferred if ``other`` was visited first (what they share is cached)."""
        return sum(t for url, (t, _) in self.resources.items() if url not in other.resources)


#: True in the page once every plotly figure on it has drawn (for the browser tests and the bench).
FIGURES_DRAWN = ("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                 ".every(g => g._fullLayout && g.querySelector('.main-svg'))")


def first_visit(browser, base_url: str, page: str) -> Visit:
    """Load ``page`` in a fresh browser context (empty cache) and record every response.

    ``browser`` is a playwright Chromium browser. Waits until the network is idle and every
    plotly figure has drawn, so that late requests (fonts, MathJax's components) count.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    finished = []
    tab.on("requestfinished", lambda request: finished.append(request))
    try:
        tab.goto(f"{base_url}/{page}", wait_until="networkidle")
        tab.wait_for_function(
            FIGURES_DRAWN,
            timeout=30_000,
        )
        tab.wait_for_timeout(500)
        resources = {}
        for request in finished:
            if request.url.startswith("data:"):
                continue
            response = request.response()
            if response is None:
                continue
            sizes = request.sizes()
            try:
                decoded = len(response.body())
            except Exception:  # a redirect has no body
                decoded = 0
            resources[request.url] = (sizes["responseBodySize"], decoded)
    finally:
        context.close()
    return Visit(page, resources)


def toc_pages(html: Path = BUILD / "html") -> list[str]:
    """The pages of the book (dataset pages: their index only), chapters first."""
    chapters = sorted(p.relative_to(html).as_posix() for p in (html / "notebooks").glob("*.html"))
    front = sorted(p.relative_to(html).as_posix() for p in (html / "book").glob("*.html"))
    return chapters + front + ["book/data/index.html"]


def page_transfers(html: Path = BUILD / "html", pages: Sequence[str] | None = None) -> list[Visit]:
    """A first visit to each page in headless Chromium (Debian's ``chromium``)."""
    from playwright.sync_api import sync_playwright

    pages = list(pages or toc_pages(html))
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with serve(html) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            return [first_visit(browser, url, page) for page in pages]
        finally:
            browser.close()


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--disable-component-update", "--disable-sync"]


def print_page_transfers(html: Path = BUILD / "html") -> None:
    mb = 1e6
    print("\nFirst visit, empty cache (headless Chromium; the site served with its gzip copies as a static"
          "\nhost serves them): compressed bytes on the wire, bytes once decoded, requests; for a chapter,"
          "\nalso what it costs after another chapter (the previous one; the first after the last) is cached")
    try:
        visits = page_transfers(html)
    except Exception as exc:  # no playwright or no chromium: say so, measure the rest
        print(f"  not measured: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return
    chapters = [v for v in visits if v.page.startswith("notebooks/")]
    for v in visits:
        line = f"  {v.transferred / mb:5.2f} MB  ({v.decoded / mb:5.2f} MB decoded, {v.requests:3d} requests)"
        if v.page.startswith("notebooks/") and len(chapters) > 1:
            before = chapters[[c.page for c in chapters].index(v.page) - 1]
            line += f"  after another chapter {v.after(before) / mb:5.2f} MB"
        print(f"{line}  {v.page}")


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


def print_pacing(root: Path = ROOT) -> None:
    """Each chapter's length: prose words (outside code and "Going further"), the minutes it states."""
    from . import pacing

    print("\nChapter length (prose words outside code and 'Going further'; minutes as the chapter states them)")
    for name, p in pacing.chapters(root).items():
        sections = sum(m or 0 for m in p.sections.values())
        low, high = p.total_minutes or (0, 0)
        rate = f"{p.words_per_reading_minute:4.0f} words/min" if p.reading_minutes else "no reading time"
        print(f"  {name:28s} {p.words:6,d} words (+{p.going_further_words:,d} going further)  "
              f"reading {p.reading_minutes} min ({rate}); sections {sections} min of {low}–{high}")


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
        print_page_transfers()
    print_pacing()
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
