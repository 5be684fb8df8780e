"""Bounds on every input: extreme values are refused with a message, never crash a run."""

import math

import numpy as np
import pytest

from gd_explorer.engine import (
    Dataset,
    DatasetError,
    Descent,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    reference_fit,
    stability,
)
from gd_explorer.engine.dataset import MAX_MAGNITUDE
from gd_explorer.engine.descent import (
    MAX_BATCH_SIZE,
    MAX_LEARNING_RATE,
    MAX_SEED,
    MAX_STEPS,
    MIN_LEARNING_RATE,
)


def test_huge_x_is_refused_with_the_limit_and_the_row():
    with pytest.raises(DatasetError, match=r"x in row 1 is 1e\+160.*±1e\+100"):
        descend(LinearRegression(Dataset([1e160, 1], [1, 2])), DescentConfig(0.01, 10))


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0, 1e308], [1.0, 2.0], r"x in row 2 is 1e\+308"),
        ([1.0, 2.0, 3.0], [1.0, -1e155, 3.0], r"y in row 2 is -1e\+155"),
        ([1.0, 2.0], [2e100, 3e101], r"y in row 1 is 2e\+100 \(and 1 more row\)"),
    ],
)
def test_values_whose_squares_overflow_are_refused(x, y, message):
    with pytest.raises(DatasetError, match=message):
        Dataset(x, y)


def test_the_largest_allowed_values_give_finite_answers():
    big = MAX_MAGNITUDE
    data = Dataset([-big, 0.0, big, big], [big, -big, 0.0, big])
    problem = LinearRegression(data)
    fit = reference_fit(problem)
    assert fit.exists
    assert all(math.isfinite(v) for v in (*fit.theta, fit.cost))
    figures = stability(problem)
    assert math.isfinite(figures.L) and figures.max_stable_lr > 0
    run = descend(problem, DescentConfig(0.01, 10))
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.cost)) and np.all(np.isfinite(run.params))


def test_a_csv_with_1e308_is_refused_naming_the_limit(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("x,y\n1,2\n1e308,3\n")
    with pytest.raises(DatasetError, match=r"line 3, column 1 \(x\): 1e\+308.*±1e\+100"):
        Dataset.from_csv(path)


@pytest.mark.parametrize("model", [LinearRegression, LogisticRegression])
@pytest.mark.parametrize("init", [(0.0, 0.0), (-1e308, 1e308)])
def test_huge_learning_rates_diverge_with_a_message(model, init):
    data = Dataset([1e100, -3.0, 2.0, 5.0], [1.0, 0.0, 0.0, 1.0])
    run = descend(model(data), DescentConfig(1e300, 20, init=init))
    assert run.status == "diverged"
    assert run.message.startswith("diverged at")
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.cost))


@pytest.mark.parametrize("model", [LinearRegression, LogisticRegression])
@pytest.mark.parametrize("init", [(1e300, -1e300), (1e200, 0.0), (-1e308, 1e308)])
def test_far_starts_run_or_stop_with_a_message(model, init):
    data = Dataset([1e100, -3.0, 2.0, 5.0], [1.0, 0.0, 0.0, 1.0])
    run = descend(model(data), DescentConfig(0.5, 20, init=init))
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.cost))
    if run.status == "diverged":
        assert run.message.startswith("diverged at")


def test_a_start_whose_cost_overflows_ends_at_once_and_says_why():
    problem = LinearRegression(Dataset([1e100, 2.0], [1.0, 2.0]))
    run = descend(problem, DescentConfig(0.01, 10, init=(1e300, 0.0)))
    assert run.status == "diverged" and run.steps == 0 and run.diverged_at == 0
    assert "beyond the largest floating-point number" in run.message
    assert np.all(np.isfinite(run.cost))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"steps": 10**12}, rf"steps must be ≤ {MAX_STEPS:,}"),
        ({"steps": MAX_STEPS + 1}, r"steps must be ≤ 10,000,000"),
        ({"batch_size": 10**12}, rf"batch size must be ≤ {MAX_BATCH_SIZE:,}"),
        ({"seed": 2**64}, rf"seed must be ≤ {MAX_SEED:,}"),
        ({"seed": -1}, r"seed must be ≥ 0"),
        ({"learning_rate": 1e301}, r"learning rate must be ≤ 1e\+300"),
        ({"learning_rate": 1e-301}, r"learning rate must be ≥ 1e-300"),
    ],
)
def test_every_setting_is_bounded(changes, message):
    settings = {"learning_rate": 0.01, "steps": 10, **changes}
    with pytest.raises(ValueError, match=message):
        DescentConfig(**settings)


def test_the_limits_themselves_are_accepted():
    config = DescentConfig(
        MAX_LEARNING_RATE, MAX_STEPS, "minibatch", batch_size=MAX_BATCH_SIZE, seed=MAX_SEED
    )
    assert config.steps == MAX_STEPS
    assert DescentConfig(MIN_LEARNING_RATE, 1).learning_rate == MIN_LEARNING_RATE


def test_article_data_is_far_inside_the_limits():
    assert np.abs(article_dataset().x).max() < MAX_MAGNITUDE


@pytest.mark.parametrize("model", [LinearRegression, LogisticRegression])
@pytest.mark.parametrize("variant", ["batch", "stochastic", "minibatch"])
def test_sampled_steps_from_the_edge_of_the_doubles_raise_nothing(model, variant):
    # m·x overflows in the rows' gradient: numpy's warning was an error in the loop.
    data = Dataset([0.0, 0.0, 2.0], [0.0, 0.0, 1.0])
    config = DescentConfig(1.0, 3, variant, seed=0, init=(1.7e308, 0.0))
    run = descend(model(data), config)
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.cost))


def test_a_run_at_the_step_limit_holds_its_arrays_in_half_a_gigabyte_without_copies():
    run = Descent(LinearRegression(article_dataset()), DescentConfig(1e-6, MAX_STEPS))
    buffers = (run._params, run._costs, run._grads, run._exact)
    before = [b.ctypes.data for b in buffers]
    run.advance(5000)
    after = (run._params, run._costs, run._grads, run._exact)
    # Growing by copies would hold the old and the new arrays at once: 750 MB at the limit.
    assert [b.ctypes.data for b in after] == before
    assert sum(b.nbytes for b in after) < 0.5e9


def test_a_finished_run_hands_over_its_arrays_and_a_running_one_copies_them():
    run = Descent(LinearRegression(article_dataset()), DescentConfig(0.01, 100))
    run.advance(50)
    middle = run.trajectory()
    assert not np.shares_memory(middle.cost, run._costs)
    run.advance(100)
    assert run.done
    final = run.trajectory()
    assert np.shares_memory(final.cost, run._costs)
    assert np.shares_memory(final.params, run._params)
    for array in (final.params, final.cost, final.grad, final.cost_exact):
        assert not array.flags.writeable
    np.testing.assert_array_equal(final.cost[:51], middle.cost)


def test_a_long_run_to_the_end_keeps_few_steps_waiting_in_lists(monkeypatch):
    # Each chunk's steps wait in Python lists (about 160 bytes a step) before they are
    # stored: a whole run of 10^7 steps in one chunk peaked at 2.5 GB.
    sizes = []
    real = Descent._loop

    def loop(self, max_steps):
        sizes.append(max_steps)
        return real(self, max_steps)

    monkeypatch.setattr(Descent, "_loop", loop)
    run = descend(LinearRegression(article_dataset()), DescentConfig(1e-6, 200_000))
    assert run.steps == 200_000
    assert max(sizes) <= 1 << 16
