"""``sora-widgets demo``: open JupyterLab on the quickstart notebook, with the simulator.

The notebooks are copied from the source checkout into a working directory under the
sora-widgets home, so a newcomer can run and edit them freely without dirtying the repository
(tests require committed notebooks to stay stripped). The key and base URL are removed from the
server's environment unless ``--real`` is given: a demo must never spend money by accident.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ._constants import ENV_API_KEY, ENV_BASE_URL
from ._paths import default_home

FIRST_NOTEBOOK = "quickstart.ipynb"


def find_notebooks(explicit: str | None = None) -> Path:
    """Return the directory holding the bundled notebooks.

    Args:
        explicit: A directory given on the command line; wins over the search.

    Raises:
        SystemExit: When no directory with ``quickstart.ipynb`` is found (with advice).
    """
    if explicit:  # asked for: no silent fallback to other notebooks
        candidates = [Path(explicit).expanduser()]
    else:  # a source checkout (sora_widgets/_demo.py -> <repo>/notebooks), then the cwd
        candidates = [Path(__file__).resolve().parent.parent / "notebooks", Path.cwd() / "notebooks"]
    for candidate in candidates:
        if (candidate / FIRST_NOTEBOOK).is_file():
            return candidate
    raise SystemExit(
        "sora-widgets demo: cannot find the notebooks (looked in "
        + ", ".join(str(c) for c in candidates)
        + "). Run it from a clone of the repository, or pass --notebooks DIR."
    )


def default_workdir() -> Path:
    """Return ``<sora-widgets home>/notebooks`` (``$SORA_WIDGETS_HOME`` or the user data dir)."""
    return default_home() / "notebooks"


def prepare_workdir(source: Path, workdir: Path, *, reset: bool = False) -> list[Path]:
    """Copy the notebooks (and any files beside them) from ``source`` into ``workdir``.

    Files already there are kept, because the user may have edited them, unless ``reset``.

    Returns:
        The files that were copied.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    for item in sorted(source.iterdir()):
        if item.name.startswith(".") or not item.is_file():
            continue
        target = workdir / item.name
        if reset or not target.exists():
            shutil.copy2(item, target)
            copied.append(target)
    return copied


def _has_curve() -> bool:
    """Whether the server can have kernel traffic encrypted: pyzmq with CurveZMQ (the option is
    refused without it) and a jupyter_server that offers the option (older ones warn about it)."""
    try:
        import zmq
        from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    except ImportError:
        return False
    return (
        bool(zmq.has("curve")) and MappingKernelManager.class_traits().get("transport_encryption") is not None
    )


def jupyter_command(workdir: Path, extra: Sequence[str]) -> list[str]:
    """Return the command line that starts JupyterLab on the quickstart in ``workdir``."""
    command = [
        sys.executable,
        "-m",
        "sora_widgets._demo_lab",  # JupyterLab, without a third-party warning (see that module)
        f"--ServerApp.root_dir={workdir}",
        f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}",
        # A demo opens on the lesson, not on a "get Jupyter news?" toast, and phones nowhere.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # Warnings only: the server's INFO lines would bury the URL it prints (as CRITICAL).
        # Options given to the demo come later on the line and win (e.g. --ServerApp.log_level=INFO).
        "--ServerApp.log_level=WARN",
        "--LabApp.log_level=WARN",
    ]
    if _has_curve():
        # Kernels whose kernelspec says they can (ipykernel's does) get CurveZMQ keys from the
        # server: their traffic is encrypted, and no "Kernel is running over TCP without
        # encryption" warning is printed for every notebook opened.
        command.append("--MappingKernelManager.transport_encryption=auto")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Jupyter refuses to run as root without this; containers and CI machines often are root.
        command.append("--allow-root")
    command += list(extra)
    return command


# JupyterLab's defaults for the demo: never ask "get Jupyter news?" (the announcements pop-up)
# nor check for updates. A user's own settings still win over these defaults.
SETTING_DEFAULTS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def prepare_config(workdir: Path) -> Path:
    """Write the demo's JupyterLab setting defaults; return the config directory that holds them.

    It goes first on ``JUPYTER_CONFIG_PATH``, where JupyterLab reads
    ``labconfig/default_setting_overrides.json``; nothing in the user's own Jupyter config changes.
    """
    config = workdir / ".sora-demo-jupyter"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps(SETTING_DEFAULTS, indent=2), encoding="utf-8"
    )
    return config


def server_url(pid: int) -> str | None:
    """The URL (with its token) of the running Jupyter server with process id ``pid``, or None.

    Read from the server's own runtime file (``jpserver-<pid>.json``), as ``jupyter server list``.
    """
    from jupyter_server.serverapp import list_running_servers

    for info in list_running_servers():
        if info.get("pid") == pid:
            token = info.get("token") or ""
            return f"{str(info['url']).rstrip('/')}/lab/tree/{FIRST_NOTEBOOK}" + (
                f"?token={token}" if token else ""
            )
    return None


def _stop_with_parent(parent: int) -> Callable[[], None] | None:
    """For the JupyterLab child (Linux): a SIGTERM when the demo's process ends, however it ends.

    A `kill` or a closed terminal reaches the demo, which passes it on (see :func:`main`); a
    ``kill -9`` of the demo (an IDE stopping its terminal, a test's cleanup) cannot be passed on,
    and would leave JupyterLab running with nobody to stop it, its port taken."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    pr_set_pdeathsig = 1

    def arm() -> None:  # runs in the child, between fork and exec
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the demo ended before the line above
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


def _announce_url(process: subprocess.Popen[bytes], timeout_s: float = 120.0) -> None:
    """Print the demo's URL in a box of its own once JupyterLab is up."""
    deadline = time.monotonic() + timeout_s
    while process.poll() is None and time.monotonic() < deadline:
        url = server_url(process.pid)
        if url:
            rule = "-" * min(100, len(url) + 4)
            print(f"\n{rule}\n  Open the demo in your browser:\n  {url}\n{rule}\n", flush=True)
            return
        time.sleep(0.5)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-widgets demo",
        allow_abbrev=False,  # unknown options belong to JupyterLab; never guess at prefixes
        description="Open JupyterLab on the quickstart notebook with the built-in simulator (no key).",
        epilog="Other options are passed to JupyterLab, e.g. --port 8890 --no-browser.",
    )
    parser.add_argument("--notebooks", help="directory with the notebooks to copy (default: the repo's)")
    parser.add_argument("--workdir", help="where to copy them (default: $SORA_WIDGETS_HOME/notebooks)")
    parser.add_argument("--reset", action="store_true", help="overwrite edited copies with the originals")
    parser.add_argument(
        "--real",
        action="store_true",
        help=f"keep {ENV_API_KEY} and {ENV_BASE_URL} so notebooks talk to the real API (costs money)",
    )
    parser.add_argument("--dry-run", action="store_true", help="prepare and print the command, start nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sora-widgets demo``; returns JupyterLab's exit code.

    Args:
        argv: Arguments after ``demo`` (defaults to ``sys.argv[1:]``).
    """
    args, extra = _parser().parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if importlib.util.find_spec("jupyterlab") is None:
        print(
            "sora-widgets demo needs JupyterLab: pip install 'sora-widgets[demo]' (or run `make demo`).",
            file=sys.stderr,
        )
        return 2
    source = find_notebooks(args.notebooks)
    workdir = Path(args.workdir).expanduser() if args.workdir else default_workdir()
    copied = prepare_workdir(source, workdir, reset=args.reset)
    print(f"Notebooks in {workdir} ({len(copied)} copied from {source}); edit them freely,")
    print("`sora-widgets demo --reset` restores the originals.")

    env = dict(os.environ)
    if not args.real:
        removed = [name for name in (ENV_API_KEY, ENV_BASE_URL) if env.pop(name, None) is not None]
        if removed:
            print(f"Ignoring {' and '.join(removed)} for this demo (pass --real to use them).")
        print("Using the built-in simulator: no key needed, nothing is billed.")
    config = prepare_config(workdir)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (str(config), env.get("JUPYTER_CONFIG_PATH")) if p
    )
    command = jupyter_command(workdir, extra)
    if args.dry_run:
        print(f"JUPYTER_CONFIG_PATH={env['JUPYTER_CONFIG_PATH']}")
        print(" ".join(command))
        return 0
    print(f"Starting JupyterLab on {FIRST_NOTEBOOK} (Ctrl+C stops it)...")
    sys.stdout.flush()  # our lines first, then JupyterLab's
    process = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, env=env, cwd=workdir, preexec_fn=_stop_with_parent(os.getpid())
    )
    threading.Thread(target=_announce_url, args=(process,), name="demo url", daemon=True).start()

    def forward(signum: int, _frame: object) -> None:
        # Stopping the demo (kill, a closed terminal) must stop JupyterLab too, not orphan it.
        if process.poll() is None:
            process.send_signal(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), forward)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            # Ctrl+C reaches JupyterLab too, which asks to confirm (or stops on a second one);
            # we wait for it rather than leave it orphaned on the terminal.
            continue


if __name__ == "__main__":
    sys.exit(main())
