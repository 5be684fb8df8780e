"""Basins of attraction: many starts at once, each the same run as ``descend`` from it."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

from gd_explorer.engine import (
    OPTIMIZERS,
    SURFACES,
    DescentConfig,
    LinearRegression,
    article_dataset,
    basins,
    bowl,
    descend,
    function_problem,
    grid_starts,
    random_starts,
)
from gd_explorer.engine.basins import BLOCK, MAX_STARTS, BasinsRun, reached_minima

HIMMELBLAU = SURFACES["himmelblau"]


def _same_as_descend(problem, config, starts) -> None:
    """Assert that every start's run equals ``descend`` from that start."""
    result = basins(problem, config, starts)
    for index, start in enumerate(starts):
        run = descend(problem, config.replace(init=tuple(start)))
        where = f"start {index} {tuple(start)} with {config.optimizer}"
        np.testing.assert_allclose(result.final[index], run.final, rtol=1e-9, err_msg=where)
        assert result.steps[index] == run.steps, where
        assert result.diverged[index] == (run.status == "diverged"), where
        assert np.isfinite(result.final[index]).all(), where


def test_himmelblau_assigns_each_of_four_seed_starts_to_its_own_minimum() -> None:
    minima = HIMMELBLAU.minima
    # One start a little way from each minimum, off towards the middle.
    starts = np.array([(0.8 * x, 0.8 * y) for x, y in minima])
    result = basins(HIMMELBLAU, DescentConfig(0.01, 2000), starts)
    assert result.minimum.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(result.final, np.array(minima), atol=1e-6)
    assert not result.diverged.any()
    assert result.complete


def test_a_himmelblau_grid_has_four_basins_each_holding_its_minimum() -> None:
    per_side = 20
    starts = grid_starts(HIMMELBLAU.domain, per_side)
    result = basins(
        HIMMELBLAU,
        DescentConfig(0.01, 2000),
        starts,
        shape=(per_side, per_side),
        domain=HIMMELBLAU.domain,
    )
    grid = result.grid()
    assert set(np.unique(grid)) <= {-1, 0, 1, 2, 3}
    counts = result.counts()
    assert (counts > 20).all(), counts  # four basins, each a sizeable region
    x0, x1, y0, y1 = HIMMELBLAU.domain
    for index, (x, y) in enumerate(HIMMELBLAU.minima):
        # The cell the minimum lies in belongs to its own basin.
        i = int((x - x0) / (x1 - x0) * per_side)
        j = int((y - y0) / (y1 - y0) * per_side)
        assert grid[i, j] == index, (index, grid[i, j])
    assert result.shape == (per_side, per_side)
    assert result.domain == HIMMELBLAU.domain


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("name", ["himmelblau", "three-hump-camel", "rosenbrock"])
def test_every_rule_is_the_same_algorithm_as_descend(name: str, optimizer: str) -> None:
    problem = SURFACES[name]
    rate = 0.001 if name == "rosenbrock" else 0.01
    if optimizer == "newton":
        rate = 0.5
    starts = grid_starts(problem.domain, 3)
    _same_as_descend(problem, DescentConfig(rate, 400, optimizer=optimizer), starts)


@pytest.mark.parametrize("schedule", ["step", "exponential", "inverse", "cosine"])
def test_schedules_are_those_of_descend(schedule: str) -> None:
    config = DescentConfig(0.02, 300, optimizer="momentum", schedule=schedule)
    _same_as_descend(HIMMELBLAU, config, random_starts(HIMMELBLAU.domain, 6, seed=4))


def test_noise_is_the_configs_seed_for_every_start_and_repeats() -> None:
    config = DescentConfig(0.01, 300, noise=2.0, seed=11)
    starts = random_starts(HIMMELBLAU.domain, 8, seed=1)
    _same_as_descend(HIMMELBLAU, config, starts)
    first = basins(HIMMELBLAU, config, starts)
    again = basins(HIMMELBLAU, config, starts)
    assert np.array_equal(first.final, again.final)
    assert first.seed == again.seed == 11
    other = basins(HIMMELBLAU, config.replace(seed=12), starts)
    assert not np.array_equal(first.final, other.final)
    # Without a seed one is drawn, said, and repeats the map.
    drawn = basins(HIMMELBLAU, config.replace(seed=None), starts)
    replayed = basins(HIMMELBLAU, config.replace(seed=drawn.seed), starts)
    assert np.array_equal(drawn.final, replayed.final)


def test_a_held_coordinate_and_a_function_of_x_alone_never_move() -> None:
    config = DescentConfig(0.01, 200, fixed={"y": 1.5}, optimizer="adam")
    starts = random_starts(HIMMELBLAU.domain, 5, seed=2)
    _same_as_descend(HIMMELBLAU, config, starts)
    assert (basins(HIMMELBLAU, config, starts).final[:, 1] == 1.5).all()
    well = SURFACES["double-well"]
    starts = np.array([(-1.9, 0.3), (-0.2, 0.0), (0.2, -0.7), (1.9, 0.5)])
    result = basins(well, DescentConfig(0.02, 500), starts)
    assert np.array_equal(result.final[:, 1], starts[:, 1])
    left = next(i for i, (x, _) in enumerate(well.minima) if x < 0)
    assert result.minimum.tolist() == [left, left, 1 - left, 1 - left]
    _same_as_descend(well, DescentConfig(0.02, 500, optimizer="newton"), starts)


def test_a_tolerance_stops_each_start_when_descend_would() -> None:
    config = DescentConfig(0.01, 3000, tolerance=1e-3)
    starts = random_starts(HIMMELBLAU.domain, 6, seed=5)
    _same_as_descend(HIMMELBLAU, config, starts)
    result = basins(HIMMELBLAU, config, starts)
    assert result.converged.all()
    assert (result.steps < 3000).all()


def test_blown_up_starts_are_frozen_and_counted_as_diverged() -> None:
    problem = bowl(100.0, 0.0)
    config = DescentConfig(0.05, 200)  # above 2/100: every start flies off
    starts = random_starts(problem.domain, 50, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = basins(problem, config, starts)
    assert result.diverged.all()
    assert (result.minimum == -1).all()
    assert np.isfinite(result.final).all()
    _same_as_descend(problem, config, starts[:4])
    # Mixed: a saddle has none to reach and falls away; the others never see it.
    saddle = SURFACES["saddle"]
    starts = np.array([(1.0, 0.0), (1.0, 0.5), (-0.5, -1.0)])
    result = basins(saddle, DescentConfig(0.05, 2000), starts)
    assert result.diverged.tolist() == [False, True, True]
    _same_as_descend(saddle, DescentConfig(0.05, 2000), starts)


def test_a_start_that_leaves_the_domain_is_said_to() -> None:
    problem = function_problem("sqrt(x) + (x - 2)**2 + y**2", (0.0, 4.0, -2.0, 2.0))
    starts = np.array([(1.0, 0.5), (0.01, 0.0), (-1.0, 0.0)])
    config = DescentConfig(0.1, 200)
    result = basins(problem, config, starts)
    runs = [descend(problem, config.replace(init=tuple(s))) for s in starts]
    assert [r.message.split(":")[0] for r in runs[1:]] == [
        "left the domain at step 1",
        "f is not defined at the start (-1, 0)",
    ]
    assert result.left_domain.tolist() == [False, True, True]
    assert result.diverged.tolist() == [False, True, True]
    assert result.minimum[0] == 0
    assert result.steps[2] == 0
    assert np.isfinite(result.final).all()
    _same_as_descend(problem, config, starts)


def test_progress_and_cancel_between_chunks() -> None:
    starts = grid_starts(HIMMELBLAU.domain, 50)
    seen: list[tuple[int, int]] = []
    result = basins(
        HIMMELBLAU, DescentConfig(0.01, 1000), starts, progress=lambda d, t: seen.append((d, t))
    )
    assert result.complete
    assert len(seen) > 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1] == (1000, 1000)
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 2

    stopped = basins(HIMMELBLAU, DescentConfig(0.01, 1000), starts, cancelled=cancelled)
    assert not stopped.complete
    assert 0 < stopped.steps.max() < 1000
    halted = basins(HIMMELBLAU, DescentConfig(0.01, 1000), starts, progress=lambda d, t: d < 100)
    assert not halted.complete


def test_reached_minima_is_reached_for_each_point() -> None:
    rng = np.random.default_rng(0)
    minima = np.array(HIMMELBLAU.minima)
    points = np.concatenate(
        [minima + rng.normal(0, 0.006, minima.shape), rng.uniform(-5, 5, (40, 2)), minima]
    )
    expected = [HIMMELBLAU.reached(tuple(p)) for p in points]
    assert reached_minima(HIMMELBLAU, points).tolist() == [
        -1 if e is None else e for e in expected
    ]


def test_starts_on_a_grid_and_at_random() -> None:
    starts = grid_starts((0.0, 4.0, 10.0, 12.0), 4)
    assert starts.shape == (16, 2)
    assert starts[0].tolist() == [0.5, 10.25]
    assert starts[1].tolist() == [0.5, 10.75]  # y varies fastest: x along the first axis
    assert starts[4].tolist() == [1.5, 10.25]
    a = random_starts((0.0, 1.0, 5.0, 6.0), 100, seed=9)
    assert np.array_equal(a, random_starts((0.0, 1.0, 5.0, 6.0), 100, seed=9))
    assert ((a[:, 0] >= 0) & (a[:, 0] <= 1) & (a[:, 1] >= 5) & (a[:, 1] <= 6)).all()


def test_bad_requests_are_refused_with_a_reason() -> None:
    line = LinearRegression(article_dataset())
    with pytest.raises(ValueError, match="function of x and y"):
        basins(line, DescentConfig(0.01, 10), [(0.0, 0.0)])
    with pytest.raises(ValueError, match="variant 'stochastic'"):
        basins(HIMMELBLAU, DescentConfig(0.01, 10, variant="stochastic"), [(0.0, 0.0)])
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        basins(HIMMELBLAU, DescentConfig(0.01, 10), [1.0, 2.0])
    with pytest.raises(ValueError, match="start 2 is not a finite point"):
        basins(HIMMELBLAU, DescentConfig(0.01, 10), [(0.0, 0.0), (np.nan, 1.0)])
    with pytest.raises(ValueError, match="at most"):
        BasinsRun(HIMMELBLAU, DescentConfig(0.01, 10), np.zeros((MAX_STARTS + 1, 2)))
    with pytest.raises(ValueError, match="from 1 to"):
        grid_starts(HIMMELBLAU.domain, 0)
    with pytest.raises(ValueError, match="from < to"):
        random_starts((1.0, 0.0, 0.0, 1.0), 5)


def test_the_result_travels_between_processes() -> None:
    result = basins(HIMMELBLAU, DescentConfig(0.01, 50), grid_starts(HIMMELBLAU.domain, 4))
    copy = pickle.loads(pickle.dumps(result))
    assert np.array_equal(copy.minimum, result.minimum)
    assert copy.minima == result.minima


def test_many_starts_are_computed_in_blocks_with_the_same_result() -> None:
    starts = random_starts(HIMMELBLAU.domain, BLOCK + 100, seed=8)
    config = DescentConfig(0.01, 100, optimizer="adam")
    result = basins(HIMMELBLAU, config, starts)
    for index in (0, BLOCK - 1, BLOCK, BLOCK + 99):
        run = descend(HIMMELBLAU, config.replace(init=tuple(starts[index])))
        np.testing.assert_allclose(result.final[index], run.final, rtol=1e-9)
