"""The worker: runs ONE submission in a sandboxed kernel and pulls its answers out as plain data.

The grader starts it as ``python runner.py`` (a script: it does not import the ``clusterkit``
package, which keeps start-up short), sends a job as JSON on stdin and reads the result as
JSON on stdout. The worker

1. isolates itself (``sandbox.enter``: namespaces, read-only filesystem, hidden paths);
2. starts a fresh IPython kernel through ``_jail.py`` (limits, unprivileged user), talking to
   it over unix sockets (``transport="ipc"``: the sandbox has no network, not even loopback);
3. runs the code cells one by one with a per-cell time limit, inside a whole-run budget.
   A cell that runs too long is interrupted; one that ignores the interrupt, or kills the
   kernel (``os._exit``, a memory bomb), gets the kernel killed and restarted, the cells that
   had finished are replayed, the bad cell is skipped, and the run goes on;
4. reads every answer variable out of the kernel as plain data (``plain.py``, sent in as
   source), and calls function answers on the job's inputs, one call per request (sending
   back the output and the arguments as they are after the call: did it change them?);
5. kills everything it started and removes its files.

It never sees reference answers or expected outputs: comparing is the grader's job.
"""
from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

try:  # run as a script (the normal case) or imported from the package (tests)
    from . import sandbox
except ImportError:  # pragma: no cover
    import sandbox  # type: ignore[no-redef]

MIME = "application/vnd.clusterkit.answer+json"
MAX_RESTARTS = 4
MAX_ANSWER_BYTES = 5_000_000
INTERRUPT_GRACE = 3.0
#: A cell stopped (for time or output) that had printed at least this many bytes, or a tenth of
#: the output limit if that is less, is reported as printing too much: which limit struck first
#: depends on the machine's speed, what the cell did does not (the same submission, the same row).
FLOOD_BYTES = 1_000_000
#: The error of a function call that was not made: the function's time budget was spent.
BUDGET_SPENT = "not run: the time for this function was used up"
PLAIN_SOURCE = Path(__file__).with_name("plain.py").read_text(encoding="utf-8")

#: Run in every fresh kernel before the student's code: exit() and quit() would otherwise end
#: the kernel a moment later (and again on every replay); here they raise SystemExit instead.
SETUP = r'''
def __ck_setup():
    def _no_exit(*args, **kwargs):
        raise SystemExit("exit() and quit() do not end the kernel while grading")
    get_ipython().ask_exit = _no_exit
__ck_setup()
del __ck_setup
'''

EXTRACT = r'''
def __ck_extract():
    import json as _json, sys as _sys, types as _types
    _src = %(src)r
    if _src is not None:
        _mod = _types.ModuleType(%(name)r)
        exec(compile(_json.loads(_src), "<clusterkit-grading>", "exec"), _mod.__dict__)
        _sys.modules[%(name)r] = _mod
    _ns = _sys.modules[%(name)r].__dict__
    from IPython.display import publish_display_data as _publish
    _user = get_ipython().user_ns
    _req = _json.loads(%(req)r)
    _var = _req["variable"]
    if _req.get("args") is None:
        _out = {"answer": _ns["to_plain"](_user[_var]) if _var in _user else {"type": "missing"}}
    else:
        _fn = _user.get(_var)
        try:
            _args = [_ns["from_plain"](_a) for _a in _req["args"]]
            _out = {"value": _ns["to_plain"](_fn(*_args))}
            try:  # the arguments after the call: the grader compares them, outside, with what it sent
                _out["args_after"] = [_ns["to_plain"](_a) for _a in _args]
            except Exception:
                pass
        except (Exception, SystemExit) as _e:
            _msg = str(_e).strip().splitlines()[0][:200] if str(_e).strip() else ""
            _out = {"error": type(_e).__name__ + (": " + _msg if _msg else "")}
    _publish({%(mime)r: {"nonce": %(nonce)r, "data": _out}}, metadata={})
__ck_extract()
del __ck_extract
'''


@dataclass
class Outcome:
    """What happened when some code ran in the kernel."""

    status: str  # ok | error | timeout | output | dead
    ename: str = ""
    evalue: str = ""
    interrupted: bool = False
    output_bytes: int = 0
    payload: dict | None = None
    payload_too_large: bool = False
    bad_messages: int = 0

    @property
    def finished(self) -> bool:
        return self.status in ("ok", "error")


@dataclass
class CellEvent:
    """A code cell that did not simply run fine (``n`` counts code cells from 1)."""

    n: int
    what: str  # error | timeout | output | dead | skipped | replay-failed
    ename: str = ""
    evalue: str = ""
    restarted: bool = False
    interrupted: bool = False


@dataclass
class Result:
    answers: dict = field(default_factory=dict)
    calls: dict = field(default_factory=dict)
    events: list = field(default_factory=list)
    restarts: int = 0
    output_bytes: int = 0
    isolation: dict = field(default_factory=dict)
    run_limit_hit: bool = False
    elapsed: float = 0.0
    timings: dict = field(default_factory=dict)
    kernel_log: str = ""
    fatal: str = ""


class Kernel:
    """One sandboxed IPython kernel at a time, restartable."""

    def __init__(self, job: dict, iso: sandbox.Isolation, base: Path) -> None:
        self.job, self.iso, self.base = job, iso, base
        self.limits = sandbox.Limits(**job.get("limits", {}))
        self.km = None
        self.kc = None
        self.generation = 0
        uid = iso.uid
        self.work = base / "work"
        self.home = base / "home"
        self.run_dir = base / "run"
        for d in (self.work, self.home, self.run_dir):
            d.mkdir(mode=0o700)
            if uid is not None:
                os.chown(d, uid, uid)
        nb = self.work / job.get("notebook_name", "submission.ipynb")
        nb.write_text(job.get("notebook", ""), encoding="utf-8")
        if uid is not None:
            os.chown(nb, uid, uid)
        self.log_path = base / "kernel.log"
        self._write_spec()

    def _write_spec(self) -> None:
        python = self.job.get("python") or sys.executable
        argv = sandbox.jail_command(self.limits, self.iso.uid, str(self.work)) + [
            python, "-m", "ipykernel_launcher", "-f", "{connection_file}",
            "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True",
        ]
        spec_dir = self.base / "spec" / "ck-sandbox"
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "sandbox", "language": "python", "interrupt_mode": "signal"}),
            encoding="utf-8",
        )

    def _env(self) -> dict:
        python = self.job.get("python") or sys.executable
        home = str(self.home)
        tmp = "/tmp" if self.iso.readonly else home
        return {
            "PATH": os.path.dirname(python) + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": home, "USER": "student", "LOGNAME": "student",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": tmp,
            "CLUSTERKIT_GRADING": "1",
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.mpl",
            "IPYTHONDIR": f"{home}/.ipython", "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
            "JUPYTER_DATA_DIR": f"{home}/.jupyter-data", "JUPYTER_RUNTIME_DIR": str(self.run_dir),
            "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }

    def start(self) -> None:
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        self.generation += 1
        conn = self.run_dir / f"kernel-{self.generation}.json"
        ksm = KernelSpecManager(kernel_dirs=[str(self.base / "spec")])
        km = KernelManager(
            kernel_name="ck-sandbox",
            kernel_spec_manager=ksm,
            transport="ipc",
            ip=str(self.run_dir / f"k{self.generation}"),
            connection_file=str(conn),
        )
        km.write_connection_file()
        if self.iso.uid is not None:
            os.chown(conn, self.iso.uid, self.iso.uid)
        os.chmod(conn, 0o600)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the kernel
        try:
            km.start_kernel(env=self._env(), cwd=str(self.work), stdout=log, stderr=log)
        finally:
            log.close()
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.limits.startup_timeout)
        except RuntimeError as exc:
            raise RuntimeError(f"the kernel did not start: {exc}; see {self.log_path.name}") from exc
        self.km, self.kc = km, kc
        setup = self.execute(SETUP, self.limits.startup_timeout, nonce="setup")
        if setup.status != "ok":
            raise RuntimeError(f"the kernel did not accept the grader's setup ({setup.status} {setup.ename})")

    def stop(self) -> None:
        if self.iso.pid:
            sandbox.kill_all()  # the kernel and anything it started (we are PID 1 of the sandbox)
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        if self.km is not None:
            try:
                if self.km.has_kernel:
                    self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001
                pass
            try:
                self.km.cleanup_resources()
            except Exception:  # noqa: BLE001
                pass
        self.km = self.kc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def alive(self) -> bool:
        try:
            return self.km is not None and self.km.is_alive()
        except Exception:  # noqa: BLE001
            return False

    # -- running code
    def _wait(self, msg_id: str, deadline: float, out: Outcome, budget: int, nonce: str | None) -> str:
        import zmq

        kc = self.kc
        poller = zmq.Poller()
        poller.register(kc.iopub_channel.socket, zmq.POLLIN)
        poller.register(kc.shell_channel.socket, zmq.POLLIN)
        replied = idle = False
        while not (replied and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            events = dict(poller.poll(int(min(left, 0.25) * 1000)))
            if not events:
                if not self.alive():
                    return "dead"
                continue
            while True:
                try:
                    msg = kc.iopub_channel.get_msg(timeout=0)
                except queue.Empty:
                    break
                except Exception:  # noqa: BLE001 - a garbled or forged message: skip it
                    out.bad_messages += 1
                    continue
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                mt, content = msg["msg_type"], msg.get("content", {})
                if mt == "status" and content.get("execution_state") == "idle":
                    idle = True
                elif mt == "stream":
                    out.output_bytes += len(content.get("text", ""))
                elif mt in ("display_data", "execute_result", "update_display_data"):
                    data = content.get("data", {}) or {}
                    if nonce and MIME in data:
                        payload = data[MIME]
                        size = len(json.dumps(payload))
                        if size > MAX_ANSWER_BYTES:
                            out.payload_too_large = True
                        elif isinstance(payload, dict) and payload.get("nonce") == nonce:
                            out.payload = payload.get("data")
                    else:
                        out.output_bytes += sum(len(str(v)) for v in data.values())
                elif mt == "error":
                    out.ename = str(content.get("ename", ""))[:80]
                    out.evalue = str(content.get("evalue", ""))[:300]
                    out.output_bytes += sum(len(t) for t in content.get("traceback", []))
            while True:
                try:
                    msg = kc.shell_channel.get_msg(timeout=0)
                except queue.Empty:
                    break
                except Exception:  # noqa: BLE001
                    out.bad_messages += 1
                    continue
                if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "execute_reply":
                    replied = True
                    content = msg.get("content", {})
                    if content.get("status") == "error":
                        out.status = "error"
                        out.ename = out.ename or str(content.get("ename", ""))[:80]
                        out.evalue = out.evalue or str(content.get("evalue", ""))[:300]
                    elif content.get("status") == "aborted":
                        out.status = "error"
                        out.ename = out.ename or "aborted"
            if out.output_bytes > budget:
                return "output"
        return "done"

    def execute(self, code: str, timeout: float, nonce: str | None = None) -> Outcome:
        """Run ``code`` with a time limit; interrupt it, or report the kernel stuck/dead."""
        out = Outcome("ok")
        if not self.alive():
            out.status = "dead"
            return out
        budget = int(self.limits.max_output_mb * 1_000_000)
        msg_id = self.kc.execute(code, silent=False, store_history=nonce is None, allow_stdin=False, stop_on_error=False)
        state = self._wait(msg_id, time.monotonic() + max(timeout, 0.1), out, budget, nonce)
        if state == "done":
            return out
        if state == "dead":
            out.status = "dead"
            return out
        out.status = state  # timeout | output
        try:
            self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001
            return out
        after = self._wait(msg_id, time.monotonic() + INTERRUPT_GRACE, Outcome("ok"), 10**12, None)
        out.interrupted = after == "done"
        if after == "dead":
            out.status = "dead"
        return out


def _events_to_dicts(events: list[CellEvent]) -> list[dict]:
    return [asdict(e) for e in events]


class Run:
    """One submission's run: cells, restarts and replays, extraction."""

    def __init__(self, job: dict, kernel: Kernel) -> None:
        self.job, self.k = job, kernel
        self.limits = kernel.limits
        self.cells: list[str] = list(job.get("cells", []))
        self.t0 = time.monotonic()
        self.end = self.t0 + self.limits.run_timeout
        reserve = min(max(10.0, 0.2 * self.limits.run_timeout), 0.5 * self.limits.run_timeout)
        self.cells_end = self.end - reserve
        self.result = Result()
        self._helper = "_clusterkit_grading_" + secrets.token_hex(6)
        self._helper_generation = -1
        self.finished: list[int] = []  # code cells (0-based) that ran without error, in order: replayed after a restart

    def _left(self, until: float) -> float:
        return until - time.monotonic()

    def _restart(self, until: float) -> bool:
        """Restart the kernel and replay the finished cells; False when no longer possible."""
        if self.result.restarts >= MAX_RESTARTS or self._left(until) <= 1:
            return False
        self.result.restarts += 1
        self.k.restart()
        for i in list(self.finished):
            left = self._left(until)
            if left <= 0:
                return False
            o = self.k.execute(self.cells[i], min(self.limits.cell_timeout, left))
            if o.status != "ok":
                self.finished.remove(i)
                self.result.events.append(CellEvent(i + 1, "replay-failed", o.ename, o.evalue))
                if not o.interrupted:
                    return self._restart(until)
        return True

    def run_cells(self) -> None:
        for i, code in enumerate(self.cells):
            if not code.strip():
                continue
            left = self._left(self.cells_end)
            if left <= 0:
                self.result.run_limit_hit = True
                self.result.events.append(CellEvent(i + 1, "skipped"))
                break
            o = self.k.execute(code, min(self.limits.cell_timeout, left))
            self.result.output_bytes += o.output_bytes
            if o.status == "ok":
                self.finished.append(i)
                continue
            if o.status == "error":  # not replayed after a restart: it may be what broke the kernel
                self.result.events.append(CellEvent(i + 1, "error", o.ename, o.evalue))
                continue
            if o.status == "timeout" and self.limits.cell_timeout > left:
                self.result.run_limit_hit = True
            ev = CellEvent(i + 1, self._stop_kind(o) if o.status in ("timeout", "output") else o.status, interrupted=o.interrupted)
            self.result.events.append(ev)
            if not o.interrupted:
                ev.restarted = True
                if not self._restart(self.cells_end):
                    self.result.events.append(CellEvent(i + 2, "skipped"))
                    self.result.run_limit_hit = self.result.run_limit_hit or self.result.restarts < MAX_RESTARTS
                    break

    def _stop_kind(self, o: Outcome) -> str:
        """``output`` or ``timeout`` for a stopped cell, by what it printed (see :data:`FLOOD_BYTES`)."""
        flood = min(FLOOD_BYTES, 0.1 * self.limits.max_output_mb * 1_000_000)
        return "output" if o.output_bytes >= flood else "timeout"

    def _ask(self, req: dict, seconds: float | None = None) -> dict:
        """One extraction request (at most ``seconds``, else the cell limit); restarts (and
        replays) when it kills the kernel."""
        if not self.k.alive() and not self._restart(self.end):
            return {"error": "the kernel could not be restarted"}
        left = self._left(self.end)
        if left <= 0.5:
            return {"error": "no time left (whole-run limit)"}
        if seconds is not None:
            left = min(left, seconds)
        nonce = secrets.token_hex(8)
        fresh = self._helper_generation != self.k.generation
        code = EXTRACT % {
            "src": json.dumps(PLAIN_SOURCE) if fresh else None, "name": self._helper,
            "req": json.dumps(req), "mime": MIME, "nonce": nonce,
        }
        o = self.k.execute(code, min(self.limits.cell_timeout, left), nonce=nonce)
        if o.status == "ok" and isinstance(o.payload, dict):
            self._helper_generation = self.k.generation
        elif o.status == "error" and not fresh and o.ename == "KeyError":  # the helper was removed: once more
            self._helper_generation = -1
            return self._ask(req)
        if o.payload_too_large:
            return {"error": "the answer is too large"}
        if o.status == "ok" and isinstance(o.payload, dict):
            return o.payload
        if o.status in ("timeout", "output"):
            if not o.interrupted:
                self._restart(self.end)
            return {"error": "printed too much output" if self._stop_kind(o) == "output" else "timed out"}
        if o.status == "dead":
            self._restart(self.end)
            return {"error": "stopped the kernel"}
        return {"error": f"could not be read ({o.ename or 'no answer'})"}

    def extract(self) -> None:
        for ans in self.job.get("answers", []):
            got = self._ask({"variable": ans["variable"]})
            if "answer" in got and isinstance(got["answer"], dict):
                self.result.answers[ans["id"]] = got["answer"]
            else:
                self.result.answers[ans["id"]] = {"type": "unreadable", "error": got.get("error", "unreadable")}
                continue
            if ans.get("calls") and got["answer"].get("type") == "function":
                outs = []
                # one budget for all the calls: a function that never returns costs it once, not once per call
                budget_end = time.monotonic() + self.limits.function_timeout
                for args in ans["calls"]:
                    left = budget_end - time.monotonic()
                    if left <= 0.05:
                        outs.append({"error": BUDGET_SPENT})
                        continue
                    r = self._ask({"variable": ans["variable"], "args": args}, min(self.limits.call_timeout, left))
                    outs.append(r if ("value" in r or "error" in r) else {"error": "no result"})
                self.result.calls[ans["id"]] = outs


def run_job(job: dict) -> dict:
    """Isolate, run, extract, clean up. Always returns a result dict."""
    t0 = time.monotonic()
    python = job.get("python") or sys.executable
    needed = [p for p in sys.path if p and os.path.isabs(p)] + [sys.prefix, sys.base_prefix, os.path.realpath(python), python]
    iso = sandbox.enter(
        hide=job.get("hide", []),
        tmp_mb=job.get("limits", {}).get("tmp_mb", 256),
        slot=job.get("slot", 0),
        expose=needed + list(job.get("expose", [])),
    )
    result = Result(isolation=asdict(iso))
    # In the sandbox /tmp is private and vanishes with it; without one, the grader's own
    # temporary folder (removed by the grader at the end, even if this worker crashes).
    base = Path(tempfile.mkdtemp(prefix="ck-grade-", dir="/tmp" if iso.readonly else job.get("tmp_root")))
    os.chmod(base, 0o711)
    kernel = None
    try:
        result.timings["sandbox"] = round(time.monotonic() - t0, 3)
        kernel = Kernel(job, iso, base)
        kernel.start()
        result.timings["kernel"] = round(time.monotonic() - t0, 3)
        run = Run(job, kernel)
        run.result = result
        try:
            run.run_cells()
        except Exception as exc:  # noqa: BLE001 - still read whatever answers there are
            result.events.append(CellEvent(0, "grader-error", type(exc).__name__, str(exc)[:200]))
            result.kernel_log += traceback.format_exc()[-2000:]
        result.timings["cells"] = round(time.monotonic() - t0, 3)
        run.extract()
        result.timings["answers"] = round(time.monotonic() - t0, 3)
    except Exception as exc:  # noqa: BLE001 - reported to the grader as this submission's failure
        result.fatal = f"{type(exc).__name__}: {exc}"
        result.kernel_log = traceback.format_exc()[-4000:]
    finally:
        if kernel is not None:
            kernel.stop()
            try:
                with open(kernel.log_path, "rb") as fh:
                    fh.seek(0, 2)
                    fh.seek(max(0, fh.tell() - 4000))
                    result.kernel_log += fh.read().decode("utf-8", "replace")
            except OSError:
                pass
        if iso.pid:
            sandbox.kill_all()
        shutil.rmtree(base, ignore_errors=True)
    result.elapsed = round(time.monotonic() - t0, 3)
    out = asdict(result)
    out["events"] = [e if isinstance(e, dict) else asdict(e) for e in result.events]
    return out


def main() -> None:
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    result = run_job(job)
    data = json.dumps(result).encode("utf-8")
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
