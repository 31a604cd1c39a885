"""The measured period of one locust run of `make bench`, and what it writes at the end.

Measurement starts when every simulated user has signed in, after a short warm-up, and lasts
BENCH_DURATION seconds; then the run stops itself and writes every measured response time to
BENCH_OUTPUT, so percentiles are exact rather than locust's rounded ones.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import events
from locust.env import Environment

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text())
SCENARIO = os.environ["BENCH_SCENARIO"]
USERS = int(os.environ["BENCH_USERS"])
DURATION = float(os.environ["BENCH_DURATION"])
WARMUP = float(os.environ["BENCH_WARMUP"])
OUTPUT = Path(os.environ["BENCH_OUTPUT"])


class Window:
    """The measured period, shared by the simulated users of this process."""

    environment: Environment  # set when locust starts (_remember_environment)
    signed_in = 0
    users_started = 0
    everyone_in = Event()
    start = end = float("inf")
    times: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    messages: list[str] = []
    setup_failures: list[str] = []

    @classmethod
    def user_ready(cls) -> None:
        cls.signed_in += 1
        if cls.signed_in == USERS:
            cls.start = time.time() + WARMUP
            cls.end = cls.start + DURATION
            cls.everyone_in.set()
            gevent.spawn_later(WARMUP + DURATION + 0.05, cls.finish)

    @classmethod
    def finish(cls) -> None:
        result = {
            "scenario": SCENARIO,
            "users": USERS,
            "duration": DURATION,
            "times": cls.times,
            "failures": cls.failures,
            "messages": cls.messages[:10],
            "setup_failures": cls.setup_failures[:10],
            # What each simulated user had: a user short of keys shows here.
            "slots": [
                {"subscription": slot["subscription"], "keys_left": len(slot["keys"])}
                for slot in PLAN["slots"]
            ],
            "users_started": cls.users_started,
        }
        OUTPUT.write_text(json.dumps(result))
        if cls.environment.runner is not None:
            cls.environment.runner.quit()


@events.init.add_listener
def _remember_environment(environment, **_kwargs) -> None:
    Window.environment = environment


@events.request.add_listener
def _measure(name, response_time, exception, **_kwargs) -> None:
    if not Window.start <= time.time() <= Window.end:
        if exception is not None and time.time() < Window.start:
            Window.setup_failures.append(f"{name}: {exception}"[:300])
        return
    Window.times.setdefault(name, []).append(response_time)
    if exception is not None:
        Window.failures[name] = Window.failures.get(name, 0) + 1
        Window.messages.append(f"{name}: {exception}"[:300])
