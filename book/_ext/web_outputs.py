"""Sphinx extension: the book's pages do not show what ``check()`` and ``check_all()`` print.

On a static page no one can answer an exercise, so every ``check("N.k", ...)`` would print
"not attempted yet" and ``check_all()`` "0 of N confirmed". When Sphinx reads a chapter
notebook (before myst-nb executes it), every code cell whose source calls ``check(`` or
``check_all(`` gets the tag ``remove-output``: the page shows the cell's code (where a student
types the answer) and not its output. Only the copy the build reads changes: the committed
notebook keeps no tags, and the executed notebook that the page's download button gives
(see ``executed_download.py``) keeps the outputs.
"""
from __future__ import annotations

import json
import re

#: A call of the student's check functions (``check(...)``, ``ck.check_all(...)``).
CHECK_CALL = re.compile(r"(?<![\w.])(?:ck\.|clusterkit\.)?check(?:_all)?\s*\(")
TAG = "remove-output"


def calls_check(source: str) -> bool:
    """Whether a code cell's source calls ``check`` or ``check_all`` (comments ignored)."""
    code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    return bool(CHECK_CALL.search(code))


def tag_check_cells(text: str) -> str:
    """The notebook ``text`` (JSON) with ``remove-output`` on every cell that calls check."""
    nb = json.loads(text)
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if calls_check(source):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if TAG not in tags:
                tags.append(TAG)
                changed = True
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n" if changed else text


def _source_read(app, docname: str, source: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = tag_check_cells(source[0])


def setup(app):
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
