"""Isolation of a student's kernel: namespaces, mounts, an unprivileged user, resource limits.

The grader runs every submission in its own *worker* process (``runner.py``). At its very
start, while it is still single-threaded, the worker calls :func:`enter` which, as far as the
operating system allows:

* ``unshare``\\ s a new **network** namespace (no interface but a loopback that is down: no
  network at all, not even to the grader's machine), a new **mount**, **IPC** and **PID**
  namespace;
* makes every existing mount **read-only** (except ``/proc``, ``/sys``, device nodes), puts a
  fresh, size-limited ``tmpfs`` on ``/tmp``, ``/var/tmp`` and ``/dev/shm`` (a private scratch
  space that disappears with the worker), and covers the **hidden paths** (the key, the
  exercise definitions, the repository's ``.git``, the submissions, the output folder) with
  an empty read-only ``tmpfs``;
* forks, and carries on as PID 1 of the new PID namespace, with its own ``/proc``: nothing
  inside can signal it or see the grader or other submissions, and when it ends (or is
  killed with its parent) everything the kernel started dies with it.

The kernel itself is started through ``_jail.py``, which sets resource limits (address
space, processes, file size, CPU time, open files, no core dumps), ``no_new_privs``, and —
when the grader runs as root — switches to an unprivileged user id reserved for this job
slot, so the kernel can read neither the key nor another student's files, and cannot signal
or trace the grader.

Without root, the worker tries the same inside a new *user* namespace; when the system
forbids that, it falls back step by step and says what is missing (``Isolation.missing``).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
MS_STRICTATIME = 1 << 24

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4

#: Mounts left writable: kernel interfaces (whole subtrees), and the device nodes themselves
#: (``/dev/null`` must stay writable); other mounts under ``/dev`` (``mqueue``…) become read-only.
_KEEP_RW = ("/proc", "/sys")
_KEEP_RW_EXACT = ("/dev", "/dev/pts")
#: Fresh private scratch spaces (world-writable on a normal system).
_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")
#: First user id of the sandbox users (one per job slot); override with CLUSTERKIT_SANDBOX_UID_BASE.
DEFAULT_UID_BASE = 61000

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


@dataclass
class Limits:
    """Resource limits of one submission's run (seconds, megabytes)."""

    cell_timeout: float = 30.0
    run_timeout: float = 300.0
    #: One call of a function answer on a hidden input (as ``check()``'s limit on a worked example).
    call_timeout: float = 5.0
    #: All the calls of one function answer together: a function that never returns costs this, once.
    function_timeout: float = 10.0
    memory_mb: int = 2048
    max_output_mb: float = 20.0
    startup_timeout: float = 60.0
    nproc: int = 256
    fsize_mb: int = 64
    nofile: int = 256
    tmp_mb: int = 256


@dataclass
class Isolation:
    """What isolation the worker obtained (``missing`` lists what it could not get)."""

    root: bool = False
    user_namespace: bool = False
    network: bool = False
    mounts: bool = False
    pid: bool = False
    readonly: bool = False
    hidden: list[str] = field(default_factory=list)
    exposed: list[str] = field(default_factory=list)
    uid: int | None = None
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            "own network namespace" if self.network else "NO network isolation",
            "read-only filesystem with private /tmp" if self.readonly else "NO read-only filesystem",
            f"{len(self.hidden)} hidden path(s)" if self.mounts else "NO hidden paths",
            "own PID namespace" if self.pid else "NO PID namespace",
            f"uid {self.uid}" if self.uid is not None else "same user as the grader",
        ]
        return ", ".join(parts)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    """``unshare(2)`` (Python 3.11 has no ``os.unshare``)."""
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    """``mount(2)``."""
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), "prctl")


def make_undumpable() -> None:
    """Forbid reading this process's memory through ptrace or /proc (it may hold the key)."""
    try:
        prctl(PR_SET_DUMPABLE, 0)
    except OSError:
        pass


def uid_base() -> int:
    try:
        return int(os.environ.get("CLUSTERKIT_SANDBOX_UID_BASE", DEFAULT_UID_BASE))
    except ValueError:
        return DEFAULT_UID_BASE


def _unescape(path: str) -> str:
    # /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo
    out, i = [], 0
    while i < len(path):
        if path[i] == "\\" and i + 3 < len(path) + 1 and path[i + 1 : i + 4].isdigit():
            out.append(chr(int(path[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def _mounts() -> list[tuple[str, int]]:
    """(mount point, per-mount flags to preserve) for every mount of this namespace."""
    flag_names = {
        "nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
        "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME,
    }
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 6:
                continue
            point = _unescape(parts[4])
            flags = 0
            for opt in parts[5].split(","):
                flags |= flag_names.get(opt, 0)
            found.append((point, flags))
    return found


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as fh:
        fh.write(text)


def _hide(path: Path, iso: Isolation) -> None:
    """Cover ``path`` with an empty, read-only thing of the same kind."""
    if not path.exists():
        return
    if path.is_dir():
        mount("tmpfs", str(path), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=000")
    else:
        mount("/dev/null", str(path), None, MS_BIND)
        mount(None, str(path), None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    iso.hidden.append(str(path))


def _blocked(path: Path) -> tuple[Path, Path] | None:
    """The highest ancestor of ``path`` that others cannot enter, and its child towards ``path``."""
    chain = [*reversed(path.parents), path]
    for parent, child in zip(chain, chain[1:]):
        if not os.stat(parent).st_mode & 0o001:
            return parent, child
    return None


def _cover(point: Path, keep: list[Path], fstype_data: str, iso: Isolation, readonly: bool) -> None:
    """Mount a fresh tmpfs on ``point`` and bring back the entries in ``keep`` (paths under it),
    bind-mounted read-only from the originals (reached through file descriptors opened before)."""
    keep = sorted({k for k in keep if k != point and _under(str(k), (str(point),))})
    keep = [k for k in keep if not any(k != o and _under(str(k), (str(o),)) for o in keep)]  # outermost only
    fds = {}
    for k in keep:
        try:
            fds[k] = os.open(k, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue
    try:
        mount("tmpfs", str(point), "tmpfs", MS_NOSUID | MS_NODEV, fstype_data)
        for k, fd in fds.items():
            is_dir = os.path.isdir(f"/proc/self/fd/{fd}")
            if is_dir:
                k.mkdir(parents=True, exist_ok=True)
            else:
                k.parent.mkdir(parents=True, exist_ok=True)
                k.touch()
            mount(f"/proc/self/fd/{fd}", str(k), None, MS_BIND | MS_REC)
            mount(None, str(k), None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
            iso.exposed.append(str(k))
            for parent in k.relative_to(point).parents:  # let others through the new directories
                if parent != Path("."):
                    os.chmod(point / parent, 0o755)
        if readonly:
            mount(None, str(point), None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    finally:
        for fd in fds.values():
            os.close(fd)


def _needed(paths: list[str]) -> list[Path]:
    found = []
    for p in paths:
        try:
            real = Path(p).resolve()
        except OSError:
            continue
        if real.exists():
            found.append(real)
    return found


def _expose(paths: list[Path], iso: Isolation) -> None:
    """Let an unprivileged user reach ``paths`` (Python, the packages) when an ancestor is
    closed to others (e.g. Python installed under ``/root``): that ancestor is replaced, in
    this mount namespace only, by a read-only directory holding just the needed entries."""
    for _ in range(8):
        wanted: dict[Path, set[Path]] = {}
        for p in paths:
            try:
                hit = _blocked(p)
            except OSError:
                continue
            if hit:
                wanted.setdefault(hit[0], set()).add(p)
        if not wanted:
            return
        for closed, inside in sorted(wanted.items()):
            _cover(closed, list(inside), "size=64k,mode=0755", iso, readonly=True)


def _become_init() -> None:
    """Fork: the parent stays outside, waits and mirrors the exit; the child carries on as
    PID 1 of the new PID namespace. Processes inside cannot signal PID 1 (no handler, no
    effect), cannot see or signal anything outside, and all die when it ends."""
    pid = os.fork()
    if pid:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        code = os.waitstatus_to_exitcode(status)
        os._exit(code if code >= 0 else 128 - code)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the outer process died (killed by the grader): so do we
    try:  # a /proc that shows only this namespace's processes (we are in the mount namespace too)
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        pass


def kill_all() -> None:
    """From PID 1 of the sandbox: kill every other process in it (kernels, their children)."""
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass


def enter(hide: list[str] | None = None, tmp_mb: int = 256, slot: int = 0, expose: list[str] | None = None) -> Isolation:
    """Isolate the calling (single-threaded) worker process; see the module docstring.

    Returns what was obtained. With a PID namespace the caller comes back as PID 1 of it (a
    forked child; see :func:`_become_init`). Never raises: each step that the system refuses
    is recorded in ``Isolation.missing``. Call it before any thread exists.
    """
    iso = Isolation(root=os.geteuid() == 0)
    base = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID
    unshared = False
    try:
        if iso.root:
            unshare(base)
            unshared = True
        else:
            uid, gid = os.geteuid(), os.getegid()
            unshare(base | CLONE_NEWUSER)
            unshared = iso.user_namespace = True
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1\n")
            _write("/proc/self/gid_map", f"{gid} {gid} 1\n")
        iso.network = iso.pid = True
    except OSError as exc:
        iso.missing.append(f"namespaces ({exc.strerror or exc})")
        make_undumpable()
        if unshared:  # children would go to the new PID namespace: we must be inside it too
            iso.network = True
            _become_init()
            iso.pid = True
            return _finish(iso, slot)
        try:  # a network namespace alone is still worth having
            unshare(CLONE_NEWNET | (0 if iso.root else CLONE_NEWUSER))
            iso.network = True
        except OSError:
            pass
        return _finish(iso, slot)
    make_undumpable()  # after the id maps: an undumpable process cannot write them

    try:
        mount(None, "/", None, MS_REC | MS_PRIVATE)  # never propagate anything to the host
        iso.mounts = True
    except OSError as exc:
        iso.missing.append(f"private mounts ({exc.strerror})")
    if iso.mounts:
        ro_ok = True
        for point, flags in _mounts():
            if _under(point, _KEEP_RW) or point in _KEEP_RW_EXACT or point in _SCRATCH:
                continue
            try:
                mount(None, point, None, MS_BIND | MS_REMOUNT | MS_RDONLY | flags)
            except OSError:
                if point == "/":
                    ro_ok = False
        needed = _needed(expose or [])
        for point in _SCRATCH:
            if os.path.isdir(point):
                size = tmp_mb if point == "/tmp" else max(16, tmp_mb // 8)
                try:  # Python or the packages may live under /tmp: they are carried over
                    _cover(Path(point), needed, f"size={size}m,mode=1777", iso, readonly=False)
                except OSError:
                    ro_ok = False
        iso.readonly = ro_ok
        if not ro_ok:
            iso.missing.append("read-only filesystem")
        if iso.root and needed:
            try:
                _expose(needed, iso)
            except OSError as exc:
                iso.missing.append(f"making Python reachable for the sandbox user ({exc.strerror})")
        for p in sorted({str(Path(h).resolve()) for h in (hide or []) if h}):
            try:
                _hide(Path(p), iso)
            except OSError as exc:
                iso.missing.append(f"hiding {p} ({exc.strerror})")
    try:
        _become_init()
    except OSError as exc:
        iso.pid = False
        iso.missing.append(f"PID namespace ({exc.strerror})")
    return _finish(iso, slot)


def _finish(iso: Isolation, slot: int) -> Isolation:
    if iso.root:
        iso.uid = uid_base() + slot
    else:
        iso.missing.append("unprivileged user (the grader is not root: the kernel runs as the grader's user)")
    if not iso.network and "network isolation" not in iso.missing:
        iso.missing.append("network isolation")
    return iso


def jail_command(limits: Limits, uid: int | None, workdir: str) -> list[str]:
    """The command that applies limits (and the user switch) and then execs the kernel."""
    jail = str(Path(__file__).with_name("_jail.py"))
    args = [
        sys.executable, "-I", "-S", jail,
        "--memory", str(limits.memory_mb),
        "--nproc", str(limits.nproc),
        "--fsize", str(limits.fsize_mb),
        "--nofile", str(limits.nofile),
        "--cpu", str(int(limits.run_timeout) + 30),
        "--cwd", workdir,
    ]
    if uid is not None:
        args += ["--uid", str(uid)]
    return args + ["--"]


__all__ = ["Limits", "Isolation", "enter", "jail_command", "kill_all", "make_undumpable"]
