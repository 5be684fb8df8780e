"""Classroom scenarios: the article's experiments, each a problem and a run.

Then problems without data: functions of (x, y) with several minima, a saddle, a
curved valley and bowls of growing condition number. Pure data and engine objects,
no Qt. ``LESSONS`` is in teaching order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    CostModel,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
)
from gd_explorer.settings import Settings


@dataclass(frozen=True, slots=True)
class RaceRun:
    """One run of a race: what the runs panel calls it and how it runs."""

    label: str
    config: DescentConfig


@dataclass(frozen=True, slots=True)
class OnFunction:
    """Which function a lesson without data is about, as the window's settings name it.

    ``surface`` is a built-in surface's name (``"bowl"`` with its ``condition`` and
    ``rotation``), or ``"custom"`` with the typed ``expression``.
    """

    surface: str
    expression: str = ""
    condition: float = 10.0
    rotation: float = 30.0

    def settings(self) -> dict[str, Any]:
        """Return the settings that pick this function (for ``Settings.replace``)."""
        return {
            "model": "function",
            "surface": self.surface,
            "expression": self.expression,
            "condition": self.condition,
            "rotation": self.rotation,
        }

    def problem(self) -> CostModel:
        """Return the function problem (the same object the window builds for it)."""
        return Settings(**self.settings()).function()


@dataclass(frozen=True, slots=True)
class Lesson:
    """One scenario: what to load, how to run it, and what to say about it.

    A lesson that races runs lists them in ``race`` (its ``config`` is the first);
    ``scaling`` standardises x before the runs start. A lesson on a function names
    it in ``function`` (its ``problem`` is that function); it keeps the window's data.
    A lesson about a learning rate sets ``predict``: the class is asked first.
    """

    id: str
    title: str
    text: str
    problem: CostModel
    config: DescentConfig
    race: tuple[RaceRun, ...] = ()
    scaling: bool = False
    function: OnFunction | None = None
    #: Ask the class first whether the run will converge, oscillate or diverge.
    predict: bool = False

    @property
    def runs(self) -> tuple[RaceRun, ...]:
        """Return every run the lesson starts (one when it is not a race)."""
        return self.race or (RaceRun("run 1", self.config),)


def _racing(lesson_id: str, title: str, text: str, problem: CostModel, *runs: RaceRun) -> Lesson:
    """Return a lesson racing ``runs`` (the first leads: it is the lesson's ``config``)."""
    return Lesson(lesson_id, title, text, problem, runs[0].config, race=runs)


def _on(function: OnFunction, lesson_id: str, title: str, text: str, *runs: RaceRun) -> Lesson:
    """Return a lesson on ``function`` with one run or a race of ``runs``."""
    race = runs if len(runs) > 1 else ()
    return Lesson(
        lesson_id, title, text, function.problem(), runs[0].config, race=race, function=function
    )


def _start(x: float, y: float, rate: float, steps: int, **options: Any) -> DescentConfig:
    """Return a run on a function from (x, y) that stops once the gradient is below 1e-6."""
    return DescentConfig(rate, steps, init=(x, y), tolerance=1e-6, **options)


_LINE = LinearRegression(article_dataset())
_CLASSES = LogisticRegression(article_dataset(ARTICLE_CLASSES))
#: The penalty the separable-classes lesson loads with: enough for a bottom, small
#: enough that the fit still separates the classes.
SEPARABLE_L2 = 0.1
_SEPARABLE = LogisticRegression(article_dataset(ARTICLE_CLASSES), l2=SEPARABLE_L2)
# The article holds the intercept near its least-squares value to study the slope alone.
_B = {"b": 2.6}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "cost-function",
        "What the cost measures",
        "Eight points and a line. For each point, the vertical gap between it and the line "
        "is the error; the cost is half the mean of the squared gaps. With the intercept "
        "held at 2.6, every slope gives one cost, so the cost is a curve over the slope "
        "(and, with both free, a surface over slope and intercept). Don't run yet: look "
        "at the cost curve and the surface and find their lowest point, the best line. "
        "The ball marks where the current line sits; descent will walk it downhill.",
        _LINE,
        DescentConfig(0.001, 1000, fixed=_B),
    ),
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
        predict=True,
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
        predict=True,
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
        predict=True,
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
        predict=True,
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
    Lesson(
        "separable-l2",
        "Separated classes: no best fit, until a penalty",
        "Every x up to 4 is class 0 and every x from 5 up is class 1: the classes are "
        "perfectly separated. With the slope and the intercept both free, a steeper S-curve "
        "always fits them a little better, so the cost has no bottom and the contour map "
        "has no best point to mark. See it: set the L2 penalty λ to 0 and run. At learning "
        "rate 0.5 the slope is 2.39 after 1,000 steps and 5.53 after 10,000, and it never "
        "stops growing; the cost creeps towards 0 (0.074, then 0.015). The lesson loads "
        f"with λ = {SEPARABLE_L2:g}, which adds (λ/2)·m² to the cost: now a steep curve "
        "costs something, and the cost has a bottom, marked by the star. The run reaches it "
        "and stops after 2,865 steps, at slope 1.2205 and intercept −5.4316, with cost "
        "0.2293. The curve still puts each class on its own side of x = 4.45, where it "
        "crosses one half, but it no longer claims to be certain.",
        _SEPARABLE,
        # Stopped close enough that the text's four digits are the optimum's too.
        DescentConfig(0.5, 10_000, tolerance=1e-8),
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
    # Problems without data: functions of x (and y) to minimise.
    _on(
        OnFunction("double-well"),
        "local-minima",
        "Two valleys: the start decides",
        "This function of one variable, f(x) = (x² − 1)² + 0.3·x, has two valleys: a deeper "
        "one at x = −1.04, where f = −0.31, and a shallower one at x = 0.96, where f = 0.29, "
        "with a hump between them at x = 0.08. Two runs race with the same rule and the same "
        "learning rate, 0.02; only their starts differ, x = −0.1 and x = 0.2. Each rolls "
        "into the valley on its own side of the hump and stops there. The run from 0.2 "
        "settles at 0.96 and never learns that a lower valley exists: gradient descent only "
        "feels the slope where it stands, so it finds a local minimum, not always the "
        "lowest one.",
        RaceRun("start at −0.1", _start(-0.1, 0.0, 0.02, 1000)),
        RaceRun("start at 0.2", _start(0.2, 0.0, 0.02, 1000)),
    ),
    _on(
        OnFunction("himmelblau"),
        "himmelblau-starts",
        "Four starts, four answers",
        "Himmelblau's function has four valleys, all exactly as deep: f = 0 at (3, 2), "
        "(−2.81, 3.13), (−3.78, −3.28) and (3.58, −1.85). Four runs race with the same "
        "learning rate, 0.01, from the corners of a small square around the middle: (1, 1), "
        "(−1, 1), (−1, −1) and (1, −1). Each ends in a different minimum. Nothing in the "
        "rule differed; the start alone decided. Click the contour map to move the selected "
        "run's start and see which valley claims it: every minimum has its own region of "
        "starts that lead to it, its basin of attraction.",
        RaceRun("start (1, 1)", _start(1.0, 1.0, 0.01, 1000)),
        RaceRun("start (−1, 1)", _start(-1.0, 1.0, 0.01, 1000)),
        RaceRun("start (−1, −1)", _start(-1.0, -1.0, 0.01, 1000)),
        RaceRun("start (1, −1)", _start(1.0, -1.0, 0.01, 1000)),
    ),
    _on(
        OnFunction("saddle"),
        "saddle-point",
        "A saddle: flat ground that is not a bottom",
        "f = x² − y² curves up along x and down along y: at (0, 0) the ground is flat, but "
        "it is a saddle, not a bottom. Three runs start at x = −1.8 with learning "
        "rate 0.05. The first starts exactly on the line y = 0: nothing ever pushes it "
        "sideways, so it slides into the saddle and stops there after 144 steps, because "
        "the gradient has vanished: gradient descent cannot tell a saddle from a minimum. "
        "The second starts only 0.001 off that line. It too heads for the saddle and slows "
        "to a crawl: steps 29 to 49 are each shorter than 0.01. But its sideways offset "
        "grows by a tenth at every step, and at step 73 it is more than 1 away from the "
        "saddle, falling ever faster along y, where f has no bottom. The third, 0.1 off the "
        "line, never comes closer to the saddle than 0.56 and is more than 1 away at "
        "step 25.",
        RaceRun("on the line", _start(-1.8, 0.0, 0.05, 250)),
        RaceRun("0.001 off", _start(-1.8, 0.001, 0.05, 250)),
        RaceRun("0.1 off", _start(-1.8, 0.1, 0.05, 250)),
    ),
    _on(
        OnFunction("rosenbrock"),
        "rosenbrock-valley",
        "Rosenbrock's valley: why momentum and Adam exist",
        "Rosenbrock's function has one minimum, f = 0 at (1, 1), at the end of a long, "
        "curved valley with a nearly flat floor and steep walls. Three runs start at "
        "(−1.5, 2). Plain gradient descent must keep its learning rate below what the steep "
        "walls allow (2/L is just under 0.002 at the bottom), so it uses 0.001, and then "
        "crawls along the floor: after 3,000 steps it has only got to (0.78, 0.61), and it "
        "would need about 16,000 steps to bring f within a millionth of 0 (the runs panel "
        "counts these steps). Momentum, at the same learning rate, lets the small pushes "
        "along the floor add up from step to step: it gets there in about 1,500 steps. "
        "Adam divides each direction's step by that direction's own gradient size, so the "
        "flat floor is walked at a useful pace: at learning rate 0.02 it gets there in "
        "about 2,300 steps. Watch the three paths on the contour map.",
        RaceRun("gradient descent", DescentConfig(0.001, 3000, init=(-1.5, 2.0))),
        RaceRun(
            "momentum 0.9",
            DescentConfig(
                0.001,
                3000,
                init=(-1.5, 2.0),
                optimizer="momentum",
                optimizer_options={"beta": 0.9},
            ),
        ),
        RaceRun("Adam", DescentConfig(0.02, 3000, init=(-1.5, 2.0), optimizer="adam")),
    ),
    _on(
        OnFunction("bowl", condition=10.0, rotation=30.0),
        "ill-conditioning",
        "Ill-conditioning, part 1: a bowl ten times steeper one way",
        "This quadratic bowl, turned by 30°, curves 10 times more sharply across than "
        "along: its condition number κ is 10. The sharper direction sets the largest "
        "learning rate that does not blow up, 2/10 = 0.2; the best single rate for both "
        "directions together is 2/(1 + κ), about 0.18. At that rate every step removes at "
        "least 18% of the distance left to the bottom. From (−2.5, 1.5) gradient descent "
        "stops after 77 steps, when the gradient is smaller than a millionth. Remember "
        "that count for the next lesson.",
        RaceRun("gradient descent", _start(-2.5, 1.5, 0.18, 2000)),
    ),
    _on(
        OnFunction("bowl", condition=100.0, rotation=30.0),
        "ill-conditioning-100",
        "Ill-conditioning, part 2: a hundred times steeper",
        "The same bowl, now 100 times more sharply curved across than along: κ = 100. The "
        "largest learning rate that does not blow up shrinks tenfold, to 2/100 = 0.02, and "
        "the best one to 2/101, about 0.0198. At that rate a step removes only about 2% of "
        "the distance left, against 18% when κ was 10: the steep direction zig-zags across "
        "the bowl while the gentle one creeps. From the same start gradient descent now "
        "needs 959 steps, about twelve times as many: the steps needed grow in proportion "
        "to the condition number. The second run adds momentum at the same learning rate "
        "and needs only 316 steps. Feature scaling, an earlier lesson, is the other cure: "
        "it makes the bowl round.",
        RaceRun("gradient descent", _start(-2.5, 1.5, 0.0198, 3000)),
        RaceRun(
            "momentum 0.9",
            _start(-2.5, 1.5, 0.0198, 3000, optimizer="momentum", optimizer_options={"beta": 0.9}),
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
