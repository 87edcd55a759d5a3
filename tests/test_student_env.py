"""The student route on its own: a fresh venv from requirements.txt (what the README and Binder make)
opens JupyterLab, is consistent, and runs every chapter. Nothing from the dev environment is used."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from clusterkit import envsize

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300

# Run by the student venv's python: execute one notebook with nbclient in its own folder, first asking
# the kernel where it runs, and report errors and outputs as JSON.
RUN_NOTEBOOK = r"""
import json, os, sys
import nbformat
from nbclient import NotebookClient
path, timeout = sys.argv[1], int(sys.argv[2])
nb = nbformat.read(path, as_version=4)
nb.cells.insert(0, nbformat.v4.new_code_cell("import sys; print('KERNEL_PREFIX=' + sys.prefix)"))
NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": os.path.dirname(path)}}).execute()
outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
print(json.dumps({
    "prefix": sys.prefix,
    "errors": [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"],
    "stream": "".join(o.get("text", "") for o in outputs if o.output_type == "stream"),
    "mimetypes": sorted({m for o in outputs for m in o.get("data", {})}),
}))
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("student") / "venv"
    envsize.create_venv(path, requirements=ROOT / "requirements.txt")
    return path


def run(venv: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(envsize.bin_path(venv, args[0])), *args[1:]], cwd=ROOT, env=envsize.student_env(),
                          capture_output=True, text=True, timeout=timeout)


def test_pip_check_is_clean(venv):
    result = run(venv, "python", "-m", "pip", "check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_jupyterlab_is_installed_with_the_widget_extensions(venv):
    version = run(venv, "jupyter", "lab", "--version")
    assert version.returncode == 0, version.stderr
    extensions = run(venv, "jupyter", "labextension", "list")
    listing = extensions.stdout + extensions.stderr
    for name in ("@jupyter-widgets/jupyterlab-manager", "anywidget", "jupyterlab-plotly"):
        assert name in listing, f"JupyterLab extension {name} missing:\n{listing}"


def test_jupyterlab_serves_the_chapters(venv, tmp_path):
    """`jupyter lab notebooks/` (as the README says) starts and serves the lab page and the chapters."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**envsize.student_env(), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    args = [str(envsize.bin_path(venv, "jupyter")), "lab", "notebooks/", "--no-browser", "--allow-root",
            f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password="]
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/contents", timeout=5) as response:
                    contents = json.load(response)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("jupyter lab did not start:\n" + (server.stderr.read() if server.poll() is not None else ""))
                time.sleep(0.5)
        assert {p.name for p in NOTEBOOKS} <= {item["name"] for item in contents["content"]}
        with urllib.request.urlopen(f"{base}/lab", timeout=10) as response:
            assert response.status == 200 and "JupyterLab" in response.read().decode()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_runs_in_the_student_env(venv, path):
    """Live mode, as in tests/test_notebooks.py, but in the kernel of the student's venv."""
    result = run(venv, "python", "-c", RUN_NOTEBOOK, str(path), str(CELL_TIMEOUT), timeout=3 * CELL_TIMEOUT)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert f"KERNEL_PREFIX={report['prefix']}" in report["stream"], "the kernel did not run in the student venv"
    assert report["errors"] == []
    assert "not attempted" in report["stream"].lower()
    assert "application/vnd.jupyter.widget-view+json" in report["mimetypes"], "the explorer should be live widgets"
    assert "application/vnd.plotly.v1+json" in report["mimetypes"], "figures should be drawn"
