"""Lessons: every required id, in order, reproducing its run."""

import numpy as np
import pytest

from gd_explorer.engine import descend, reference_fit, stability
from gd_explorer.lessons import LESSONS, get_lesson

REQUIRED = {
    "slope-without-learning-rate",
    "slope-small-steps",
    "overshoot",
    "too-large",
    "slope-and-intercept",
    "stochastic",
    "mini-batch",
    "logistic-slope",
    "least-squares",
}
#: Looking before running: the cost itself.
FIRST_LOOKS = {"cost-function"}
#: The races of the runs issue.
RACES = {
    "momentum-valley",
    "adam-vs-gd",
    "stability-bands",
    "feature-scaling",
    "stochastic-decay",
}
#: Lessons of the classroom issue.
CLASSROOM = {"separable-l2"}
#: Problems without data (the surfaces issue).
FUNCTIONS = {
    "local-minima",
    "himmelblau-starts",
    "saddle-point",
    "rosenbrock-valley",
    "ill-conditioning",
    "ill-conditioning-100",
}


def test_every_required_lesson_exists_once():
    ids = [lesson.id for lesson in LESSONS]
    assert set(ids) == REQUIRED | FIRST_LOOKS | RACES | FUNCTIONS | CLASSROOM
    assert len(ids) == len(set(ids))
    for lesson in LESSONS:
        assert get_lesson(lesson.id) is lesson
        assert lesson.title and len(lesson.text) > 100


def test_unknown_lesson_lists_the_known_ones():
    with pytest.raises(KeyError, match="no lesson 'nope'; the lessons are: .*overshoot"):
        get_lesson("nope")


@pytest.mark.parametrize(
    ("lesson_id", "status", "final"),
    [
        ("slope-without-learning-rate", "diverged", (54763642.09375, 2.6)),
        ("slope-small-steps", "max_steps", (0.8453333333333318, 2.6)),
        ("slope-and-intercept", "max_steps", (0.8450107631510549, 2.6022056448336817)),
        ("logistic-slope", "max_steps", (15.017184591647284, -67.57)),
        ("least-squares", "converged", (0.8448275862068966, 2.6034482758620694)),
    ],
)
def test_lesson_reproduces_the_article(lesson_id, status, final):
    lesson = get_lesson(lesson_id)
    run = descend(lesson.problem, lesson.config)
    assert run.status == status
    np.testing.assert_allclose(run.final, final, rtol=1e-9)


def test_overshoot_rate_lies_between_one_and_two_over_L():
    lesson = get_lesson("overshoot")
    figures = stability(lesson.problem, fixed=lesson.config.fixed)
    assert 1 / figures.L < lesson.config.learning_rate < 2 / figures.L
    run = descend(lesson.problem, lesson.config)
    best = reference_fit(lesson.problem, lesson.config.fixed).theta[0]
    offsets = run.params[:, 0] - best
    assert offsets[0] < 0 < offsets[1]  # the first step jumps past the bottom
    assert run.status == "max_steps" and abs(offsets[-1]) < 1e-5


def test_too_large_rate_lies_above_two_over_L_and_diverges():
    lesson = get_lesson("too-large")
    figures = stability(lesson.problem, fixed=lesson.config.fixed)
    assert lesson.config.learning_rate > 2 / figures.L
    run = descend(lesson.problem, lesson.config)
    assert run.status == "diverged"
    assert "above the stability limit 0.0533" in run.message


@pytest.mark.parametrize("lesson_id", ["stochastic", "mini-batch"])
def test_random_lessons_are_seeded_and_land_near_the_answer(lesson_id):
    lesson = get_lesson(lesson_id)
    first = descend(lesson.problem, lesson.config)
    np.testing.assert_array_equal(first.params, descend(lesson.problem, lesson.config).params)
    best = reference_fit(lesson.problem, lesson.config.fixed).theta[0]
    assert abs(first.final[0] - best) < 0.02
    # Jitter: unlike batch descent, the cost does not fall at every step.
    assert np.any(np.diff(first.cost) > 0)
