"""The relevance benchmark's statistics: bootstrap intervals, old-47 subset, kappa.

Fast and without a collection: these helpers decide the intervals and agreement
figures in docs/relevance.md, so a slip in them would silently change the report.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "relevance"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"relevance_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _load("run")
agreement = _load("agreement")


def test_bootstrap_of_constant_values_is_a_point():
    assert run.bootstrap_ci([0.5] * 20, rounds=500) == (0.5, 0.5)


def test_bootstrap_is_seeded_and_brackets_the_mean():
    values = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.3, 0.9, 0.1, 0.7]
    first = run.bootstrap_ci(values, rounds=2000)
    assert first == run.bootstrap_ci(values, rounds=2000)
    low, high = first
    assert low < run.mean(values) < high
    # the mean of 10 values spread over [0, 1]: an interval of roughly +-0.18
    assert 0.25 < high - low < 0.45


def test_bootstrap_of_nothing():
    assert run.bootstrap_ci([]) == (0.0, 0.0)


def test_paired_bootstrap_resamples_the_differences():
    before = [0.1, 0.5, 0.3, 0.7, 0.2]
    assert run.paired_bootstrap(before, before, rounds=500) == (0.0, 0.0, 0.0)
    diff, low, high = run.paired_bootstrap(before, [b + 0.1 for b in before], rounds=500)
    assert diff == pytest.approx(0.1)
    assert low == pytest.approx(0.1) and high == pytest.approx(0.1)
    diff, low, high = run.paired_bootstrap([0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0],
                                           rounds=2000)
    assert diff == pytest.approx(0.25)
    assert low < 0 < high  # one query better, two worse, one the same: not significant


def test_old_47_subset():
    assert run.is_old("nl01") and run.is_old("nl36") and run.is_old("pact11")
    assert not run.is_old("nl37") and not run.is_old("nl105")
    queries = [run.Query("nl36", "multiword", "x", "y"), run.Query("nl37", "question", "x", "y"),
               run.Query("pact01", "inflection", "x", "y")]
    groups = run._groups(queries)
    assert groups["old 47"] == ["nl36", "pact01"]
    assert groups["new"] == ["nl37"]
    assert groups["all"] == ["nl36", "nl37", "pact01"]


def test_compare_table_rescored_with_current_judgments():
    queries = [run.Query("nl01", "inflection", "a", "b"), run.Query("nl40", "question", "c", "d")]
    qrels = {"nl01": {"x": 2, "y": 0}, "nl40": {"z": 1}}
    lines = run.compare_table({"nl01": ["y", "x"], "nl40": []},
                              {"nl01": ["x", "y"], "nl40": ["z"]}, queries, qrels)
    row = next(line for line in lines if line.startswith("| all |"))
    assert "+0.685" in row  # (1 - 0.631) + (1 - 0): mean gain of 0.685
    with pytest.raises(SystemExit):
        run.compare_table({}, {"nl01": []}, queries, qrels)


FIRST = [0, 0, 1, 1, 2, 2]
SECOND = [0, 1, 1, 1, 2, 0]


def test_confusion_and_raw_agreement():
    assert agreement.confusion(FIRST, SECOND) == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert agreement.raw_agreement(FIRST, SECOND) == pytest.approx(4 / 6)


def test_kappa_by_hand():
    # p_o = 4/6, p_e = (2*2 + 2*3 + 2*1) / 36 = 1/3 -> kappa 0.5
    assert agreement.weighted_kappa(FIRST, SECOND) == pytest.approx(0.5)
    # linear weights 0, 1/2, 1: observed 1.5, expected 2.5
    assert agreement.weighted_kappa(FIRST, SECOND, weights="linear") == pytest.approx(0.4)
    # quadratic weights 0, 1/4, 1: observed 1.25, expected 1.75
    assert agreement.weighted_kappa(FIRST, SECOND, weights="quadratic") == pytest.approx(
        1 - 1.25 / 1.75)


def test_kappa_edges():
    assert agreement.weighted_kappa([2, 1, 0], [2, 1, 0]) == 1.0
    assert agreement.weighted_kappa([1, 1], [1, 1]) == 1.0  # one grade only, full agreement
    assert agreement.weighted_kappa([], []) == 0.0
    assert agreement.weighted_kappa(agreement.binary([0, 2, 1]), [0, 1, 1], (0, 1)) == 1.0
    with pytest.raises(ValueError):
        agreement.weighted_kappa([0, 1], [1, 0], weights="cubic")


def test_judge2_file_by_header(tmp_path):
    judge2 = tmp_path / "j2.tsv"
    judge2.write_text("sample_id\tquery_id\tdoc\tneed\tgrade\n"
                      "s001\tnl40\ta.html\tHoe ...\t2\n"
                      "s002\tnl41\tb.html\tHoe ...\t\n", encoding="utf-8")
    grades, empty = agreement.load_judge2(judge2)
    assert grades == {("nl40", "a.html"): 2}
    assert empty == 1
