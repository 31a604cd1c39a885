"""`make bench`'s verdicts: every scenario divided by the run's floor, the median of each
/healthz/ measured in the run."""

from __future__ import annotations

import pytest

from bench import report


def _measured(scenario: str, *, per_second: int, p95_ms: float, floor=None) -> dict:
    """What the load generator writes for a 10 s run answering ``per_second`` requests a
    second, every one in ``p95_ms``."""
    return {
        "scenario": scenario,
        "duration": 10,
        "times": {scenario: [p95_ms] * per_second * 10},
        "failures": {},
        "floor": floor,
    }


def _floor(per_second: int, p95_ms: float) -> dict:
    return _measured("healthz", per_second=per_second, p95_ms=p95_ms)


def _results(*measured: dict) -> tuple[list[report.Figures], report.Floor | None]:
    results = [report.figures(one) for one in measured]
    return results, report.add_ratios(results)


def _verdicts(results: list[report.Figures]) -> dict[str, bool]:
    return {target.what: target.passed for target in report.check_targets(results, {})}


def test_scenarios_are_divided_by_the_median_of_the_runs_healthz():
    # The run's /healthz/ was fast (500/s, p95 30 ms); the samples before each page were not.
    (healthz, products, activity), floor = _results(
        _floor(500, 30),
        _measured("products", per_second=100, p95_ms=150, floor=_floor(300, 50)),
        _measured("activity", per_second=130, p95_ms=150, floor=_floor(400, 40)),
    )

    assert floor == report.Floor(per_second=400, p95_ms=40, samples=3, slowest=300, fastest=500)
    assert healthz.ratio_to_healthz == 1.25
    assert products.ratio_to_healthz == 0.25  # not 100 / 500, nor 100 / 300
    assert products.p95_to_healthz == 3.75
    assert activity.ratio_to_healthz == pytest.approx(0.325)
    verdicts = _verdicts([healthz, products, activity])
    assert not verdicts["products: ≥ 0.30× /healthz/ throughput"]
    assert verdicts["products: p95 ≤ 4× /healthz/ p95"]
    assert verdicts["activity: ≥ 0.30× /healthz/ throughput"]


def test_without_samples_before_the_scenarios_the_runs_healthz_is_the_floor():
    (healthz, products), floor = _results(
        _floor(500, 30), _measured("products", per_second=150, p95_ms=150)
    )

    assert floor is not None
    assert floor.samples == 1
    assert healthz.ratio_to_healthz == 1
    assert products.ratio_to_healthz == 0.3
    assert products.p95_to_healthz == 5
    verdicts = _verdicts([healthz, products])
    assert verdicts["products: ≥ 0.30× /healthz/ throughput"]
    assert not verdicts["products: p95 ≤ 4× /healthz/ p95"]


def test_a_floor_sample_with_errors_fails_the_run():
    broken = _floor(300, 50)
    broken["failures"] = {"healthz": 4}
    results, _floor_of_run = _results(
        _floor(500, 30), _measured("products", per_second=200, p95_ms=100, floor=broken)
    )

    missed = [target.what for target in report.check_targets(results, {}) if not target.passed]
    assert missed == ["products's floor: no errors"]


def test_the_table_shows_the_floor_and_each_sample():
    results, floor = _results(
        _floor(500, 30), _measured("products", per_second=100, p95_ms=150, floor=_floor(300, 50))
    )

    text = report.table(results, {}, report.check_targets(results, {}), floor)

    assert "floor: median of 2 /healthz/ runs, 400 req/s, p95 40 ms" in text
    assert "(runs from 300 to 500 req/s)" in text
    products_row = next(line for line in text.splitlines() if line.startswith("products"))
    assert products_row.split()[-4:] == ["0.250×", "—", "3.75×", "300/s"]


def test_each_request_of_a_flow_is_shown_against_the_floor():
    redemption = _measured("redemption", per_second=2, p95_ms=800, floor=_floor(300, 50))
    redemption["times"]["redemption: choose"] = [200.0] * 20
    results, floor = _results(_floor(500, 30), redemption)

    text = report.table(results, {}, report.check_targets(results, {}), floor)

    choose_row = next(line for line in text.splitlines() if "redemption: choose" in line)
    assert choose_row.split()[-1] == "5.00×"  # 200 ms ÷ the floor's p95 of 40 ms
