"""The learning-rate sweep: equal to separate runs, divergence above 2/L, cancelling."""

import numpy as np
import pytest

from gd_explorer.engine import (
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    learning_rate_sweep,
    reference_fit,
    stability,
    steps_to_reach,
    sweep_rates,
)
from gd_explorer.engine.sweep import reach_threshold, suggested_rates


@pytest.fixture(scope="module")
def line():
    return LinearRegression(article_dataset())


CONFIGS = [
    DescentConfig(0.01, 1000),
    DescentConfig(0.01, 1000, fixed={"b": 2.6}),
    DescentConfig(0.01, 300, variant="stochastic", seed=5),
    DescentConfig(0.01, 300, variant="minibatch", batch_size=3, seed=5, optimizer="adam"),
    DescentConfig(0.01, 300, optimizer="momentum", schedule="inverse"),
]


@pytest.mark.parametrize("config", CONFIGS, ids=range(len(CONFIGS)))
def test_the_sweep_equals_separate_runs(line, config):
    rates = sweep_rates(1e-4, 0.2, 12)
    sweep = learning_rate_sweep(line, config, rates[::-1])
    np.testing.assert_array_equal(sweep.rates, rates)
    optimum = reference_fit(line, config.fixed).cost
    assert sweep.complete and sweep.optimum == optimum and len(sweep) == 12
    for i, rate in enumerate(rates):
        run = descend(line, config.replace(learning_rate=float(rate)))
        assert sweep.final_cost[i] == run.cost[-1]
        assert sweep.status[i] == run.status
        assert sweep.steps[i] == steps_to_reach(run.cost, optimum)
    assert np.all(np.isfinite(sweep.final_cost))
    assert sweep.steps.dtype == np.int64


def test_an_unseeded_sweep_gives_every_run_one_seed(line):
    config = DescentConfig(0.01, 200, variant="stochastic")
    sweep = learning_rate_sweep(line, config, [0.001, 0.01])
    assert sweep.seed is not None
    again = descend(line, config.replace(learning_rate=0.01, seed=sweep.seed))
    assert sweep.final_cost[1] == again.cost[-1]


@pytest.mark.parametrize("fixed", [None, {"b": 2.6}], ids=["free", "slope-only"])
def test_rates_above_two_over_l_diverge(line, fixed):
    config = DescentConfig(0.01, 1000, fixed=fixed)
    limit = stability(line, fixed=fixed).max_stable_lr
    rates = np.concatenate([sweep_rates(limit / 100, limit * 0.99, 10), [limit * 1.1, limit * 3]])
    sweep = learning_rate_sweep(line, config, rates)
    assert sweep.status[:10] == ("max_steps",) * 10
    assert sweep.status[10:] == ("diverged", "diverged")
    assert np.all(sweep.steps[10:] == -1)
    # A rate near the best reaches the optimum; a hundredth of the limit crawls.
    reached = sweep.steps[:10]
    assert np.any(reached > 0) and (reached[0] == -1 or reached[0] == reached.max())


def test_the_slope_only_limit_is_the_articles(line):
    rates = suggested_rates(line, DescentConfig(0.01, 100, fixed={"b": 2.6}), count=7)
    np.testing.assert_allclose(rates[[0, -1]], [2 / 37.5 / 1000, 3 * 2 / 37.5])


def test_cancelling_returns_the_runs_done(line):
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 3

    sweep = learning_rate_sweep(
        line, DescentConfig(0.01, 100), sweep_rates(1e-3, 1e-1, 10), progress=progress
    )
    assert seen == [(1, 10), (2, 10), (3, 10)]
    assert not sweep.complete
    assert len(sweep) == 3 and sweep.final_cost.shape == (3,) and len(sweep.status) == 3
    np.testing.assert_array_equal(sweep.rates, sweep_rates(1e-3, 1e-1, 10)[:3])


def test_progress_that_returns_nothing_goes_on(line):
    calls = []
    sweep = learning_rate_sweep(
        line, DescentConfig(0.01, 10), [0.01, 0.02], progress=lambda d, t: calls.append(d)
    )
    assert sweep.complete and calls == [1, 2]


def test_steps_to_reach_counts_within_a_millionth():
    assert reach_threshold(0.5) == 0.5 + 1e-6
    assert reach_threshold(-3e6) == -3e6 + 3.0
    costs = [5.0, 1.0, 0.5 + 2e-6, 0.5 + 1e-6, 0.5]
    assert steps_to_reach(costs, 0.5) == 3
    assert steps_to_reach(costs, 0.5, exact=[True, True, True, False, True]) == 4
    assert steps_to_reach(costs, 0.4) == -1
    assert steps_to_reach(costs, None) == -1
    assert steps_to_reach([2e6 + 2.5, 2e6 + 1.9], 2e6) == 1


def test_a_logistic_sweep_without_an_optimum_counts_no_steps():
    x = np.array([1.0, 3, 4, 5, 6, 7, 8, 10])
    separable = LogisticRegression(Dataset(x, np.array([0.0, 0, 0, 1, 1, 1, 1, 1])))
    sweep = learning_rate_sweep(separable, DescentConfig(0.1, 100), [0.1, 1.0])
    assert sweep.optimum is None and list(sweep.steps) == [-1, -1]
    assert np.all(np.isfinite(sweep.final_cost))


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ([], r"at least one learning rate"),
        ([[0.1, 0.2]], r"at least one learning rate"),
        ([0.1, -1.0], r"from 1e-300 to 1e\+300; got -1"),
        ([0.1, float("nan")], r"got nan"),
        (["fast"], r"must be numbers"),
    ],
)
def test_bad_rates_are_refused(line, rates, message):
    with pytest.raises(ValueError, match=message):
        learning_rate_sweep(line, DescentConfig(0.01, 10), rates)


def test_sweep_rates_are_log_spaced():
    rates = sweep_rates(1e-3, 1.0, 4)
    np.testing.assert_allclose(rates, [1e-3, 1e-2, 1e-1, 1.0])
    with pytest.raises(ValueError, match="whole number ≥ 1"):
        sweep_rates(1e-3, 1.0, 0)
    with pytest.raises(ValueError, match="from a low to a high rate"):
        sweep_rates(1.0, 1e-3, 5)
