"""A real `timeline serve` on a free loopback port, for the tests that need one."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(arguments: list[str], ready: str = "/api/events",
                 within: float = 60) -> tuple[subprocess.Popen, str]:
    """Start `timeline serve --host 127.0.0.1 --port P ARGUMENTS` and return the process
    and its base URL once `ready` answers 2xx. If the server exits or does not answer
    within `within` seconds it is killed and AssertionError carries its stderr's end.

    The caller terminates the process when done."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "serve", "--host", "127.0.0.1",
         "--port", str(port), *arguments],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + within
    while True:
        try:
            urllib.request.urlopen(base + ready, timeout=5)
            return process, base
        except OSError:  # refused, or an HTTP error status
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError("server did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.2)
