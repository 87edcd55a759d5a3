"""Finding submissions (a folder, a zip as an LMS exports it, or one notebook) and reading them.

Nothing is ever extracted to disk by its archived name: zip entries are read in memory with
a size limit, so ``../`` names and zip bombs do no harm.

Who submitted a notebook comes from the names an LMS gives its files and folders
(:func:`identify`): Canvas ``name_[LATE_]userid_submissionid_file``, Moodle
``Full Name_participant_assignsubmission_file_``, Blackboard
``Assignment_username_attempt_YYYY-MM-DD-hh-mm-ss_file`` and Gradescope ``submission_id/``
(with its ``submission_metadata.yml``): a name, the LMS's id and a late flag, in separate
columns. Other files are named after the file (or, when every file has the same name, after
its folder). The ``student`` key (file names of the feedback, rows of the gradebook) is the
name made safe for file names and spreadsheets, with the LMS id when there is one; unique.
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
    name: str = ""  # as the LMS (or the roster) writes it
    lms: str = ""  # canvas | moodle | blackboard | gradescope, or "" for plain files
    lms_id: str = ""  # Canvas user id, Moodle participant id, Blackboard username, Gradescope submission id
    late: bool = False
    email: str = ""
    sid: str = ""  # a student number the LMS gives (Gradescope's SID)


@dataclass
class Identity:
    """Who a file belongs to, read from the name an LMS gave it."""

    name: str
    lms: str = ""
    lms_id: str = ""
    late: bool = False
    email: str = ""
    sid: str = ""


_CANVAS = re.compile(r"^(?P<name>.+?)_(?:(?P<late>LATE)_)?(?P<uid>\d{2,})_(?P<sub>\d{2,})_(?P<file>.+)$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?:file|onlinetext)_?(?P<file>.*)$")
_BLACKBOARD = re.compile(
    r"^(?P<assignment>.+)_(?P<user>[^_\s]+)_attempt_(?P<date>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?P<late>_late)?(?:_(?P<file>.*))?$",
    re.I,
)
_GRADESCOPE = re.compile(r"^submission_(?P<sub>\d+)$")


def _parse_name(part: str) -> Identity | None:
    """The identity in one file or folder name (without its extension), if an LMS wrote it."""
    m = _MOODLE.match(part)
    if m:
        return Identity(name=m["name"].strip(), lms="moodle", lms_id=m["pid"])
    m = _BLACKBOARD.match(part)
    if m:
        return Identity(name=m["user"], lms="blackboard", lms_id=m["user"], late=bool(m["late"]))
    m = _CANVAS.match(part)
    if m:
        return Identity(name=m["name"], lms="canvas", lms_id=m["uid"], late=bool(m["late"]))
    m = _GRADESCOPE.match(part)
    if m:
        return Identity(name=f"submission_{m['sub']}", lms="gradescope", lms_id=m["sub"])
    return None


def identify(path: str, gradescope: dict[str, Identity] | None = None) -> Identity | None:
    """The identity in an archived path: the file's own name first, then its folders, innermost
    first (Moodle's and Gradescope's folder per student, a zip inside a student's folder)."""
    pp = PurePosixPath(path.replace("\\", "/"))
    parts = [pp.stem] + [p for p in reversed(pp.parts[:-1])]
    for part in parts:
        found = _parse_name(part)
        if found is not None:
            if found.lms == "gradescope" and gradescope and f"submission_{found.lms_id}" in gradescope:
                return gradescope[f"submission_{found.lms_id}"]
            return found
    return None


def _gradescope_metadata(text: str) -> dict[str, Identity]:
    """Gradescope's ``submission_metadata.yml``: ``submission_ID`` → the (first) submitter."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    found: dict[str, Identity] = {}
    if not isinstance(data, dict):
        return found
    for key, meta in data.items():
        m = _GRADESCOPE.match(str(key))
        if not m or not isinstance(meta, dict):
            continue
        people = meta.get(":submitters") or meta.get("submitters") or []
        first = people[0] if isinstance(people, list) and people and isinstance(people[0], dict) else {}
        get = lambda k: str(first.get(f":{k}") or first.get(k) or "")  # noqa: E731
        found[str(key)] = Identity(name=get("name") or str(key), lms="gradescope", lms_id=m["sub"],
                                   email=get("email"), sid=get("sid"))
    return found


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


METADATA = "submission_metadata.yml"  # Gradescope's list of who made each submission


def _read_zip(data: bytes, prefix: str, found: list[tuple[str, bytes | None, str | None]], depth: int = 0,
              metadata: list[str] | None = None) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        found.append((prefix.rstrip("/") or "archive.zip", None,
                      "invalid-notebook: a damaged or incomplete zip file inside the submission"))
        return
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            if metadata is not None and PurePosixPath(info.filename).name == METADATA and info.file_size < MAX_NOTEBOOK_BYTES:
                try:
                    metadata.append(zf.read(info).decode("utf-8", "replace"))
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                    pass
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


def _names(paths: list[str], notebook_stem: str | None, ids: list[Identity | None] | None = None) -> list[str]:
    stems = Counter(PurePosixPath(p).stem for p in paths)
    names = []
    for n, p in enumerate(paths):
        who = ids[n] if ids else None
        if who is not None:
            names.append(_safe(f"{who.name}_{who.lms_id}" if who.lms_id and who.lms_id != who.name else who.name))
            continue
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


def _starts_like_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def collect(path: Path, notebook_stem: str | None = None) -> list[Submission]:
    """Every submission under ``path`` (folder, zip or single notebook), sorted by source."""
    path = Path(path)
    found: list[tuple[str, bytes | None, str | None]] = []
    metadata: list[str] = []
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            rel = f.relative_to(path).as_posix()
            if f.is_file() and f.name == METADATA:
                metadata.append(f.read_text(encoding="utf-8", errors="replace"))
            elif f.is_file() and _wanted(rel):
                size = f.stat().st_size
                if size > MAX_NOTEBOOK_BYTES:
                    found.append((rel, None, f"invalid-notebook: larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"))
                else:
                    found.append((rel, f.read_bytes(), None))
            elif f.is_file() and f.suffix.lower() == ".zip" and not any(p in _SKIP_PARTS for p in f.parts):
                _read_zip(f.read_bytes(), rel[:-4] + "/", found, 1)
    elif path.is_file() and zipfile.is_zipfile(path):
        _read_zip(path.read_bytes(), "", found, metadata=metadata)
    elif path.is_file() and _starts_like_zip(path):
        raise SubmissionsError(f"{path} is a damaged or incomplete zip file (was the download cut short?): "
                               "download the export from your learning platform again")
    elif path.is_file() and path.suffix.lower() == ".ipynb":
        found.append((path.name, path.read_bytes(), None))
    elif not path.exists():
        raise SubmissionsError(f"{path} does not exist")
    else:
        raise SubmissionsError(f"{path} is neither a folder, a zip file nor a notebook (.ipynb)")
    found.sort(key=lambda t: t[0])
    gradescope = _gradescope_metadata(metadata[0]) if metadata else {}
    ids = [identify(src, gradescope) for src, _, _ in found]
    names = _names([t[0] for t in found], notebook_stem, ids)
    subs = []
    for n, who, (src, data, err) in zip(names, ids, found):
        sub = Submission(student=n, source=src, data=data, error=err)
        if who is not None:
            sub.name, sub.lms, sub.lms_id, sub.late, sub.email, sub.sid = who.name, who.lms, who.lms_id, who.late, who.email, who.sid
        else:
            sub.name = n
        subs.append(sub)
    return subs


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
    except json.JSONDecodeError as exc:  # json's own messages end in "... at": said in full here
        what = exc.msg[:-3] if exc.msg.endswith(" at") else exc.msg
        return (f"invalid-notebook: not JSON (line {exc.lineno}, column {exc.colno}: {what[:1].lower() + what[1:]}; "
                "the file is damaged or cut off)")
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
