"""Samplers: replaying a seeded run's rows gives exactly the rows its steps used."""

import numpy as np
import pytest

from gd_explorer.engine import Dataset, Descent, DescentConfig, LinearRegression
from gd_explorer.engine.samplers import ReplayedRows


def rows_used(problem, config):
    """Run ``config`` one step at a time and return the rows of every step (index k-1)."""
    descent = Descent(problem, config)
    used = []
    for _ in range(config.steps):
        descent.advance(1)
        rows = descent.last_rows
        used.append(rows if isinstance(rows, int) else np.array(rows))
    return used


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    return LinearRegression(Dataset(x, 2 * x + rng.normal(size=50)))


@pytest.mark.parametrize(
    ("variant", "batch_size"),
    [("stochastic", 1), ("minibatch", 4), ("minibatch", 30), ("minibatch", 80)],
)
def test_replay_gives_each_steps_rows_in_any_order(problem, variant, batch_size):
    # 30 of 50 rows takes the dense path; 80 is more than the data and is clamped to 50.
    steps = 5000  # past a block of draws (4096 rows), and many snapshots 300 steps apart
    config = DescentConfig(1e-3, steps, variant=variant, batch_size=batch_size, seed=8)
    used = rows_used(problem, config)
    replay = ReplayedRows(variant, problem.n, batch_size, 8, steps, every=300)
    order = [steps, 1, 4097, 4096, 2500, 2499, 300, 301, 299, 1200, 2, 4999, 600]
    order += list(np.random.default_rng(1).integers(1, steps + 1, size=40))
    for step in order:
        got, want = replay.at(int(step)), used[int(step) - 1]
        if variant == "stochastic":
            assert isinstance(got, int) and got == want, step
        else:
            np.testing.assert_array_equal(got, want, err_msg=f"step {step}")
            assert len(got) == min(batch_size, problem.n)


def test_a_replayed_batch_is_independent_of_the_sampler(problem):
    replay = ReplayedRows("minibatch", problem.n, 4, 8, 10, every=3)
    first = replay.at(5)
    first[:] = -1  # the caller's copy, not the sampler's block
    again = replay.at(5)
    assert (again >= 0).all()


def test_no_rows_for_the_start_or_for_batch_descent(problem):
    assert ReplayedRows("stochastic", problem.n, 1, 8, 10).at(0) is None
    assert ReplayedRows("batch", problem.n, 1, 8, 10).at(3) is None
    with pytest.raises(ValueError, match="at least 1 step"):
        ReplayedRows("stochastic", problem.n, 1, 8, 10, every=0)


def test_a_replay_is_affordable_unless_the_run_draws_too_many_rows():
    assert ReplayedRows("stochastic", 10**6, 1, 1, 10**7).affordable
    assert ReplayedRows("minibatch", 10**6, 32, 1, 10**5).affordable
    assert not ReplayedRows("minibatch", 10**6, 32, 1, 10**7).affordable
    assert not ReplayedRows("minibatch", 10**6, 1000, 1, 10**5).affordable
