"""The lessons on functions: every number their text states is what the runs do."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gd_explorer.engine import descend, stability, steps_to_reach
from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.settings import Settings
from gd_explorer.state import ExplorerState

FUNCTION_LESSONS = (
    "local-minima",
    "himmelblau-starts",
    "saddle-point",
    "rosenbrock-valley",
    "ill-conditioning",
    "ill-conditioning-100",
)

# A number as a lesson writes it: −1.04, 3,000, 0.0198 (a minus sign of either kind).
NUMBER = re.compile(r"[−-]?\d{1,3}(?:,\d{3})+|[−-]?\d+(?:\.\d+)?")


def numbers_in(text: str) -> set[str]:
    """Return every number written in ``text`` (superscripts such as x² are not numbers)."""
    return set(NUMBER.findall(text))


def value(token: str) -> float:
    return float(token.replace("−", "-").replace(",", ""))


def agrees(token: str, actual: float, places: int) -> bool:
    """Return whether ``actual`` rounded to ``places`` is the number written."""
    return math.isclose(round(float(actual), places), value(token), abs_tol=1e-12)


def check_numbers(lesson_id: str, checks: list[tuple[str, float, int]]) -> None:
    """Every number in the lesson's text is checked, and every check holds."""
    text = get_lesson(lesson_id).text
    written = numbers_in(text)
    checked = {token for token, _, _ in checks}
    assert written <= checked, f"numbers in the text that no check covers: {written - checked}"
    for token, actual, places in checks:
        assert token in written, f"{token} is checked but not in the text"
        assert agrees(token, actual, places), f"{lesson_id}: text says {token}, runs give {actual}"


def runs_of(lesson_id: str) -> list:
    lesson = get_lesson(lesson_id)
    return [descend(lesson.problem, run.config) for run in lesson.runs]


def first_step(mask: np.ndarray) -> int:
    found = np.flatnonzero(mask)
    assert found.size, "never"
    return int(found[0])


def test_every_function_lesson_names_its_function_and_follows_the_regressions():
    ids = [lesson.id for lesson in LESSONS]
    assert ids[-len(FUNCTION_LESSONS) :] == list(FUNCTION_LESSONS)
    for lesson_id in FUNCTION_LESSONS:
        lesson = get_lesson(lesson_id)
        assert lesson.problem.kind == "function" and lesson.function is not None
        # The problem is the one the window builds from the lesson's settings.
        assert lesson.problem is Settings(**lesson.function.settings()).function()
        assert 1 <= len(lesson.runs) <= 4 and lesson.runs[0].config == lesson.config
        for run in lesson.runs:
            assert run.config.variant == "batch"


def test_the_double_well_sends_two_near_starts_to_different_valleys():
    lesson = get_lesson("local-minima")
    problem = lesson.problem
    assert problem.formula in lesson.text
    deep, shallow = problem.minima
    hump = min((r.real for r in np.roots([4, 0, -4, 0.3]) if abs(r.imag) < 1e-12), key=abs)
    ends = [problem.reached(run.params[-1]) for run in runs_of("local-minima")]
    assert ends == [0, 1]
    starts = [run.config.init[0] for run in lesson.runs]
    assert starts[0] < hump < starts[1]
    check_numbers(
        "local-minima",
        [
            ("1", 1, 0),  # in the formula, checked above
            ("0.3", 0.3, 1),
            ("−1.04", deep[0], 2),
            ("−0.31", problem.cost(deep), 2),
            ("0.96", shallow[0], 2),
            ("0.29", problem.cost(shallow), 2),
            ("0.08", hump, 2),
            ("0.02", lesson.runs[1].config.learning_rate, 2),
            ("0.02", lesson.runs[0].config.learning_rate, 2),
            ("−0.1", starts[0], 1),
            ("0.2", starts[1], 1),
        ],
    )


def test_himmelblau_four_starts_reach_four_minima():
    lesson = get_lesson("himmelblau-starts")
    problem = lesson.problem
    minima = problem.minima
    ends = [problem.reached(run.params[-1]) for run in runs_of("himmelblau-starts")]
    assert ends == [0, 1, 2, 3]
    starts = {coordinate for run in lesson.runs for coordinate in run.config.init}
    assert starts == {1.0, -1.0}
    rates = {run.config.learning_rate for run in lesson.runs}
    assert rates == {0.01}
    check_numbers(
        "himmelblau-starts",
        [
            ("0", max(problem.cost(m) for m in minima), 6),
            ("3", minima[0][0], 6),
            ("2", minima[0][1], 6),
            ("−2.81", minima[1][0], 2),
            ("3.13", minima[1][1], 2),
            ("−3.78", minima[2][0], 2),
            ("−3.28", minima[2][1], 2),
            ("3.58", minima[3][0], 2),
            ("−1.85", minima[3][1], 2),
            ("0.01", rates.pop(), 2),
            ("1", max(starts), 0),
            ("−1", min(starts), 0),
        ],
    )


def test_the_saddle_stops_one_run_and_lets_the_others_fall_away():
    lesson = get_lesson("saddle-point")
    problem = lesson.problem
    assert problem.formula in lesson.text
    on_line, near, far = runs_of("saddle-point")
    configs = [run.config for run in lesson.runs]
    distance = [np.hypot(*run.params.T) for run in (on_line, near, far)]
    # On the line: stops at the saddle, the gradient gone.
    assert on_line.status == "converged" and distance[0][-1] < 1e-6
    assert problem.reached(on_line.params[-1]) is None  # the saddle is no minimum
    # Just off the line: the crawl is one stretch of steps, then the fall.
    lengths = np.hypot(*np.diff(near.params, axis=0).T)  # lengths[k - 1] is step k's
    slow = np.flatnonzero(lengths < 0.01) + 1
    assert list(slow) == list(range(slow[0], slow[-1] + 1))
    away = [leaves(d) for d in distance[1:]]
    growth = near.params[1:20, 1] / near.params[:19, 1]
    assert np.allclose(growth, 1.1)  # "grows by a tenth at every step"
    assert near.status == far.status == "diverged" and "unbounded below" in near.message
    check_numbers(
        "saddle-point",
        [
            ("0", problem.saddles[0][0], 9),
            ("0", problem.saddles[0][1], 9),
            ("0", configs[0].init[1], 9),
            ("−1.8", {c.init[0] for c in configs}.pop(), 1),
            ("0.05", {c.learning_rate for c in configs}.pop(), 2),
            ("144", on_line.steps, 0),
            ("0.001", configs[1].init[1], 3),
            ("29", slow[0], 0),
            ("49", slow[-1], 0),
            ("0.01", 0.01, 2),  # the crawl's threshold, used above
            ("73", away[0], 0),
            ("1", 1, 0),  # "more than 1 away", used above
            ("0.1", configs[2].init[1], 1),
            ("0.56", distance[2].min(), 2),
            ("25", away[1], 0),
        ],
    )
    assert len({c.init[0] for c in configs}) == len({c.learning_rate for c in configs}) == 1


def leaves(distance: np.ndarray) -> int:
    """Return the first step after the closest approach that is more than 1 away."""
    closest = int(np.argmin(distance))
    return closest + first_step(distance[closest:] > 1)


def reach_step(problem, config, steps: int) -> int:
    """Return the first step at which f is within a millionth of f*, as the runs panel says."""
    run = descend(problem, config.replace(steps=steps))
    found = steps_to_reach(run.cost, problem.cost(problem.minima[0]))
    assert found >= 0, "never"
    return found


def test_rosenbrock_momentum_and_adam_outpace_plain_descent():
    lesson = get_lesson("rosenbrock-valley")
    problem = lesson.problem
    plain, momentum, adam = lesson.runs
    minimum = problem.minima[0]
    limit = stability(problem, minimum).max_stable_lr
    assert limit < 0.002  # "just under"
    final = descend(problem, plain.config)
    assert problem.reached(final.params[-1]) is None
    assert {run.config.init for run in lesson.runs} == {(-1.5, 2.0)}
    check_numbers(
        "rosenbrock-valley",
        [
            ("0", problem.cost(minimum), 9),
            ("1", minimum[0], 6),
            ("1", minimum[1], 6),
            ("−1.5", plain.config.init[0], 1),
            ("2", plain.config.init[1], 0),
            ("2", 2 * limit * stability(problem, minimum).L / 2, 9),  # 2/L
            ("0.002", limit, 3),
            ("0.001", plain.config.learning_rate, 3),
            ("0.001", momentum.config.learning_rate, 3),
            ("3,000", plain.config.steps, 0),
            ("0.78", final.params[-1, 0], 2),
            ("0.61", final.params[-1, 1], 2),
            ("0", 0, 0),  # "within a millionth of 0": f* (checked above)
            ("16,000", reach_step(problem, plain.config, 20_000), -3),
            ("1,500", reach_step(problem, momentum.config, 3000), -2),
            ("0.02", adam.config.learning_rate, 2),
            ("2,300", reach_step(problem, adam.config, 3000), -2),
        ],
    )


def contraction(lesson_id: str) -> float:
    """Return the share of the distance left that the slowest direction keeps per step."""
    lesson = get_lesson(lesson_id)
    eigenvalues = stability(lesson.problem).eigenvalues
    return float(max(abs(1 - lesson.config.learning_rate * eigenvalues)))


def test_the_bowl_at_condition_10():
    lesson = get_lesson("ill-conditioning")
    curvature = stability(lesson.problem)
    (run,) = runs_of("ill-conditioning")
    assert run.status == "converged" and lesson.config.tolerance == 1e-6  # "a millionth"
    assert lesson.problem.reached(run.params[-1]) == 0
    check_numbers(
        "ill-conditioning",
        [
            ("30", lesson.function.rotation, 0),
            ("10", curvature.condition, 6),
            ("2", 2, 0),  # the formulas 2/10 and 2/(1 + κ), checked by their values
            ("1", 1, 0),
            ("0.2", curvature.max_stable_lr, 6),
            ("0.18", curvature.best_lr, 2),
            ("0.18", lesson.config.learning_rate, 2),
            ("18", 100 * (1 - contraction("ill-conditioning")), 6),
            ("−2.5", lesson.config.init[0], 1),
            ("1.5", lesson.config.init[1], 1),
            ("77", run.steps, 0),
        ],
    )


def test_the_bowl_at_condition_100_needs_about_twelve_times_the_steps():
    lesson = get_lesson("ill-conditioning-100")
    curvature = stability(lesson.problem)
    plain, momentum = runs_of("ill-conditioning-100")
    (before,) = runs_of("ill-conditioning")
    assert plain.status == momentum.status == "converged"
    assert round(plain.steps / before.steps) == 12  # "about twelve times as many"
    assert round(stability(get_lesson("ill-conditioning").problem).max_stable_lr
                 / curvature.max_stable_lr) == 10  # "shrinks tenfold"  # fmt: skip
    assert lesson.config.init == get_lesson("ill-conditioning").config.init  # "the same start"
    assert lesson.function.rotation == get_lesson("ill-conditioning").function.rotation
    rates = {run.config.learning_rate for run in lesson.runs}
    check_numbers(
        "ill-conditioning-100",
        [
            ("100", curvature.condition, 6),
            ("2", 2, 0),  # the formulas 2/100 and 2/101
            ("0.02", curvature.max_stable_lr, 6),
            ("101", 1 + curvature.condition, 6),
            ("0.0198", curvature.best_lr, 4),
            ("0.0198", rates.pop(), 4),
            ("2", 100 * (1 - contraction("ill-conditioning-100")), 0),
            ("18", 100 * (1 - contraction("ill-conditioning")), 6),
            ("10", stability(get_lesson("ill-conditioning").problem).condition, 6),
            ("959", plain.steps, 0),
            ("316", momentum.steps, 0),
        ],
    )
    assert not rates  # both runs at the same rate


@pytest.mark.parametrize("lesson_id", FUNCTION_LESSONS)
def test_loading_a_function_lesson_sets_the_function_and_keeps_the_data(lesson_id):
    lesson = get_lesson(lesson_id)
    state = ExplorerState.initial()
    loaded, _ = state.load_lesson(lesson, 50.0)
    assert loaded.data is state.data  # the learner's data waits for a return to regression
    assert loaded.lesson == lesson_id and len(loaded.runs) == len(lesson.runs)
    for settings, run in zip(loaded.runs, lesson.runs, strict=True):
        assert settings.model == "function"
        assert settings.problem(loaded.data) is lesson.problem
        assert settings.config() == run.config.replace(seed=settings.seed)
        assert settings.speed == 50.0
    # And back to a lesson on data: its own data again.
    back, _ = loaded.load_lesson(get_lesson("overshoot"), 50.0)
    assert back.settings.model == "linear" and back.data is get_lesson("overshoot").problem.data


# The race presets on functions.


def preset_runs(preset_id: str, settings: Settings) -> list[tuple[str, Settings]]:
    from gd_explorer.presets import get_preset

    return list(get_preset(preset_id).runs(settings, None))


@pytest.mark.parametrize(
    "settings",
    [Settings(), Settings(model="function", surface="saddle", steps=200, learning_rate=0.5)],
    ids=["from a regression", "from another surface"],
)
def test_the_rosenbrock_preset_switches_to_it_and_momentum_and_adam_reach_the_minimum(settings):
    from gd_explorer.presets import get_preset

    preset = get_preset("rosenbrock-rules")
    assert preset.kind == "function" and "3,000" in preset.description
    race = preset_runs("rosenbrock-rules", settings)
    assert [label for label, _ in race] == ["gradient descent", "momentum 0.9", "Adam"]
    state, _ = ExplorerState.initial(settings).race(tuple(race))  # one problem: accepted
    problem = state.settings.function()
    assert problem.name == "rosenbrock"
    reached = []
    for _, run in race:
        assert run.steps >= 3000 and run.config().start == (-1.5, 2.0)
        trajectory = descend(problem, run.config().replace(steps=3000))
        reached.append(problem.reached(trajectory.params[-1]))
    assert reached == [None, 0, 0]  # "momentum and Adam reach the minimum at (1, 1)"
    assert problem.minima[0] == pytest.approx((1.0, 1.0))


def test_the_rosenbrock_preset_keeps_a_start_set_on_rosenbrock():
    settings = Settings(model="function", surface="rosenbrock", start_slope=-1.0)
    for _, run in preset_runs("rosenbrock-rules", settings):
        assert run.config().start == (-1.0, 0.0)


def test_the_himmelblau_preset_reaches_each_minimum_from_its_own_start():
    from gd_explorer.presets import get_preset

    assert get_preset("himmelblau-starts").kind == "function"
    race = preset_runs("himmelblau-starts", Settings(steps=50))
    assert len(race) == 4
    problem = race[0][1].function()
    assert problem.name == "himmelblau"
    ends = [problem.reached(descend(problem, run.config()).params[-1]) for _, run in race]
    assert ends == [0, 1, 2, 3]  # "a different minimum from each"
    assert [label for label, _ in race][1] == "start (−1, 1)"


def spread(problem, settings: Settings) -> float:
    """Return how far a run stays, on average over its last 200 steps, from its minimum."""
    run = descend(problem, settings.config())
    minimum = np.array(problem.minima[problem.reached(run.params[-1], tolerance=1.0)])
    return float(np.mean(np.hypot(*(run.params[-200:] - minimum).T)))


def test_the_sampling_presets_become_gradient_noise_on_a_function():
    settings = Settings(
        model="function", surface="himmelblau", start_slope=1.0, start_intercept=1.0, steps=2000
    )
    problem = settings.function()
    race = preset_runs("variants", settings)
    assert [run.noise for _, run in race] == pytest.approx([0.0, 1.0, 1 / np.sqrt(3)])
    assert {run.variant for _, run in race} == {"batch"}
    exact, one, mean = (spread(problem, run) for _, run in race)
    assert exact < 1e-9 < mean < one  # a mean of three points jitters less than one point
    constant, decaying = (spread(problem, run) for _, run in preset_runs("decay", settings))
    assert decaying < constant / 2
    # Noise the learner set is the one raced.
    noisy = preset_runs("variants", settings.replace(noise=0.25))
    assert [run.noise for _, run in noisy][1] == 0.25
