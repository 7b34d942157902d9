"""Subprocess helpers: free loopback ports and waiting for a server to listen."""

from __future__ import annotations

import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout_s: float) -> float:
    """Seconds until something listens on ``port``; raises if the process dies or time runs out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return time.perf_counter() - started
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}") from None
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout_s} s")
