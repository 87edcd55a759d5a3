"""Finding submissions (a folder, a zip as an LMS exports it, or one notebook) and reading them.

Nothing is ever extracted to disk by its archived name: zip entries are read in memory with
a size limit, so ``../`` names and zip bombs do no harm. Student names come from file names
(or, when every file has the same name, from their folders), made safe for file names and
spreadsheets, and unique.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_NOTEBOOK_BYTES = 20_000_000
_LMS_NOISE = re.compile(r"(_assignsubmission_file_?|_onlinetext_?|_late)$", re.I)
_SKIP_PARTS = {"__MACOSX", ".ipynb_checkpoints"}


class SubmissionsError(ValueError):
    """The SUBMISSIONS argument is not a folder, a zip or a notebook."""


@dataclass
class Submission:
    """One submitted notebook: who, from where, and its bytes (or why they could not be read)."""

    student: str
    source: str
    data: bytes | None = None
    error: str | None = None


@dataclass
class Parsed:
    """A readable notebook: its code cells, its kernel name, and notes on oddities."""

    cells: list[str]
    text: str
    kernel: str = ""
    notes: list[str] = field(default_factory=list)


def _wanted(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return (
        p.suffix.lower() == ".ipynb"
        and not p.name.startswith("._")
        and not any(part in _SKIP_PARTS for part in p.parts)
    )


def _read_zip(data: bytes, prefix: str, found: list[tuple[str, bytes | None, str | None]], depth: int = 0) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        found.append((prefix.rstrip("/") or "archive.zip", None, "invalid-notebook: a damaged zip file"))
        return
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            name = prefix + info.filename.replace("\\", "/")
            is_zip = info.filename.lower().endswith(".zip") and depth == 0
            if not (_wanted(info.filename) or is_zip):
                continue
            if info.file_size > MAX_NOTEBOOK_BYTES:
                found.append((name, None, f"invalid-notebook: larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"))
                continue
            try:
                with zf.open(info) as fh:
                    blob = fh.read(MAX_NOTEBOOK_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                found.append((name, None, f"invalid-notebook: unreadable in the zip ({exc})"))
                continue
            if len(blob) > MAX_NOTEBOOK_BYTES:
                found.append((name, None, f"invalid-notebook: larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"))
            elif is_zip:
                _read_zip(blob, name[:-4] + "/", found, depth + 1)
            else:
                found.append((name, blob, None))


def _safe(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = _LMS_NOISE.sub("", name)
    name = "".join(ch if (ch.isalnum() or ch in "-_.") else "_" for ch in name)
    name = re.sub(r"_+", "_", name).strip("._-")
    return name[:80] or "submission"


def _names(paths: list[str], notebook_stem: str | None) -> list[str]:
    stems = Counter(PurePosixPath(p).stem for p in paths)
    names = []
    for p in paths:
        pp = PurePosixPath(p)
        generic = stems[pp.stem] > 1 or (notebook_stem is not None and pp.stem == notebook_stem)
        raw = pp.parent.name if (generic and len(pp.parts) > 1) else pp.stem
        names.append(_safe(raw))
    seen: Counter = Counter()
    unique = []
    for n in names:
        seen[n] += 1
        unique.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    # a later plain name may collide with an earlier suffixed one
    while len(set(unique)) != len(unique):
        dup = [n for n, c in Counter(unique).items() if c > 1][0]
        i = len(unique) - 1 - unique[::-1].index(dup)
        unique[i] = f"{unique[i]}-x"
    return unique


def collect(path: Path, notebook_stem: str | None = None) -> list[Submission]:
    """Every submission under ``path`` (folder, zip or single notebook), sorted by source."""
    path = Path(path)
    found: list[tuple[str, bytes | None, str | None]] = []
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            rel = f.relative_to(path).as_posix()
            if f.is_file() and _wanted(rel):
                size = f.stat().st_size
                if size > MAX_NOTEBOOK_BYTES:
                    found.append((rel, None, f"invalid-notebook: larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"))
                else:
                    found.append((rel, f.read_bytes(), None))
            elif f.is_file() and f.suffix.lower() == ".zip" and not any(p in _SKIP_PARTS for p in f.parts):
                _read_zip(f.read_bytes(), rel[:-4] + "/", found, 1)
    elif path.is_file() and zipfile.is_zipfile(path):
        _read_zip(path.read_bytes(), "", found)
    elif path.is_file() and path.suffix.lower() == ".ipynb":
        found.append((path.name, path.read_bytes(), None))
    elif not path.exists():
        raise SubmissionsError(f"{path} does not exist")
    else:
        raise SubmissionsError(f"{path} is neither a folder, a zip file nor a notebook (.ipynb)")
    found.sort(key=lambda t: t[0])
    names = _names([t[0] for t in found], notebook_stem)
    return [Submission(student=n, source=src, data=data, error=err) for n, (src, data, err) in zip(names, found)]


def parse(data: bytes) -> Parsed | str:
    """The notebook's code cells, or the ``invalid-notebook: ...`` status explaining why not."""
    import nbformat

    if not data.strip():
        return "invalid-notebook: empty file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "invalid-notebook: not UTF-8 text"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid-notebook: not JSON (line {exc.lineno}: {exc.msg})"
    except RecursionError:
        return "invalid-notebook: not JSON (nested too deeply)"
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")), list):
        return "invalid-notebook: JSON but not a notebook (no list of cells)"
    notes: list[str] = []
    try:
        errors: dict = {}
        nb = nbformat.reads(text, as_version=4, capture_validation_error=errors)
        if errors:
            notes.append("the notebook file has format errors (graded anyway)")
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        return f"invalid-notebook: not a readable notebook ({type(exc).__name__})"
    cells: list[str] = []
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if not isinstance(src, str):
            src = ""
        cells.append(src)
    meta = nb.get("metadata", {}) if isinstance(nb.get("metadata"), dict) else {}
    ks = meta.get("kernelspec", {}) if isinstance(meta.get("kernelspec"), dict) else {}
    li = meta.get("language_info", {}) if isinstance(meta.get("language_info"), dict) else {}
    kernel = str(ks.get("name", "") or "")
    language = str(ks.get("language", "") or li.get("name", "") or "").lower()
    if kernel and not ("python" in kernel.lower() or kernel.lower().startswith("py") or language == "python"):
        notes.append(f"notebook kernel {kernel[:40]!r} not used: graded with Python")
    elif language and language != "python":
        notes.append(f"notebook language {language[:20]!r} ignored: graded with Python")
    return Parsed(cells=cells, text=text, kernel=kernel, notes=notes)
