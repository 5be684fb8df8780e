"""The racing lessons and the race presets say what their runs really do."""

from __future__ import annotations

import numpy as np
import pytest

from gd_explorer.engine import descend, reference_fit, stability
from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.presets import PRESETS, RATE_FACTORS, get_preset
from gd_explorer.settings import Settings


def reach(lesson_id: str) -> list[int | None]:
    """Return, per run, the first step within 1e-6 of the optimal cost (None: never)."""
    lesson = get_lesson(lesson_id)
    best = reference_fit(lesson.problem).cost
    found = []
    for run in lesson.runs:
        cost = descend(lesson.problem, run.config).cost
        close = np.flatnonzero(cost - best <= 1e-6 * max(1.0, abs(best)))
        found.append(int(close[0]) if close.size else None)
    return found


def test_every_lesson_has_one_to_four_runs_and_its_config_leads():
    for lesson in LESSONS:
        assert 1 <= len(lesson.runs) <= 4, lesson.id
        assert lesson.runs[0].config == lesson.config


def test_momentum_gets_through_the_valley_ten_times_sooner():
    plain, momentum = reach("momentum-valley")
    assert 3000 < plain < 4000  # "about 3,500 steps"
    assert momentum < 300  # "under 300 steps"


def test_adam_starts_at_45_degrees():
    lesson = get_lesson("adam-vs-gd")
    adam = descend(lesson.problem, lesson.runs[2].config)
    first = adam.params[1] - adam.params[0]
    assert np.allclose(np.abs(first), 0.1, rtol=1e-6)  # the learning rate in each direction


def test_the_stability_lesson_diverges_only_past_two_over_l():
    lesson = get_lesson("stability-bands")
    limit = stability(lesson.problem, fixed=lesson.config.fixed).max_stable_lr
    for run in lesson.runs:
        status = descend(lesson.problem, run.config).status
        assert (status == "diverged") == (run.config.learning_rate > limit), run.label


def test_a_decaying_rate_settles_stochastic_descent():
    lesson = get_lesson("stochastic-decay")
    best = 0.8453333333333334
    spread = []
    for run in lesson.runs:
        slopes = descend(lesson.problem, run.config).params[-200:, 0]
        spread.append(float(np.std(slopes)))
        assert abs(float(np.mean(slopes)) - best) < 0.1
    constant, decaying = spread
    assert constant > 0.08  # "wandering about 0.15 either side"
    assert decaying < 0.01  # "within about 0.005"


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.id)
def test_every_preset_gives_valid_distinct_runs(preset):
    settings = Settings()
    runs = preset.runs(settings, 2 / 37.5)
    assert 2 <= len(runs) <= 4
    configs = [s.config() for _, s in runs]  # all valid
    assert len({c for c in configs}) == len(configs)
    assert len({label for label, _ in runs}) == len(runs)
    # A preset on a function switches to it; the others race on the problem as it is.
    model = "function" if preset.kind == "function" else settings.model
    assert {s.model for _, s in runs} == {model}
    assert {s.seed for _, s in runs} == {settings.seed}  # a fair race: same random rows


def test_the_rates_preset_straddles_one_and_two_over_l():
    runs = get_preset("rates").runs(Settings(), 2 / 37.5)
    rates = [s.learning_rate for _, s in runs]
    assert rates == pytest.approx([f / 37.5 for f in RATE_FACTORS])
    assert rates[0] < 1 / 37.5 < rates[1] < rates[2] < 2 / 37.5 < rates[3]


def test_an_unknown_preset_names_the_known_ones():
    with pytest.raises(KeyError, match="variants"):
        get_preset("nope")


def test_scaling_makes_the_valley_a_bowl_solved_in_one_step():
    from gd_explorer.engine.scaling import standardise

    lesson = get_lesson("feature-scaling")
    assert lesson.scaling
    scaling = standardise(lesson.problem.data)
    problem = scaling.problem(lesson.problem)
    assert stability(problem).condition == pytest.approx(1.0, abs=1e-9)
    assert stability(lesson.problem).condition == pytest.approx(202, abs=1)
    run = descend(problem, lesson.config)
    slope, intercept = scaling.to_original(run.params[1])
    assert (slope, intercept) == pytest.approx((0.844827586, 2.603448275), abs=1e-8)


def test_the_decay_preset_calms_stochastic_descent_on_the_default_settings():
    from gd_explorer.engine import LinearRegression, article_dataset

    problem = LinearRegression(article_dataset())
    runs = get_preset("decay").runs(Settings(), 2 / 38.3)
    (_, constant), (_, decaying) = runs
    assert decaying.schedule_options == (("decay", pytest.approx(4 / Settings().steps)),)
    noise = [np.std(descend(problem, s.config()).cost[-500:]) for s in (constant, decaying)]
    assert noise[1] < noise[0] / 5  # the decaying run's cost jitters far less at the end
