"""Exec wrapper for a student's kernel: resource limits, no new privileges, an unprivileged user.

Run as ``python -I -S _jail.py [options] -- KERNEL COMMAND...`` (it imports nothing from
clusterkit, so it starts in milliseconds). It applies the limits to itself, switches user
when asked, and replaces itself with the kernel, which inherits everything.
"""
import ctypes
import ctypes.util
import os
import resource
import sys

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38


def _limit(which: int, value: int) -> None:
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        soft, hard = resource.getrlimit(which)
        if hard == resource.RLIM_INFINITY or value <= hard:
            resource.setrlimit(which, (value, hard if hard != resource.RLIM_INFINITY else value))


def main(argv: list) -> None:
    if "--" not in argv:
        sys.exit("usage: _jail.py [--memory MB] [--nproc N] [--fsize MB] [--nofile N] [--cpu S] [--uid UID] [--cwd DIR] -- COMMAND...")
    split = argv.index("--")
    opts, cmd = argv[:split], argv[split + 1 :]
    conf = dict(zip(opts[0::2], opts[1::2]))
    mb = 1024 * 1024
    if "--memory" in conf:
        _limit(resource.RLIMIT_AS, int(conf["--memory"]) * mb)
    if "--fsize" in conf:
        _limit(resource.RLIMIT_FSIZE, int(conf["--fsize"]) * mb)
    if "--nofile" in conf:
        _limit(resource.RLIMIT_NOFILE, int(conf["--nofile"]))
    if "--cpu" in conf:
        _limit(resource.RLIMIT_CPU, int(conf["--cpu"]))
    _limit(resource.RLIMIT_CORE, 0)
    if "--uid" in conf:
        uid = int(conf["--uid"])
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        if os.getuid() != uid or os.geteuid() != uid:
            sys.exit("could not drop privileges")
    if "--nproc" in conf:  # after the switch: counted per user
        _limit(resource.RLIMIT_NPROC, int(conf["--nproc"]))
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    # The kernel dies with the worker that started it (set after the user switch, which clears it).
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    os.umask(0o077)
    if "--cwd" in conf:
        os.chdir(conf["--cwd"])
    # The kernel's parent is outside its PID namespace: no parent poller.
    os.environ.pop("JPY_PARENT_PID", None)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
