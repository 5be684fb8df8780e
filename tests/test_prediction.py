"""Predict, then run: the verdict from 1/L and 2/L, and what the trajectory shows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    stability,
)
from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.prediction import (
    bands,
    expected,
    observe,
    refusal,
    steepest_direction,
    verdict,
    why,
)

LINE = LinearRegression(article_dataset())
SLOPE_ONLY = {"b": 2.6}


def _observed(rate: float, steps: int, fixed: dict[str, float] | None) -> str | None:
    run = descend(LINE, DescentConfig(rate, steps, fixed=fixed))
    return observe(
        run.params,
        run.cost,
        steepest_direction(LINE, fixed),
        diverged=run.status == "diverged" or run.diverged_at is not None,
        ended=True,
    )


def test_the_bands_are_the_article_s_one_and_two_over_l():
    figures = stability(LINE, fixed=SLOPE_ONLY)
    one_over_l, two_over_l = bands(figures)
    assert two_over_l == pytest.approx(2 / 37.5) == figures.max_stable_lr
    assert one_over_l == pytest.approx(1 / 37.5)


@pytest.mark.parametrize(
    ("rate", "behaviour"),
    [
        (0.001, "converge"),  # the article's small steps
        (0.02, "converge"),
        (1 / 37.5, "converge"),  # exactly 1/L: the first step lands on the bottom
        (0.03, "oscillate"),
        (0.05, "oscillate"),  # the article's overshoot
        (0.053, "oscillate"),
        (0.054, "diverge"),
        (0.06, "diverge"),  # too large
        (1.0, "diverge"),  # the whole derivative
    ],
)
def test_verdict_and_the_run_agree_on_the_article_s_slope(rate, behaviour):
    figures = stability(LINE, fixed=SLOPE_ONLY)
    assert expected(rate, figures) == behaviour
    assert _observed(rate, 100, SLOPE_ONLY) == behaviour


@pytest.mark.parametrize(
    ("rate", "behaviour"),
    [(0.01, "converge"), (0.025, "converge"), (0.03, "oscillate"), (0.05, "oscillate")]
    + [(0.0525, "diverge"), (0.06, "diverge")],
)
def test_verdict_and_the_run_agree_with_both_parameters_free(rate, behaviour):
    figures = stability(LINE)  # L = 38.31: 1/L = 0.0261, 2/L = 0.0522
    assert expected(rate, figures) == behaviour
    assert _observed(rate, 400, None) == behaviour


@settings(max_examples=40, deadline=None)
@given(
    band=st.sampled_from(["converge", "oscillate", "diverge"]),
    where=st.floats(0.02, 0.98),
    free=st.booleans(),
)
def test_any_rate_inside_a_band_runs_as_the_band_says(band, where, free):
    fixed = None if free else SLOPE_ONLY
    one_over_l, two_over_l = bands(stability(LINE, fixed=fixed))
    low, high = {
        "converge": (one_over_l / 100, one_over_l),
        "oscillate": (one_over_l, two_over_l),
        "diverge": (two_over_l, 2 * two_over_l),
    }[band]
    rate = low + where * (high - low)
    assert expected(rate, stability(LINE, fixed=fixed)) == band
    assert _observed(rate, 300, fixed) == band


def test_it_is_clear_early_for_oscillating_and_diverging_runs():
    direction = steepest_direction(LINE, SLOPE_ONLY)
    overshoot = descend(LINE, DescentConfig(0.05, 100, fixed=SLOPE_ONLY))
    first = next(
        k
        for k in range(1, 101)
        if observe(overshoot.params[: k + 1], overshoot.cost[: k + 1], direction)
    )
    assert first == 3  # three strides: across, back, across, each shorter
    assert observe(overshoot.params[:3], overshoot.cost[:3], direction) is None
    too_large = descend(LINE, DescentConfig(0.06, 100, fixed=SLOPE_ONLY))
    assert observe(too_large.params[:4], too_large.cost[:4], direction) == "diverge"
    small = descend(LINE, DescentConfig(0.001, 1000, fixed=SLOPE_ONLY))
    assert observe(small.params, small.cost, direction) is None  # not over yet
    assert observe(small.params, small.cost, direction, ended=True) == "converge"


def test_the_steepest_direction_is_the_eigenvector_of_l():
    hessian = LINE.hessian((0.0, 0.0))
    u = steepest_direction(LINE)
    assert np.linalg.norm(u) == pytest.approx(1.0)
    np.testing.assert_allclose(hessian @ u, stability(LINE).L * u, rtol=1e-12)
    np.testing.assert_array_equal(steepest_direction(LINE, SLOPE_ONLY), [1.0, 0.0])


def test_the_why_names_the_numbers_of_the_bands():
    figures = stability(LINE, fixed=SLOPE_ONLY)
    text = why(0.05, figures, SLOPE_ONLY)
    assert "between 1/L = 0.0267 and 2/L = 0.0533" in text
    assert "overshoots the minimum, but by less each time" in text
    assert "oscillates and settles" in text and "L = 37.5" in text and "slope" in text
    assert "below 1/L = 0.0267" in why(0.001, figures, SLOPE_ONLY)
    assert "above 2/L = 0.0533" in why(0.06, figures, SLOPE_ONLY)


def test_the_verdict_says_right_or_wrong_and_why():
    figures = stability(LINE, fixed=SLOPE_ONLY)
    right = verdict("oscillate", "oscillate", 0.05, figures, SLOPE_ONLY)
    assert right.right is True and right.headline.startswith("Right!")
    wrong = verdict("converge", "diverge", 0.06, figures, SLOPE_ONLY)
    assert wrong.right is False
    assert wrong.headline.startswith("Not this time: you said converge. It diverged")
    assert "above 2/L = 0.0533" in wrong.reason
    silent = verdict(None, "converge", 0.001, figures, SLOPE_ONLY)
    assert silent.right is None and silent.headline.startswith("It converged")
    short = verdict("oscillate", None, 0.05, figures, SLOPE_ONLY)
    assert short.right is True and "too short" in short.headline


def test_only_constant_rate_batch_descent_on_least_squares_is_predicted():
    figures = stability(LINE)
    plain = DescentConfig(0.05, 100)
    assert refusal("linear", plain, figures) is None
    for config, words in (
        (DescentConfig(0.05, 100, optimizer="adam"), "Adam changes"),
        (DescentConfig(0.05, 100, schedule="inverse"), "Constant"),
        (DescentConfig(0.05, 100, variant="stochastic"), "Batch"),
    ):
        reason = refusal("linear", config, figures)
        assert reason is not None and words in reason
    logistic = LogisticRegression(article_dataset(ARTICLE_CLASSES))
    assert "logistic" in (refusal(logistic.kind, plain, stability(logistic)) or "")
    assert "function" in (refusal("function", plain, None) or "")


def test_the_lessons_about_learning_rates_ask_and_the_others_do_not():
    asking = {lesson.id for lesson in LESSONS if lesson.predict}
    assert asking == {"slope-without-learning-rate", "slope-small-steps", "overshoot", "too-large"}
    for lesson_id in asking:
        lesson = get_lesson(lesson_id)
        figures = stability(lesson.problem, fixed=lesson.config.fixed)
        assert refusal(lesson.problem.kind, lesson.config, figures) is None
        run = descend(lesson.problem, lesson.config)
        seen = observe(
            run.params,
            run.cost,
            steepest_direction(lesson.problem, lesson.config.fixed),
            diverged=run.status == "diverged",
            ended=True,
        )
        assert seen == expected(lesson.config.learning_rate, figures), lesson_id
