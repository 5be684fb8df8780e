"""The separable-classes lesson: every number its text states comes from real runs."""

import numpy as np

from gd_explorer.engine import LogisticRegression, descend, reference_fit
from gd_explorer.lessons import LESSONS, SEPARABLE_L2, get_lesson

LESSON = get_lesson("separable-l2")


def _unpenalised_run():
    problem = LogisticRegression(LESSON.problem.data)  # the student sets λ to 0
    return problem, descend(problem, LESSON.config)


def _said(number: str) -> bool:
    return number in LESSON.text


def test_it_follows_the_logistic_lesson_on_the_same_classes():
    ids = [lesson.id for lesson in LESSONS]
    assert ids.index("separable-l2") == ids.index("logistic-slope") + 1
    assert LESSON.problem.kind == "logistic"
    assert LESSON.problem.data == get_lesson("logistic-slope").problem.data
    assert LESSON.problem.l2 == SEPARABLE_L2 > 0
    assert _said(f"λ = {SEPARABLE_L2:g}") and _said("λ to 0")
    assert not LESSON.config.fixed  # slope and intercept both free: nothing holds m back
    assert _said(f"learning rate {LESSON.config.learning_rate:g}")


def test_without_a_penalty_there_is_no_optimum_and_the_slope_keeps_growing():
    problem, run = _unpenalised_run()
    assert not reference_fit(problem).exists
    assert run.status == "max_steps"  # the gradient never gets small enough to stop
    slope, cost = run.params[:, 0], run.cost
    early, late = 1_000, LESSON.config.steps
    assert _said(f"the slope is {slope[early]:.2f} after {early:,} steps")
    assert _said(f"and {slope[late]:.2f} after {late:,}")
    assert _said(f"({cost[early]:.3f}, then {cost[late]:.3f})")
    # Past the first few zig-zags the slope only grows and the cost only falls.
    assert np.all(np.diff(slope[50:]) > 0)
    assert np.all(np.diff(cost[50:]) < 0)
    assert slope[late] > 2 * slope[early]
    assert cost[late] < cost[early] / 4


def test_with_the_penalty_the_run_stops_at_the_stated_finite_optimum():
    fit = reference_fit(LESSON.problem)
    assert fit.exists
    run = descend(LESSON.problem, LESSON.config)
    assert run.status == "converged"
    m, b = run.params[-1]
    np.testing.assert_allclose((m, b), fit.theta, atol=1e-5)
    assert _said(f"{fit.theta[0]:.4f}") and _said(f"{fit.theta[1]:.4f}".replace("-", "−"))
    assert _said(f"stops after {run.steps:,} steps")
    assert _said(f"slope {m:.4f} and intercept {b:.4f}".replace("-", "−"))
    assert _said(f"cost {run.cost[-1]:.4f}")
    assert _said(f"x = {-b / m:.2f}")
    # The fit still separates the classes: each side of the crossing is one class.
    data = LESSON.problem.data
    assert np.array_equal(data.x > -b / m, data.y == 1)
