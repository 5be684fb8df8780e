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
class RaceRun:
    """One run of a race: what the runs panel calls it and how it runs."""

    label: str
    config: DescentConfig


@dataclass(frozen=True, slots=True)
class Lesson:
    """One scenario: what to load, how to run it, and what to say about it.

    A lesson that races runs lists them in ``race`` (its ``config`` is the first);
    ``scaling`` standardises x before the runs start.
    """

    id: str
    title: str
    text: str
    problem: CostModel
    config: DescentConfig
    race: tuple[RaceRun, ...] = ()
    scaling: bool = False

    @property
    def runs(self) -> tuple[RaceRun, ...]:
        """Return every run the lesson starts (one when it is not a race)."""
        return self.race or (RaceRun("run 1", self.config),)


def _racing(lesson_id: str, title: str, text: str, problem: CostModel, *runs: RaceRun) -> Lesson:
    """Return a lesson racing ``runs`` (the first leads: it is the lesson's ``config``)."""
    return Lesson(lesson_id, title, text, problem, runs[0].config, race=runs)


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
    _racing(
        "momentum-valley",
        "Momentum through the narrow valley",
        "Both parameters move from (0, 0), and the valley of this cost is about 200 times "
        "steeper across than along. Plain gradient descent at learning rate 0.01 crosses "
        "the valley quickly but then crawls along its floor: it needs about 3,500 steps to "
        "come within a millionth of the lowest cost. Momentum keeps a running sum of past "
        "gradients, so the pushes along the floor add up while the zig-zags across it "
        "cancel. At the same learning rate it gets there in under 300 steps. Watch the "
        "two paths on the contour map.",
        _LINE,
        RaceRun("gradient descent", DescentConfig(0.01, 4000)),
        RaceRun(
            "momentum 0.9",
            DescentConfig(0.01, 4000, optimizer="momentum", optimizer_options={"beta": 0.9}),
        ),
    ),
    _racing(
        "adam-vs-gd",
        "Adam against plain gradient descent",
        "Adam divides each parameter's step by a running measure of that parameter's own "
        "gradient size, so the steep direction and the flat one move at similar speeds. "
        "Here it races gradient descent and momentum through the same narrow valley. "
        "Adam's first steps are almost exactly the learning rate long in each direction, "
        "whatever the slope: look at the path leave the start at 45 degrees on the "
        "contour map. Which run reaches the bottom first, and which one overshoots?",
        _LINE,
        RaceRun("gradient descent", DescentConfig(0.01, 4000)),
        RaceRun("momentum 0.9", DescentConfig(0.01, 4000, optimizer="momentum")),
        RaceRun("Adam", DescentConfig(0.1, 4000, optimizer="adam")),
    ),
    _racing(
        "stability-bands",
        "Why a learning rate above 2/L diverges",
        "Only the slope moves (intercept held at 2.6), so the cost is a parabola whose "
        "curvature is L = 37.5. A step multiplies the distance to the bottom by (1 − "
        "learning rate × L). Below 1/L = 0.0267 that factor is between 0 and 1: the ball "
        "slides down one side. Between 1/L and 2/L = 0.0533 it is between −1 and 0: the "
        "ball jumps across and still closes in. Above 2/L it is below −1: every jump lands "
        "further out. Four runs race at 0.02, 0.04, 0.052 and 0.055; the coloured bands "
        "on the learning-rate control show the same three regions.",
        _LINE,
        RaceRun("0.02 (smooth)", DescentConfig(0.02, 200, fixed=_B)),
        RaceRun("0.04 (zig-zag)", DescentConfig(0.04, 200, fixed=_B)),
        RaceRun("0.052 (barely stable)", DescentConfig(0.052, 200, fixed=_B)),
        RaceRun("0.055 (diverges)", DescentConfig(0.055, 200, fixed=_B)),
    ),
    Lesson(
        "feature-scaling",
        "Feature scaling turns the valley into a bowl",
        "The x values run from 1 to 10 and are never near 0, so the slope and the "
        "intercept pull against each other and the cost is a long narrow valley (condition "
        "number about 202). Standardising x — subtracting its mean 5.5 and dividing by its "
        "spread 2.69 — makes the two directions independent and equally steep: the valley "
        "becomes a round bowl with condition number 1. At its best learning rate, gradient "
        "descent then lands on the bottom in a single step instead of hundreds. The fitted "
        "line is the same; it is shown back in the original units.",
        _LINE,
        DescentConfig(1.0, 100),
        scaling=True,
    ),
    _racing(
        "stochastic-decay",
        "Stochastic descent settles only with a decaying rate",
        "With one random point per step, each step's gradient is noisy. At a constant "
        "learning rate of 0.02 that noise never dies down: the slope keeps wandering about "
        "0.15 either side of the best value 0.8453, however long it runs. Shrinking the "
        "rate as 0.02 / (1 + 0.05 t) makes the later steps small enough for the noise to "
        "average out, and the slope settles within about 0.005 of the answer. Compare the "
        "two cost histories.",
        _LINE,
        RaceRun(
            "constant rate",
            DescentConfig(0.02, 2000, variant="stochastic", seed=2024, fixed=_B),
        ),
        RaceRun(
            "1/t decay",
            DescentConfig(
                0.02,
                2000,
                variant="stochastic",
                seed=2024,
                fixed=_B,
                schedule="inverse",
                schedule_options={"decay": 0.05},
            ),
        ),
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
