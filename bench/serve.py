"""The portal under load: gunicorn as production runs it, on a loopback port, behind the
TLS-terminating proxy it expects, with its workers' memory watched."""

from __future__ import annotations

import os
import runpy
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Production's workers and threads (gunicorn.conf.py); BENCH_WORKERS and BENCH_THREADS try others.
_PRODUCTION = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
WORKERS = int(os.environ.get("BENCH_WORKERS") or _PRODUCTION["workers"])
THREADS = int(os.environ.get("BENCH_THREADS") or _PRODUCTION["threads"])


def portal_environment(database_url: str) -> dict[str, str]:
    """Production settings, behind a TLS-terminating proxy on the loopback interface."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        # No access log: it would bury server errors in gunicorn.log, and its constant cost per
        # request would move every ratio to /healthz/ toward 1.
        "GUNICORN_ACCESS_LOG": "",
        # The simulated partner admins sign in with a password only. With two-step verification
        # required, enrolled accounts pay one more query a page (accounts.mfa's check).
        "PORTAL_MFA_REQUIRED": "0",
        # The simulated API clients send their next request as soon as the last is answered,
        # faster than the 600 a minute a token is allowed: the limit's counter is still kept
        # (its cost is measured), it just never refuses.
        "API_REQUESTS_PER_MINUTE": "1000000",
    }


class Portal:
    """gunicorn as production runs it, on a loopback port, with its workers' memory watched."""

    def __init__(self, port: int, *, keep_alive: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port, self.keep_alive, self.log = port, keep_alive, log
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()

    def __enter__(self) -> Portal:
        command = [
            str(BIN / "gunicorn"),
            "partnerbenefits.wsgi",
            "--workers", str(WORKERS),
            "--threads", str(THREADS),
            "--bind", f"127.0.0.1:{self.port}",
            "--keep-alive", str(self.keep_alive),
        ]  # fmt: skip
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=BASE_DIR, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        self._wait_until_up()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log_file.close()
        if exc_info[0] is not None:
            print(self.log.read_text(errors="replace")[-3000:], file=sys.stderr)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        request = urllib.request.Request(f"{self.url}/healthz/")  # noqa: S310 - loopback
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(self.log.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz/ within 60 s.")

    def workers(self) -> list[int]:
        master = str(self.process.pid)
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                # The parent id is the 4th field, after "(command name)".
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if stat.rsplit(")", 1)[1].split()[1] == master:
                pids.append(int(entry.name))
        return sorted(pids)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            for pid in self.workers():
                rss = _status_bytes(pid, "VmRSS")
                if rss is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), rss)

    def memory(self) -> dict[str, dict]:
        """Per worker: the kernel's peak resident size (VmHWM) and the resident size now."""
        result = {}
        for pid in self.workers():
            peak = max(_status_bytes(pid, "VmHWM") or 0, self.peaks.get(pid, 0))
            result[str(pid)] = {
                "rss_peak_bytes": peak,
                "rss_after_bytes": _status_bytes(pid, "VmRSS") or 0,
            }
        return result


def _status_bytes(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
