"""One scenario of `make bench` loaded by locust in a second process (bench/locustfile.py):
its command line, and what it measured, read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WARMUP_SECONDS = 2
SIGN_IN_ALLOWANCE_SECONDS = 120


def run_scenario(scenario, *, users, duration, host, plan_path, work_dir, label="") -> dict:
    """One scenario's run; ``label`` names its files when a scenario runs more than once."""
    output = work_dir / f"{label or scenario}.json"
    log = work_dir / f"locust-{label or scenario}.log"
    command = [
        str(BIN / "locust"),
        "-f", str(BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--users", str(users),
        "--spawn-rate", str(users),
        "--host", host,
        # A safety net: the locustfile stops the run itself once the measurement is done.
        "--run-time", f"{int(WARMUP_SECONDS + duration + SIGN_IN_ALLOWANCE_SECONDS)}s",
        "--only-summary",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "BENCH_PLAN": str(plan_path),
        "BENCH_SCENARIO": scenario,
        "BENCH_USERS": str(users),
        "BENCH_DURATION": str(duration),
        "BENCH_WARMUP": str(WARMUP_SECONDS),
        "BENCH_OUTPUT": str(output),
        # The locustfile imports bench.measurement: the project's root must be importable.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
    }
    with log.open("wb") as log_file:
        subprocess.run(  # noqa: S603 - our own command line
            command, cwd=BASE_DIR, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
    if not output.exists():
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        return {"scenario": scenario, "duration": duration, "times": {}, "failures": {}}
    measured = json.loads(output.read_text())
    for message in [*measured.get("setup_failures", []), *measured.get("messages", [])][:3]:
        print(f"  error: {message}", file=sys.stderr)
    if measured.get("slots"):
        print(
            f"  users started: {measured.get('users_started')}, keys left per user: "
            f"{[slot['keys_left'] for slot in measured['slots']]}",
            file=sys.stderr,
        )
    return measured
