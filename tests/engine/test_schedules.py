"""Learning-rate schedules: DESIGN's rates at chosen steps, and runs that move by them."""

import math

import numpy as np
import pytest

from gd_explorer.engine import SCHEDULES, DescentConfig, LinearRegression, article_dataset, descend
from gd_explorer.engine.schedules import make_schedule, scheduled_rate

STEPS = 400
TIMES = [0, 1, 99, 100, 250, STEPS]


def design_rate(name, rate, t, steps, options):
    """DESIGN's formula, written out independently of the engine."""
    if name == "constant":
        return rate
    if name == "step":
        every, factor = options.get("every", 100), options.get("factor", 0.5)
        return rate * factor ** math.floor(t / every)
    if name == "exponential":
        return rate * options.get("factor", 0.99) ** t
    if name == "inverse":
        return rate / (1 + options.get("decay", 0.01) * t)
    low = options.get("min_rate", 0.0)
    return low + (rate - low) * (1 + math.cos(math.pi * t / steps)) / 2


CASES = [
    ("constant", {}),
    ("step", {}),
    ("step", {"every": 30, "factor": 0.25}),
    ("exponential", {}),
    ("exponential", {"factor": 0.9}),
    ("inverse", {}),
    ("inverse", {"decay": 0.5}),
    ("cosine", {}),
    ("cosine", {"min_rate": 0.001}),
]


@pytest.mark.parametrize(("name", "options"), CASES)
def test_the_rate_at_chosen_steps_is_designs(name, options):
    config = DescentConfig(0.02, STEPS, schedule=name, schedule_options=options)
    for t in TIMES:
        expected = design_rate(name, 0.02, t, STEPS, options)
        assert config.rate_at(t) == pytest.approx(expected, rel=1e-15, abs=1e-300)
        assert scheduled_rate(name, 0.02, t, STEPS, options) == config.rate_at(t)


def test_documented_values():
    assert scheduled_rate("step", 1.0, 99, 1000) == 1.0
    assert scheduled_rate("step", 1.0, 100, 1000) == 0.5
    assert scheduled_rate("step", 1.0, 250, 1000) == 0.25
    assert scheduled_rate("exponential", 1.0, 100, 1000) == pytest.approx(0.99**100)
    assert scheduled_rate("inverse", 1.0, 100, 1000) == 0.5
    assert scheduled_rate("cosine", 1.0, 0, 1000) == 1.0
    assert scheduled_rate("cosine", 1.0, 500, 1000) == pytest.approx(0.5)
    assert scheduled_rate("cosine", 1.0, 1000, 1000) == pytest.approx(0.0, abs=1e-300)
    assert scheduled_rate("cosine", 1.0, 1000, 1000, {"min_rate": 0.1}) == pytest.approx(0.1)
    assert make_schedule("constant", 1.0, 10) is None


@pytest.mark.parametrize(("name", "options"), CASES)
@pytest.mark.parametrize("fixed", [None, {"b": 2.6}], ids=["free", "slope-only"])
def test_a_run_moves_by_exactly_the_scheduled_rates(name, options, fixed):
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.02, STEPS, fixed=fixed, schedule=name, schedule_options=options)
    run = descend(problem, config)
    assert run.steps == STEPS
    rates = np.array([design_rate(name, 0.02, t, STEPS, options) for t in range(STEPS)])
    np.testing.assert_allclose(
        np.diff(run.params, axis=0), -rates[:, None] * run.grad, rtol=1e-12, atol=1e-15
    )
    # Bit for bit: each step is θ − α_t g with the engine's own α_t.
    engine_rates = np.array([config.rate_at(t) for t in range(STEPS)])
    np.testing.assert_array_equal(
        run.params[1:], run.params[:-1] - engine_rates[:, None] * run.grad
    )


@pytest.mark.parametrize("rule", ["newton", "linesearch"])
def test_the_schedule_is_the_rate_of_newton_and_the_line_searchs_first_step(rule):
    problem = LinearRegression(article_dataset())
    # A rate the line search accepts whole on the article's data (no shrink needed).
    base = DescentConfig(0.5 if rule == "newton" else 0.01, 3, optimizer=rule)
    decayed = base.replace(schedule="step", schedule_options={"every": 1, "factor": 0.5})
    plain = descend(problem, base)
    halved = descend(problem, decayed)
    # The first update has rate α either way; the second half of it under the schedule.
    np.testing.assert_array_equal(plain.params[1], halved.params[1])
    start = plain.params[1]
    if rule == "newton":
        np.testing.assert_allclose(
            halved.params[2] - start, 0.5 * (plain.params[2] - start), rtol=1e-12
        )
    else:
        np.testing.assert_array_equal(plain.params[2], start - 0.01 * plain.grad[1])
        np.testing.assert_array_equal(halved.params[2], start - 0.005 * halved.grad[1])


def test_stochastic_descent_settles_with_a_decaying_rate():
    problem = LinearRegression(article_dataset())
    constant = DescentConfig(0.02, 20_000, variant="stochastic", seed=1)
    decaying = constant.replace(schedule="inverse", schedule_options={"decay": 0.05})
    jitter = np.std(descend(problem, constant).params[-2000:, 0])
    settled = np.std(descend(problem, decaying).params[-2000:, 0])
    assert settled < jitter / 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"schedule": "linear"}, r"unknown schedule 'linear'; available: constant, step, expon"),
        ({"schedule": "step", "schedule_options": {"size": 3}}, r"its options: every, factor"),
        ({"schedule": "constant", "schedule_options": {"factor": 0.5}}, r"its options: none"),
        ({"schedule": "step", "schedule_options": {"every": 0}}, r"whole number ≥ 1, got 0"),
        ({"schedule": "step", "schedule_options": {"every": 2.5}}, r"whole number ≥ 1, got 2.5"),
        ({"schedule": "step", "schedule_options": {"factor": 0}}, r"in \(0, 1\], got 0"),
        ({"schedule": "exponential", "schedule_options": {"factor": 1.5}}, r"in \(0, 1\]"),
        ({"schedule": "inverse", "schedule_options": {"decay": -1}}, r"≥ 0, got -1"),
        ({"schedule": "cosine", "schedule_options": {"min_rate": math.nan}}, r"≥ 0, got nan"),
    ],
)
def test_bad_schedule_settings_are_refused_with_a_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DescentConfig(0.01, 10, **kwargs)


def test_the_table_of_schedules_names_labels_and_defaults():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "inverse", "cosine"]
    assert SCHEDULES["step"].options == {"every": 100, "factor": 0.5}
    assert SCHEDULES["exponential"].options == {"factor": 0.99}
    assert SCHEDULES["inverse"].options == {"decay": 0.01}
    assert SCHEDULES["cosine"].options == {"min_rate": 0.0}
    assert SCHEDULES["constant"].options == {}
    assert all(choice.label for choice in SCHEDULES.values())
    config = DescentConfig(0.1, 10, schedule="step", schedule_options={"every": 5})
    assert config.schedule_settings == {"every": 5, "factor": 0.5}
    assert hash(config) == hash(config.replace())
