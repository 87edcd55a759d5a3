"""A student's environment, made the way the README and Binder make it, and what it weighs.

``python3.11 -m venv`` plus ``pip install -r requirements.txt`` (nothing from requirements-dev.txt or
constraints.txt), run from the repository root so that ``-e .`` installs this checkout. Used by
``make bench`` (install time and size) and by ``tests/test_student_env.py`` (the chapters run in it).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
PYTHON = os.environ.get("CLUSTERKIT_STUDENT_PYTHON", "python3.11")

# Bytes per installed distribution, from each one's RECORD (files outside site-packages too, such as
# JupyterLab's share/jupyter/lab); run by the venv's own python. Distinct names only.
_DIST_SIZES = """
import importlib.metadata as md, json, os
sizes = {}
for dist in md.distributions():
    name = dist.metadata["Name"]
    if name in sizes:
        continue
    paths = (dist.locate_file(f) for f in dist.files or ())
    sizes[name] = sum(os.path.getsize(p) for p in paths if os.path.isfile(p))
print(json.dumps(sizes))
"""


def student_env() -> dict[str, str]:
    """The environment a student's shell has: none of the build's or grader's variables, the venv not active."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLUSTERKIT_BOOK", "CLUSTERKIT_GRADING", "PLOTLY_RENDERER", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def bin_path(venv: Path, name: str) -> Path:
    return venv / "bin" / name


def create_venv(venv: Path, requirements: Path = REQUIREMENTS, python: str = PYTHON,
                timeout: float = 1200) -> float:
    """Create ``venv`` and install ``requirements`` into it exactly as the README says; return the install seconds."""
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    t0 = time.perf_counter()
    result = subprocess.run(
        [str(bin_path(venv, "python")), "-m", "pip", "install", "--quiet", "-r", str(requirements)],
        cwd=requirements.parent, env=student_env(), capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pip install -r {requirements.name} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return time.perf_counter() - t0


def site_packages(venv: Path) -> Path:
    out = subprocess.run([str(bin_path(venv, "python")), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def tree_size(path: Path) -> int:
    """Bytes of the files under ``path`` (apparent size; symlinks such as ``lib64`` not followed)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            p = os.path.join(folder, name)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def dist_sizes(venv: Path) -> dict[str, int]:
    """Bytes per installed distribution, largest first."""
    out = subprocess.run([str(bin_path(venv, "python")), "-c", _DIST_SIZES], check=True, capture_output=True, text=True)
    return dict(sorted(json.loads(out.stdout).items(), key=lambda kv: -kv[1]))


def pip_cache() -> tuple[Path, int]:
    """pip's cache folder and its size now (0 if absent): whether an install starts warm or cold."""
    out = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    path = Path(out.stdout.strip() or Path.home() / ".cache" / "pip")
    return path, tree_size(path) if path.is_dir() else 0
