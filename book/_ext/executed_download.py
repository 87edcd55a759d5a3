"""Sphinx extension: the page's ".ipynb" download gives the executed notebook.

sphinx-book-theme's download button links to ``_sources/<page>.ipynb``, a copy of the
committed notebook, whose outputs are stripped. After the build, this replaces that copy
with the notebook as the book executed it (``_build/jupyter_execute``), so a reader who
downloads a chapter gets its tables and printed results too.
"""
from __future__ import annotations

import shutil
from pathlib import Path


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    executed = Path(app.outdir).parent / "jupyter_execute"
    sources = Path(app.outdir) / "_sources"
    for notebook in executed.rglob("*.ipynb"):
        target = sources / notebook.relative_to(executed)
        if target.parent.is_dir():
            shutil.copyfile(notebook, target)


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
