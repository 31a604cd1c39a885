"""gunicorn's settings (gunicorn.conf.py), read as gunicorn reads them."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def _loaded(monkeypatch, **environment: str) -> Config:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_one_request_at_a_time_per_process_two_per_cpu_and_one(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = _loaded(monkeypatch)
    assert config.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert config.threads == 1
    assert config.worker_class_str == "sync"


def test_web_concurrency_sets_the_number_of_processes(monkeypatch):
    # Never the default: 2 × CPUs + 1 is odd.
    assert _loaded(monkeypatch, WEB_CONCURRENCY="8").workers == 8


def test_a_long_key_import_is_not_cut_short(monkeypatch):
    # A 100,000-row import takes about 40 s on the benchmark machine; gunicorn's default
    # timeouts (30 s) would replace the worker mid-import, or kill it at a restart.
    config = _loaded(monkeypatch)
    assert config.timeout >= 300
    assert config.graceful_timeout >= config.timeout
