"""The L2 penalty λ as a setting: checked, given to the problem, shared by a race.

No Qt: the settings, the state and its analysis.
"""

import math

import numpy as np
import pytest

from gd_explorer.engine import ARTICLE_CLASSES, article_dataset, reference_fit, stability
from gd_explorer.lessons import get_lesson
from gd_explorer.presets import PRESETS
from gd_explorer.settings import MAX_L2, Settings
from gd_explorer.state import ExplorerState, StateError, analyse

CLASSES = article_dataset(ARTICLE_CLASSES)


def test_the_penalty_reaches_the_problem_for_both_models():
    for model, data in (("linear", article_dataset()), ("logistic", CLASSES)):
        assert Settings(model=model).problem(data).l2 == 0.0
        assert Settings(model=model, l2=0.25).problem(data).l2 == 0.25


def test_the_penalty_reaches_a_standardised_problem_in_its_units():
    data = article_dataset()
    scaled = Settings(l2=0.5, scaling=True).problem(data)
    spread = float(np.std(data.x))
    assert scaled.l2 == pytest.approx(0.5 * spread**-2, rel=1e-12)


@pytest.mark.parametrize("bad", [-0.1, math.inf, math.nan, MAX_L2 * 2])
def test_a_penalty_out_of_range_is_refused_with_a_message(bad):
    with pytest.raises(ValueError, match=r"the L2 penalty λ must be a number from 0"):
        Settings(l2=bad).config()
    state = ExplorerState.initial()
    with pytest.raises(StateError, match=r"L2 penalty λ"):
        state.set_settings(state.settings.replace(l2=bad))


@pytest.mark.parametrize("bad", [-1.0, "inf", "nan", 1e300])
def test_stored_settings_with_a_bad_penalty_fall_back(bad):
    assert Settings.from_dict({"l2": bad, "learning_rate": 0.02}) == Settings()
    assert Settings.from_dict({"l2": "lots"}).l2 == 0.0


def test_stored_settings_keep_the_penalty_and_old_ones_open_with_none():
    assert Settings.from_dict(Settings(l2=0.1).to_dict()).l2 == 0.1
    old = Settings().to_dict()
    del old["l2"]
    assert Settings.from_dict(old).l2 == 0.0


def test_every_run_of_a_race_shares_the_penalty():
    state, _ = ExplorerState.initial().add_run()
    state, _ = state.set_settings(state.settings.replace(l2=0.3))
    assert [run.l2 for run in state.runs] == [0.3, 0.3]
    with pytest.raises(StateError, match="l2"):
        ExplorerState(state.data, (Settings(l2=0.3), Settings(l2=0.0)))


def test_a_new_penalty_restarts_the_runs_and_reframes_the_maps():
    from gd_explorer.state import Effect

    state = ExplorerState.initial()
    _, effect = state.set_settings(state.settings.replace(l2=0.1))
    assert Effect.RESTART in effect and Effect.REFRAME in effect


def test_the_analysis_follows_the_penalty():
    state = ExplorerState.initial()
    plain = analyse(state)
    penalised_state, _ = state.set_settings(state.settings.replace(l2=2.0))
    penalised = analyse(penalised_state)
    assert penalised.problem.l2 == 2.0
    assert penalised.fit.theta != plain.fit.theta
    # Ridge: the slope is Sxy / (Sxx + λ), the curvature mean(x²) + λ along the slope.
    x, y = state.data.x, state.data.y
    sxy = float(np.mean((x - x.mean()) * (y - y.mean())))
    assert penalised.fit.theta[0] == pytest.approx(sxy / (np.var(x) + 2.0), rel=1e-12)
    hessian = np.array([[np.mean(x * x) + 2.0, x.mean()], [x.mean(), 1.0]])
    np.testing.assert_allclose(
        penalised.stability.eigenvalues, np.linalg.eigvalsh(hessian), rtol=1e-12
    )
    assert penalised.stability.max_stable_lr < plain.stability.max_stable_lr


def test_separable_classes_get_a_finite_optimum_and_a_curvature_with_a_penalty():
    state = ExplorerState.initial(Settings(model="logistic"), CLASSES)
    assert not analyse(state).fit.exists
    state, _ = state.set_settings(state.settings.replace(l2=0.1))
    analysis = analyse(state)
    assert analysis.fit.exists
    assert analysis.fit.theta == reference_fit(CLASSES_PROBLEM()).theta
    # Measured at that optimum, with λ on the slope's diagonal.
    expected = stability(CLASSES_PROBLEM(), analysis.fit.theta)
    np.testing.assert_allclose(analysis.stability.eigenvalues, expected.eigenvalues)


def CLASSES_PROBLEM():  # noqa: N802 - reads like the constant it stands for
    from gd_explorer.engine import LogisticRegression

    return LogisticRegression(CLASSES, l2=0.1)


def test_the_lesson_sets_the_penalty_and_other_lessons_put_it_back_to_zero():
    state = ExplorerState.initial()
    state, _ = state.load_lesson(get_lesson("separable-l2"), 200.0)
    assert state.settings.l2 == 0.1
    assert analyse(state).fit.exists
    for other in ("logistic-slope", "overshoot", "momentum-valley", "himmelblau-starts"):
        after, _ = state.load_lesson(get_lesson(other), 200.0)
        assert all(run.l2 == 0.0 for run in after.runs), other


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.id)
def test_race_presets_keep_the_penalty(preset):
    state = ExplorerState.initial(Settings(l2=0.2))
    limit = analyse(state).stability.max_stable_lr
    race = preset.runs(state.settings, limit)
    new, _ = state.race(race)
    assert all(run.l2 == 0.2 for run in new.runs)
