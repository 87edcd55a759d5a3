"""Sphinx extension: re-execute the chapters when the course package or its data change.

jupyter-cache re-executes a notebook only when the notebook's own code changes. The
chapters call into ``clusterkit`` and read ``datasets/``, so a change there would leave
stale outputs in the book. This extension fingerprints the package and the data and
clears the execution cache when the fingerprint differs from the last build's, and has
Sphinx read the chapters again (it would re-read only the notebooks that changed).
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WATCHED = [("clusterkit", "*.py"), ("clusterkit", "*.json"), ("datasets", "*.csv"), ("datasets", "*.yml")]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for folder, pattern in WATCHED:
        for path in sorted((ROOT / folder).rglob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _config_inited(app, config) -> None:
    cache = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    if not cache.is_absolute():
        cache = Path(app.srcdir) / cache
    stamp = cache.parent / "clusterkit.fingerprint"
    current = fingerprint()
    if stamp.is_file() and stamp.read_text() == current:
        return
    app._clusterkit_changed = True
    if cache.exists():
        shutil.rmtree(cache)  # the package or the data changed: execute every chapter again
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def _outdated(app, env, added, changed, removed) -> list[str]:
    """Sphinx re-reads only the sources that changed: when the package or the data did, the
    chapters (the notebooks) must be read, and so executed, again too."""
    if not getattr(app, "_clusterkit_changed", False):
        return []
    return sorted(d for d in env.found_docs if d.startswith("notebooks/") and d not in added | changed)


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
