"""Classroom scenarios: the article's experiments, each a problem and a run.

Pure data and engine objects, no Qt. ``LESSONS`` is in teaching order.
"""

from __future__ import annotations

from dataclasses import dataclass

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    CostModel,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
)


@dataclass(frozen=True, slots=True)
class Lesson:
    """One scenario: what to load, how to run it, and what to say about it."""

    id: str
    title: str
    text: str
    problem: CostModel
    config: DescentConfig


_LINE = LinearRegression(article_dataset())
_CLASSES = LogisticRegression(article_dataset(ARTICLE_CLASSES))
# The article holds the intercept near its least-squares value to study the slope alone.
_B = {"b": 2.6}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "least-squares",
        "The answer we are looking for",
        "Eight points and the straight line closest to them, found exactly by least "
        "squares: slope 0.8448, intercept 2.6034. The cost is half the mean of the squared "
        "vertical gaps between points and line. Gradient descent never sees this formula; "
        "it has to find the bottom of the cost by walking downhill. Run it: with a "
        "well-chosen learning rate it lands on the same line.",
        _LINE,
        DescentConfig(0.05, 5000, tolerance=1e-10),
    ),
    Lesson(
        "slope-without-learning-rate",
        "Stepping by the whole derivative",
        "The intercept is held at 2.6 and only the slope moves. Each step subtracts the "
        "full derivative of the cost from the slope, as if the learning rate were 1. "
        "Watch the ball: the derivative points the right way, but its size is far too "
        "big a step, so each move overshoots the bottom by more than the last. Five steps "
        "take the slope from 0 to more than fifty million.",
        _LINE,
        DescentConfig(1.0, 5, fixed=_B),
    ),
    Lesson(
        "slope-small-steps",
        "Small steps",
        "The same slope-only problem, now moving by 0.001 times the derivative. The ball "
        "creeps down one side of the curve without ever crossing the bottom, and after "
        "1000 steps the slope is 0.8453, the best slope for an intercept of 2.6. Small "
        "steps are safe but slow: count how many it took.",
        _LINE,
        DescentConfig(0.001, 1000, fixed=_B),
    ),
    Lesson(
        "overshoot",
        "Overshooting, then settling",
        "A learning rate of 0.05 is more than 1/L = 0.0267 (L = 37.5 is how sharply this "
        "cost curves), so every step jumps past the bottom to the other side. It is still "
        "below 2/L = 0.0533, so each jump lands a little closer: the ball zig-zags and "
        "settles. Look at the cost history: it still falls at every step.",
        _LINE,
        DescentConfig(0.05, 100, fixed=_B),
    ),
    Lesson(
        "too-large",
        "Past the stability limit",
        "Now the learning rate is 0.06, just above 2/L = 0.0533. Each jump past the bottom "
        "lands a quarter further out than the last, so the ball climbs the walls of the "
        "cost instead of settling, and the cost grows without bound. Between 0.0533 and "
        "0.06 lies the whole difference between learning and blowing up.",
        _LINE,
        DescentConfig(0.06, 100, fixed=_B),
    ),
    Lesson(
        "slope-and-intercept",
        "Slope and intercept together",
        "Both parameters move now, so the cost is a surface over the (slope, intercept) "
        "plane, shaped like a long narrow valley. Starting from (0, 0) with learning rate "
        "0.01, the ball first drops into the valley, then walks slowly along its floor. "
        "After 4000 steps: slope 0.8450, intercept 2.6022, close to least squares.",
        _LINE,
        DescentConfig(0.01, 4000),
    ),
    Lesson(
        "stochastic",
        "One random point per step",
        "Instead of averaging the gradient over all eight points, each step uses one "
        "point picked at random. A step costs an eighth as much, but points disagree "
        "about which way is down, so the slope jitters around the answer instead of "
        "settling on it. Change the seed: every run ends somewhere slightly different.",
        _LINE,
        DescentConfig(0.001, 1000, variant="stochastic", seed=2024, fixed=_B),
    ),
    Lesson(
        "mini-batch",
        "A few random points per step",
        "Each step averages the gradient over three distinct points picked at random: a "
        "middle way between all points and one. The path is smoother than with single "
        "points and each step is still cheaper than the full sum. Compare its jitter "
        "with the stochastic lesson.",
        _LINE,
        DescentConfig(0.001, 1000, variant="minibatch", batch_size=3, seed=2024, fixed=_B),
    ),
    Lesson(
        "logistic-slope",
        "Logistic regression: fitting a probability",
        "The labels are now classes, 0 or 1, and the model is an S-shaped curve giving "
        "the probability of class 1. The cost is cross-entropy: it punishes confident "
        "wrong answers hard. These classes are perfectly separated (x ≤ 4 against x ≥ 5), "
        "so with both parameters free the fit would sharpen for ever. Holding the "
        "intercept at −67.57, 1000 steps of size 1 bring the slope to 15.017.",
        _CLASSES,
        DescentConfig(1.0, 1000, fixed={"b": -67.57}),
    ),
)

_BY_ID = {lesson.id: lesson for lesson in LESSONS}


def get_lesson(lesson_id: str) -> Lesson:
    """Return the lesson called ``lesson_id``.

    Raises
    ------
    KeyError
        With the list of known ids.
    """
    try:
        return _BY_ID[lesson_id]
    except KeyError:
        known = ", ".join(_BY_ID)
        raise KeyError(f"no lesson {lesson_id!r}; the lessons are: {known}") from None
