"""`make bench`: fill a large PostgreSQL database, serve the portal as production does, load
each scenario from a second process, and report throughput, latency and worker memory, each
page held to targets relative to /healthz/ measured in the same run (bench/report.py).

    BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/partnerbenefits_bench
    REDIS_URL           cache, rate limits and sessions, as in production (optional)
    BENCH_USERS         simulated users, default 16
    BENCH_DURATION      seconds measured per scenario, default 30
    BENCH_SCENARIOS     comma-separated subset, default all (in the order below); /healthz/
                        is always measured, as every target is relative to it
    BENCH_FLOOR_SECONDS seconds of /healthz/ measured again just before each other scenario,
                        default 10: the targets divide by the median of these runs and the
                        first (bench/report.py, run_floor)
    BENCH_PORT          loopback port of gunicorn, default 8765
    BENCH_WORKERS, BENCH_THREADS  gunicorn's processes and threads per process, default
                        production's (gunicorn.conf.py: 2 × CPUs + 1 processes, 1 thread)
    BENCH_KEEP_ALIVE    seconds gunicorn keeps a connection open, default 0: one request per
                        connection, so requests spread over the workers (kept alive, each
                        simulated user stays on one worker); only with BENCH_THREADS above 1,
                        as production's one-thread workers keep no connection alive
    BENCH_STRICT        1: exit with status 1 when a target is missed
    BENCH_DIGEST_CONCURRENCY  tasks the digest scenario's one Celery worker runs at a time,
                        default one per CPU (Celery's own default)

Run it with ``python -m bench.run`` from the project directory (``make bench`` does).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from psycopg import sql

from bench import report
from bench.load import run_scenario
from bench.serve import THREADS, WORKERS, Portal, portal_environment

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/partnerbenefits_bench"
# /healthz/ is the floor of any database-backed page, the signed-in page the floor of any page
# behind sign-in; the redemption goes last because it writes.
SCENARIOS = [
    "healthz",
    "signed-in",
    "azure-cloud",
    "azure-cloud-filtered",
    "details",
    "picker",
    "products",
    "activity",
    "report",
    "redemption",
    # The REST API (SPEC 11), with a token per simulated user: two reads, then a write.
    "api-benefits",
    "api-people",
    "api-redemption",
    # Not pages: the daily digest job on a Celery worker (bench/digests.py), and 1,000 activity
    # records sent to a webhook endpoint by one (bench/webhooks.py).
    "digests",
    "webhooks",
]
# Measured on a Celery worker after the pages, not by simulated users.
WORKER_SCENARIOS = {"digests", "webhooks"}


def main() -> int:
    users = int(os.environ.get("BENCH_USERS", "16"))
    duration = float(os.environ.get("BENCH_DURATION", "30"))
    port = int(os.environ.get("BENCH_PORT", "8765"))
    keep_alive = int(os.environ.get("BENCH_KEEP_ALIVE", "0"))
    floor_seconds = float(os.environ.get("BENCH_FLOOR_SECONDS", "10"))
    scenarios = _chosen_scenarios(os.environ.get("BENCH_SCENARIOS", ""))
    bench_database_ready()
    from django.core.management import call_command
    from django.db import connections

    from bench.plan import make_plan
    from bench.shape import shape_fingerprint

    plan = make_plan(users=users, duration=duration)
    print("Collecting static files…", file=sys.stderr)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()

    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        work_dir = Path(work)
        plan_path = work_dir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        load_before = os.getloadavg()
        with Portal(port, keep_alive=keep_alive, log=work_dir / "gunicorn.log") as portal:
            one_run = partial(
                run_scenario, users=users, host=portal.url, plan_path=plan_path, work_dir=work_dir
            )
            measured = []
            for scenario in scenarios:
                if scenario in WORKER_SCENARIOS:
                    continue
                floor_sample = None
                if scenario != report.FLOOR:
                    # A sample of the machine's speed at this point of the run: the targets
                    # divide by the median of all of them (bench/report.py, run_floor).
                    print(
                        f"Floor before {scenario}: /healthz/ for {floor_seconds:g} s…",
                        file=sys.stderr,
                    )
                    floor_sample = one_run(
                        report.FLOOR, duration=floor_seconds, label=f"floor-{scenario}"
                    )
                print(f"Scenario {scenario}: {users} users for {duration:g} s…", file=sys.stderr)
                measured.append({**one_run(scenario, duration=duration), "floor": floor_sample})
            memory = portal.memory()
        load_after = os.getloadavg()
        if any(one.get("failures") for one in measured):
            # The server side of the errors, before the log goes with the temporary directory.
            log = (work_dir / "gunicorn.log").read_text(errors="replace")
            print(log[-4000:], file=sys.stderr)

    results = [report.figures(one) for one in measured]
    floor = report.add_ratios(results)
    targets = report.check_targets(results, memory)
    digest_figures = None
    if "digests" in scenarios:
        from bench import digests

        print("Scenario digests: the daily job on one worker…", file=sys.stderr)
        concurrency = int(os.environ.get("BENCH_DIGEST_CONCURRENCY") or os.cpu_count() or 1)
        digest_figures = digests.measure(
            environment=dict(os.environ), port=port + 1, concurrency=concurrency
        )
        targets.append(
            report.Target(
                f"daily digests: all delivered once within {digests.MAX_SECONDS} s",
                digest_figures.passed,
                f"{digest_figures.seconds:.1f} s, {digest_figures.digests_received} of "
                f"{digest_figures.digests_expected}, {digest_figures.duplicates} twice",
            )
        )
    webhook_figures = None
    if "webhooks" in scenarios:
        from bench import webhooks

        print("Scenario webhooks: 1,000 events to one endpoint…", file=sys.stderr)
        webhook_figures = webhooks.measure(environment=dict(os.environ))
        targets.append(
            report.Target(
                f"webhooks: all {webhooks.EVENTS} delivered once within {webhooks.MAX_SECONDS:g} s",
                webhook_figures.passed,
                f"{webhook_figures.seconds:.1f} s, {webhook_figures.received} of "
                f"{webhook_figures.events}, {webhook_figures.requests} requests",
            )
        )
    print()
    print(report.table(results, memory, targets, floor))
    if digest_figures is not None:
        print()
        print(digests.report(digest_figures))
    if webhook_figures is not None:
        print()
        print(webhooks.report(webhook_figures))
    stamp = datetime.now(UTC)
    path = RESULTS_DIR / f"{stamp:%Y%m%dT%H%M%SZ}.json"
    report.write_json(
        path,
        run={
            "measured_at": stamp.isoformat(timespec="seconds"),
            "users": users,
            "seconds_per_scenario": duration,
            "seconds_per_floor": floor_seconds,
            "floor": asdict(floor) if floor else None,
            "gunicorn": {"workers": WORKERS, "threads": THREADS, "keep_alive": keep_alive},
            "cpus": os.cpu_count(),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in load_after],
            "data_shape": shape_fingerprint(),
            "redis": bool(os.environ.get("REDIS_URL")),
            "prepared_statements": _prepared_statements(),
            "digests": asdict(digest_figures) if digest_figures else None,
            "webhooks": asdict(webhook_figures) if webhook_figures else None,
        },
        results=results,
        memory=memory,
        targets=targets,
    )
    print(f"\nWritten to {path.relative_to(BASE_DIR)}")
    missed = [target for target in targets if not target.passed]
    if missed:
        print(f"{len(missed)} target(s) missed.")
    return 1 if missed and os.environ.get("BENCH_STRICT") == "1" else 0


def _prepared_statements() -> bool:
    """Whether the portal's PostgreSQL connections prepare what they repeat (settings)."""
    from django.conf import settings

    return bool(settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold"))


def bench_database_ready() -> None:
    """Create the bench database if missing, set Django up on it as production would be, and
    bring it to the current migrations and data shape."""
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    os.environ.update(portal_environment(database_url))

    import django

    django.setup()
    from django.core.management import call_command

    from bench.populate import ensure_filled

    call_command("migrate", interactive=False, verbosity=0)
    ensure_filled()


def _chosen_scenarios(value: str) -> list[str]:
    """The scenarios named (all by default), always with /healthz/: every target is a multiple
    of its figures in the same run."""
    chosen = [name.strip() for name in value.split(",") if name.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"Unknown scenarios: {', '.join(sorted(unknown))}")
    return [name for name in SCENARIOS if not chosen or name in {*chosen, "healthz"}]


def ensure_database(url: str) -> None:
    """Create the bench database when it doesn't exist yet."""
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("BENCH_DATABASE_URL must point at PostgreSQL.")
    connect: dict[str, Any] = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in connect.items() if v is not None}) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


if __name__ == "__main__":
    sys.exit(main())
