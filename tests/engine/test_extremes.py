"""Any doubles at all, huge, tiny or subnormal: a clear refusal or finite answers, never a
crash and never a nan or an infinity presented as an exact number."""

import math

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gd_explorer.engine import (
    Dataset,
    DatasetError,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    cost_grid,
    descend,
    reference_fit,
    stability,
)

# Every double: ±0, subnormals, the extremes, infinities and nan.
ANY = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
# Finite doubles whose exponents spread over the whole range, not only near 1.
SCALED = st.builds(
    lambda mantissa, exponent: mantissa * 10.0**exponent,
    st.floats(-10.0, 10.0),
    st.integers(-320, 120),
).filter(math.isfinite)
SPECIAL = st.sampled_from([0.0, 5e-324, -2e-310, 1e-300, 1e100, -1e100, 1e154, 1.7e308])
VALUE = st.one_of(SCALED, SCALED, SPECIAL, ANY)
LABEL = st.sampled_from([0.0, 1.0])


def columns(values):
    return st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.lists(VALUE, min_size=n, max_size=n), st.lists(values, min_size=n, max_size=n)
        )
    )


CONFIG = st.fixed_dictionaries(
    {
        "learning_rate": st.one_of(VALUE, st.sampled_from([1e-3, 0.1, 1.0, 1e300])),
        "steps": st.integers(1, 40),
        "variant": st.sampled_from(["batch", "stochastic", "minibatch"]),
        "batch_size": st.integers(1, 4),
        "seed": st.integers(0, 2**32),
        "init": st.tuples(VALUE, VALUE),
    }
)


def check_fit(fit):
    if fit.exists:
        assert all(math.isfinite(v) for v in (*fit.theta, fit.cost)), fit
    else:
        assert fit.theta is None and fit.cost is None and fit.message


def check_stability(figures):
    assert not np.isnan(figures.eigenvalues).any()
    for value in (
        figures.L,
        figures.mu,
        figures.condition,
        figures.max_stable_lr,
        figures.best_lr,
    ):
        assert not math.isnan(value)
    assert figures.mu >= 0.0 and figures.max_stable_lr > 0.0


def check_run(run):
    assert run.status in ("max_steps", "converged", "diverged")
    assert np.all(np.isfinite(run.params))
    assert np.all(np.isfinite(run.cost)), run.cost
    assert np.all(np.isfinite(run.grad))
    assert run.cost_exact.shape == run.cost.shape
    assert run.message


def exercise(model, x, y, options):
    try:
        problem = model(Dataset(x, y))
    except DatasetError as error:
        assert str(error)
        event("data refused")
        return
    check_fit(reference_fit(problem))
    check_fit(reference_fit(problem, {"b": 0.5}))
    check_stability(stability(problem))
    check_stability(stability(problem, fixed={"b": 0.5}))
    try:
        grid = cost_grid(problem, options["init"], options["init"][::-1])
    except ValueError as error:
        assert str(error)
    else:
        assert not np.isnan(grid).any()  # inf is honest: a cost beyond the largest double
    try:
        config = DescentConfig(**options)
    except ValueError as error:
        assert str(error)
        event("settings refused")
        return
    event("descended")
    check_run(descend(problem, config))
    check_run(descend(problem, config.replace(fixed={"b": 1.0})))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns(VALUE), CONFIG)
def test_least_squares_on_any_doubles(xy, options):
    exercise(LinearRegression, *xy, options)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns(LABEL), CONFIG)
def test_logistic_regression_on_any_doubles(xy, options):
    exercise(LogisticRegression, *xy, options)
