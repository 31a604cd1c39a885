"""Figures from the measured response times, the targets they are held to, and the report:
a table on the terminal and the same as JSON in bench/results/."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

MB = 1024 * 1024
FLOOR = "healthz"


@dataclass(frozen=True)
class PageTarget:
    """What a page must keep up with, as multiples of /healthz/ measured in the same run: the
    machine's speed cancels out, so the verdicts hold on any machine."""

    min_throughput: float  # at least this share of /healthz/'s requests per second
    max_p95: float | None  # p95 at most this many times /healthz/'s p95 (None: no target)


# The pages people use most. Pages that only read cached tables on a warm cache keep up with a
# larger share than the details (full product keys: never cached) and the picker.
PAGE_TARGETS = {
    "azure-cloud": PageTarget(min_throughput=0.30, max_p95=4),
    "azure-cloud-filtered": PageTarget(min_throughput=0.30, max_p95=4),
    "details": PageTarget(min_throughput=0.25, max_p95=5),
    "picker": PageTarget(min_throughput=0.25, max_p95=5),
    "products": PageTarget(min_throughput=0.30, max_p95=4),
    "activity": PageTarget(min_throughput=0.30, max_p95=4),
    # The benefits report on the large organization: only a throughput target was set.
    "report": PageTarget(min_throughput=0.12, max_p95=None),
    # The API's benefit list (first page, large organization) and people search.
    "api-benefits": PageTarget(min_throughput=0.20, max_p95=None),
    "api-people": PageTarget(min_throughput=0.20, max_p95=None),
}
# A whole redemption is four requests, timed together.
REDEMPTION_MAX_P95 = 15
# A redemption over the API is one request, held to an absolute p95 (at BENCH_USERS=16).
API_REDEMPTION_MAX_P95_MS = 250
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
    ratio_to_healthz: float | None = None  # throughput ÷ the floor's (run_floor)
    ratio_to_signed_in: float | None = None
    p95_to_healthz: float | None = None  # p95 ÷ the floor's p95
    steps: dict | None = None
    # /healthz/ measured just before this scenario: one sample of the run's floor.
    floor: Figures | None = None


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
    if measured.get("floor"):
        result.floor = figures(measured["floor"])
    return result


@dataclass(frozen=True)
class Floor:
    """The machine's speed over the run: the median of every /healthz/ measured in it (the
    run's own, and the one just before each scenario). A single /healthz/ run is a noisy
    sample (one run measured 354–567 req/s from one scenario to the next, while the pages
    between them stayed within a tenth of each other), so no verdict rests on one."""

    per_second: float
    p95_ms: float
    samples: int
    slowest: float  # req/s of the slowest sample
    fastest: float


def run_floor(results: list[Figures]) -> Floor | None:
    samples = [result for result in results if result.scenario == FLOOR]
    samples += [result.floor for result in results if result.floor is not None]
    samples = [sample for sample in samples if sample.requests]
    if not samples:
        return None
    speeds = [sample.per_second for sample in samples]
    return Floor(
        per_second=statistics.median(speeds),
        p95_ms=statistics.median(sample.p95_ms for sample in samples),
        samples=len(samples),
        slowest=min(speeds),
        fastest=max(speeds),
    )


def add_ratios(results: list[Figures]) -> Floor | None:
    """Each scenario's throughput and p95 as multiples of the run's floor (``run_floor``), and
    its throughput as a share of the signed-in page's, for the record. Returns the floor."""
    floor = run_floor(results)
    signed_in = next((result for result in results if result.scenario == "signed-in"), None)
    for result in results:
        if floor is not None and floor.per_second:
            result.ratio_to_healthz = result.per_second / floor.per_second
        if floor is not None and floor.p95_ms and not math.isnan(floor.p95_ms):
            result.p95_to_healthz = result.p95_ms / floor.p95_ms
        if signed_in is not None and signed_in.per_second:
            result.ratio_to_signed_in = result.per_second / signed_in.per_second
    return floor


@dataclass
class Target:
    what: str
    passed: bool
    measured: str


def check_targets(results: list[Figures], memory: dict[str, dict]) -> list[Target]:
    """Every verdict is relative to /healthz/ in the same run (``run_floor``; the absolute
    figures stay in the table and the JSON, for the record); without /healthz/ a ratio is a
    miss."""
    by_name = {result.scenario: result for result in results}
    targets = [
        Target(f"{result.scenario}: no errors", result.errors == 0, f"{result.errors} errors")
        for result in results
    ]
    targets += [
        Target(
            f"{result.scenario}'s floor: no errors",
            result.floor.errors == 0,
            f"{result.floor.errors} errors",
        )
        for result in results
        if result.floor is not None and result.floor.errors
    ]
    for name, target in PAGE_TARGETS.items():
        result = by_name.get(name)
        if result is None:
            continue
        ratio = result.ratio_to_healthz
        targets.append(
            Target(
                f"{name}: ≥ {target.min_throughput:.2f}× /healthz/ throughput",
                ratio is not None and ratio >= target.min_throughput,
                _measured_ratio(ratio, f"{result.per_second:.0f} req/s", digits=3),
            )
        )
        if target.max_p95 is not None:
            targets.append(_p95_target(name, result, target.max_p95))
    if "redemption" in by_name:
        targets.append(
            _p95_target("redemption (4 requests)", by_name["redemption"], REDEMPTION_MAX_P95)
        )
    if "api-redemption" in by_name:
        api = by_name["api-redemption"]
        targets.append(
            Target(
                f"api-redemption: p95 ≤ {API_REDEMPTION_MAX_P95_MS} ms",
                api.p95_ms <= API_REDEMPTION_MAX_P95_MS,
                f"{api.p95_ms:.0f} ms, {api.per_second:.0f} redemptions/s",
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


def _p95_target(what: str, result: Figures, limit: float) -> Target:
    ratio = result.p95_to_healthz
    return Target(
        f"{what}: p95 ≤ {limit:g}× /healthz/ p95",
        ratio is not None and ratio <= limit,
        _measured_ratio(ratio, f"{result.p95_ms:.0f} ms"),
    )


def _measured_ratio(ratio: float | None, absolute: str, *, digits: int = 2) -> str:
    if ratio is None:
        return f"no /healthz/ in this run; {absolute}"
    return f"{ratio:.{digits}f}×, {absolute}"


def _ratio(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}×"


def table(
    results: list[Figures], memory: dict[str, dict], targets: list[Target], floor: Floor | None
) -> str:
    header = (
        f"{'scenario':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'÷ floor':>10}{'÷ signed-in':>13}{'p95 ÷ floor':>13}{'floor before':>14}"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        before = f"{result.floor.per_second:.0f}/s" if result.floor else "—"
        lines.append(
            f"{result.scenario:<22}{result.per_second:>9.1f}{result.p50_ms:>9.0f}"
            f"{result.p95_ms:>9.0f}{result.p99_ms:>9.0f}{result.errors:>8}"
            f"{_ratio(result.ratio_to_healthz, 3):>10}"
            f"{_ratio(result.ratio_to_signed_in, 3):>13}{_ratio(result.p95_to_healthz):>13}"
            f"{before:>14}"
        )
        for step in (result.steps or {}).values():
            # Each request of a flow against the floor too, for the record (no target).
            step_p95 = step["p95_ms"] / floor.p95_ms if floor and floor.p95_ms else None
            lines.append(
                f"  {step['scenario']:<20}{'':>9}{step['p50_ms']:>9.0f}{step['p95_ms']:>9.0f}"
                f"{step['p99_ms']:>9.0f}{step['errors']:>8}{'':>10}{'':>13}{_ratio(step_p95):>13}"
            )
    if floor is not None:
        lines.append(
            f"floor: median of {floor.samples} /healthz/ runs, {floor.per_second:.0f} req/s, "
            f"p95 {floor.p95_ms:.0f} ms (runs from {floor.slowest:.0f} to "
            f"{floor.fastest:.0f} req/s)"
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
