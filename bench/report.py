"""Figures from the measured response times, the targets they are held to, and the report:
a table on the terminal and the same as JSON in bench/results/."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

MB = 1024 * 1024
# The pages people use most: each must keep up with a good share of the database floor.
PAGES_WITH_TARGETS = ["azure-cloud", "details", "picker", "products", "activity"]
MIN_RATIO_TO_HEALTHZ = 0.12
PAGE_P95_MS = 150
REDEMPTION_P95_MS = 400
WORKER_RSS_MB = 200


@dataclass
class Figures:
    scenario: str
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    ratio_to_healthz: float | None = None
    ratio_to_signed_in: float | None = None
    steps: dict | None = None


def percentile(sorted_times: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest time that ``share`` of the requests stay within."""
    if not sorted_times:
        return math.nan
    rank = max(math.ceil(share * len(sorted_times)), 1)
    return sorted_times[rank - 1]


def _times_figures(name: str, times: list[float], errors: int, duration: float) -> Figures:
    ordered = sorted(times)
    return Figures(
        scenario=name,
        requests=len(ordered),
        per_second=len(ordered) / duration,
        p50_ms=percentile(ordered, 0.50),
        p95_ms=percentile(ordered, 0.95),
        p99_ms=percentile(ordered, 0.99),
        errors=errors,
    )


def figures(measured: dict) -> Figures:
    """The figures of one scenario run, from what bench/locustfile.py wrote."""
    name, duration = measured["scenario"], measured["duration"]
    times, failures = measured["times"], measured["failures"]
    result = _times_figures(name, times.get(name, []), failures.get(name, 0), duration)
    # A simulated user that could not sign in is an error too, as is measuring nothing.
    result.errors += len(measured.get("setup_failures", []))
    if not result.requests:
        result.errors = max(result.errors, 1)
    steps = {
        step: asdict(_times_figures(step, values, failures.get(step, 0), duration))
        for step, values in times.items()
        if step != name
    }
    result.steps = steps or None
    return result


def add_ratios(results: list[Figures]) -> None:
    by_name = {result.scenario: result for result in results}
    for result in results:
        for floor, attribute in (
            ("healthz", "ratio_to_healthz"),
            ("signed-in", "ratio_to_signed_in"),
        ):
            base = by_name.get(floor)
            if base is not None and base.per_second:
                setattr(result, attribute, result.per_second / base.per_second)


@dataclass
class Target:
    what: str
    passed: bool
    measured: str


def check_targets(results: list[Figures], memory: dict[str, dict]) -> list[Target]:
    by_name = {result.scenario: result for result in results}
    targets = [
        Target(f"{result.scenario}: no errors", result.errors == 0, f"{result.errors} errors")
        for result in results
    ]
    for name in PAGES_WITH_TARGETS:
        result = by_name.get(name)
        if result is None:
            continue
        ratio = result.ratio_to_healthz or 0.0
        targets.append(
            Target(
                f"{name}: ≥ {MIN_RATIO_TO_HEALTHZ}× /healthz/ throughput",
                ratio >= MIN_RATIO_TO_HEALTHZ,
                f"{ratio:.3f}×",
            )
        )
        targets.append(
            Target(
                f"{name}: p95 ≤ {PAGE_P95_MS} ms",
                result.p95_ms <= PAGE_P95_MS,
                f"{result.p95_ms:.0f} ms",
            )
        )
    if "redemption" in by_name:
        p95 = by_name["redemption"].p95_ms
        targets.append(
            Target(
                f"redemption (4 requests): p95 ≤ {REDEMPTION_P95_MS} ms",
                p95 <= REDEMPTION_P95_MS,
                f"{p95:.0f} ms",
            )
        )
    for pid, worker in memory.items():
        rss = worker["rss_after_bytes"] / MB
        targets.append(
            Target(
                f"worker {pid}: memory after the run ≤ {WORKER_RSS_MB} MB",
                rss <= WORKER_RSS_MB,
                f"{rss:.0f} MB",
            )
        )
    return targets


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def table(results: list[Figures], memory: dict[str, dict], targets: list[Target]) -> str:
    header = (
        f"{'scenario':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'÷ healthz':>11}{'÷ signed-in':>13}"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        lines.append(
            f"{result.scenario:<22}{result.per_second:>9.1f}{result.p50_ms:>9.0f}"
            f"{result.p95_ms:>9.0f}{result.p99_ms:>9.0f}{result.errors:>8}"
            f"{_ratio(result.ratio_to_healthz):>11}{_ratio(result.ratio_to_signed_in):>13}"
        )
        for step in (result.steps or {}).values():
            lines.append(
                f"  {step['scenario']:<20}{'':>9}{step['p50_ms']:>9.0f}{step['p95_ms']:>9.0f}"
                f"{step['p99_ms']:>9.0f}{step['errors']:>8}"
            )
    lines.append("")
    lines.append("gunicorn worker memory (RSS): peak / after the run")
    for pid, worker in memory.items():
        lines.append(
            f"  worker {pid}: {worker['rss_peak_bytes'] / MB:.0f} MB / "
            f"{worker['rss_after_bytes'] / MB:.0f} MB"
        )
    lines.append("")
    lines.append("targets")
    for target in targets:
        verdict = "PASS" if target.passed else "MISS"
        lines.append(f"  {verdict}  {target.what}  ({target.measured})")
    return "\n".join(lines)


def write_json(path: Path, *, run: dict, results, memory, targets) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        **run,
        "scenarios": [asdict(result) for result in results],
        "workers": memory,
        "targets": [asdict(target) for target in targets],
        "all_targets_met": all(target.passed for target in targets),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
