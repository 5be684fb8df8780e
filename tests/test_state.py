"""The explorer's state: transitions, what they mean, and one analysis per change (no Qt)."""

import pytest

from gd_explorer import state as state_module
from gd_explorer.engine import ARTICLE_CLASSES, DatasetError, article_dataset
from gd_explorer.lessons import get_lesson
from gd_explorer.scene import MAX_RUNS
from gd_explorer.settings import Settings
from gd_explorer.state import Effect, ExplorerState, StateError, analyse


@pytest.fixture
def state():
    return ExplorerState.initial()


def test_initial_state_is_the_articles_data_and_one_run(state):
    assert len(state.data) == 8
    assert state.runs == (Settings(),)
    assert state.settings is state.runs[0]
    assert state.lesson is None


def test_editing_data_carries_the_run_on_and_reframes(state):
    data = state.data.with_point(2.0, 3.0)
    new, effect = state.edit_data(data)
    assert new.data is data and new.runs == state.runs
    assert effect == Effect.REDRAW | Effect.REFRAME | Effect.CARRY_ON
    assert state.data is not data  # the old state is untouched


def test_editing_data_the_model_cannot_fit_is_refused(state):
    logistic, _ = state.switch_model(Settings(model="logistic"), article_dataset(ARTICLE_CLASSES))
    with pytest.raises(DatasetError):
        logistic.edit_data(logistic.data.with_point(1.0, 0.5))


def test_changing_the_learning_rate_restarts_the_run(state):
    new, effect = state.set_settings(state.settings.replace(learning_rate=0.02))
    assert new.settings.learning_rate == 0.02
    assert Effect.RESTART in effect and Effect.REDRAW in effect
    assert Effect.REFRAME not in effect and Effect.CARRY_ON not in effect


def test_changing_nothing_means_nothing(state):
    new, effect = state.set_settings(state.settings)
    assert new is state and effect == Effect.NONE


def test_moving_the_start_says_so_without_restarting(state):
    _, effect = state.set_settings(state.settings.replace(start_slope=3.0))
    assert Effect.START in effect and Effect.RESTART not in effect


def test_holding_the_intercept_reframes_and_restarts(state):
    _, effect = state.set_settings(state.settings.replace(hold_intercept=True))
    assert Effect.REFRAME in effect and Effect.RESTART in effect


def test_speed_alone_changes_only_the_pace(state):
    _, effect = state.set_settings(state.settings.replace(speed=50.0))
    assert effect == Effect.SPEED


def test_invalid_settings_are_refused_with_the_reason(state):
    with pytest.raises(StateError, match="batch"):
        state.set_settings(state.settings.replace(variant="minibatch", batch_size=0))


def test_the_problems_settings_are_equal_across_runs(state):
    two, _ = state.add_run()
    changed, _ = two.set_settings(two.settings.replace(speed=50.0, learning_rate=0.5))
    assert [r.speed for r in changed.runs] == [50.0, 50.0]
    assert [r.learning_rate for r in changed.runs] == [0.01, 0.5]  # a run's own stays
    with pytest.raises(StateError, match="model"):
        ExplorerState(state.data, (Settings(), Settings(model="logistic")))


def test_switching_the_model_changes_every_run_and_the_data(state):
    two, _ = state.add_run(state.settings.replace(hold_intercept=True))
    classes = article_dataset(ARTICLE_CLASSES)
    new, effect = two.switch_model(two.settings.replace(model="logistic"), classes)
    assert new.data is classes
    assert {r.model for r in new.runs} == {"logistic"}
    assert not any(r.hold_intercept for r in new.runs)  # logistic learns its intercept
    assert Effect.RESTART in effect and Effect.REFRAME in effect


def test_add_duplicate_select_and_remove_runs(state):
    two, effect = state.add_run(state.settings.replace(learning_rate=0.02))
    assert len(two.runs) == 2 and two.selected == 1 and effect == Effect.REDRAW
    three, _ = two.duplicate_run()
    assert three.runs[2] == three.runs[1] and three.selected == 2
    first, effect = three.select_run(0)
    assert first.selected == 0 and Effect.REDRAW in effect
    assert first.select_run(0) == (first, Effect.NONE)
    removed, _ = first.remove_run(1)
    assert [r.learning_rate for r in removed.runs] == [0.01, 0.02]
    assert removed.selected == 0
    last, _ = removed.remove_run()  # the selected one: the next takes its place
    assert last.runs == (Settings(learning_rate=0.02),) and last.selected == 0


def test_runs_are_bounded(state):
    for _ in range(MAX_RUNS - 1):
        state, _ = state.add_run()
    with pytest.raises(StateError, match=f"at most {MAX_RUNS}"):
        state.add_run()
    one = ExplorerState.initial()
    with pytest.raises(StateError, match="last run"):
        one.remove_run()
    with pytest.raises(StateError, match="no run 3"):
        one.select_run(2)


def test_a_lesson_replaces_everything_and_keeps_the_speed(state):
    fast, _ = state.set_settings(state.settings.replace(speed=50.0))
    two, _ = fast.add_run()
    lesson = get_lesson("slope-small-steps")
    new, effect = two.load_lesson(lesson, two.settings.speed)
    assert new.lesson == lesson.id and len(new.runs) == 1
    assert new.data is lesson.problem.data and new.settings.speed == 50.0
    assert Effect.DISCARD in effect and Effect.REFRAME in effect


def test_a_session_replaces_everything(state):
    runs = (Settings(learning_rate=0.02), Settings(learning_rate=0.04))
    data = state.data.with_point(0.0, 0.0)
    new, effect = state.load_session(data, runs, 1, "slope-small-steps")
    assert new.runs == runs and new.selected == 1 and new.data is data
    assert Effect.DISCARD in effect
    with pytest.raises(DatasetError):
        state.load_session(data, (Settings(model="logistic"),))


def test_new_is_the_articles_data_at_the_same_speed(state):
    edited, _ = state.edit_data(state.data.with_point(1.0, 1.0))
    slow, _ = edited.set_settings(edited.settings.replace(speed=5.0, learning_rate=0.3))
    new, effect = slow.new()
    assert len(new.data) == 8 and new.settings == Settings(speed=5.0)
    assert Effect.DISCARD in effect


def test_same_compares_data_by_identity(state):
    assert state.same(ExplorerState(state.data, state.runs))
    assert not state.same(ExplorerState(article_dataset(), state.runs))


def test_the_analysis_is_computed_once_per_change(state, monkeypatch):
    calls = []
    real = state_module.reference_fit

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(state_module, "reference_fit", counted)
    edited, _ = state.edit_data(state.data.with_point(2.0, 2.0))
    first = analyse(edited)
    assert analyse(edited) is first
    assert len(calls) == 1
    # The learning rate is not part of the problem: nothing to compute again.
    faster, _ = edited.set_settings(edited.settings.replace(learning_rate=0.02))
    assert analyse(faster) is first
    assert len(calls) == 1


def test_the_analysis_holds_the_optimum_curvature_and_framing(state):
    analysis = analyse(state)
    assert analysis.fit.exists
    assert analysis.stability is not None
    assert analysis.stability.best_lr == pytest.approx(
        2 / (analysis.stability.L + analysis.stability.mu)
    )
    m, b = analysis.fit.theta
    domain = analysis.domain
    assert domain.m_min < m < domain.m_max and domain.b_min < b < domain.b_max
    assert analysis.problem.kind == "linear"


def test_a_logistic_analysis_measures_curvature_at_the_optimum(state):
    # The article's classes are separated (no optimum): one point of each class swapped.
    mixed = article_dataset(ARTICLE_CLASSES).with_point(9.0, 0.0).with_point(2.0, 1.0)
    logistic, _ = state.switch_model(Settings(model="logistic"), mixed)
    analysis = analyse(logistic)
    assert analysis.fit.theta is not None and analysis.stability is not None
    assert analysis.stability.theta == pytest.approx(analysis.fit.theta)
    separated, _ = state.switch_model(Settings(model="logistic"), article_dataset(ARTICLE_CLASSES))
    assert analyse(separated).stability.theta == (0.0, 0.0)


# Scenes: the step that reached the optimum, found once per new step.


def test_steps_to_reach_is_the_first_step_within_a_millionth():
    from gd_explorer.scene import steps_to_reach

    assert steps_to_reach([5.0, 2.0, 1.0 + 2e-6, 1.0 + 1e-6, 1.0], 1.0) == 3
    assert steps_to_reach([5.0, 2.0], 1.0) is None
    assert steps_to_reach([5.0, 2.0], None) is None
    # Relative above 1: 1e-6 of |J*|.
    assert steps_to_reach([1000.002, 1000.0009], 1000.0) == 1
    assert steps_to_reach([float("nan"), 0.0], 0.0) == 1


def test_reach_looks_at_each_new_cost_once(monkeypatch):
    from gd_explorer import scene

    looked = []
    real = scene.steps_to_reach

    def counted(costs, optimum, exact=None):
        looked.append(len(costs))
        return real(costs, optimum, exact)

    monkeypatch.setattr(scene, "steps_to_reach", counted)
    reach = scene.Reach(1.0)
    costs = [5.0, 4.0, 3.0, 2.0, 1.0, 1.0]
    assert reach.update(costs[:2]) is None
    assert reach.update(costs[:4]) is None
    assert reach.update(costs) == 4
    assert looked == [2, 2, 2]
    assert reach.update(costs + [1.0]) == 4 and looked == [2, 2, 2]  # found: no more looking
    assert reach.at(3, costs) is None and reach.at(4, costs) == 4


def test_a_records_trace_is_cut_at_the_step_shown():
    from gd_explorer.engine import DescentConfig, LinearRegression, descend
    from gd_explorer.scene import start_trace, trajectory_trace

    problem = LinearRegression(article_dataset())
    run = descend(problem, DescentConfig(0.01, 10))
    trace = trajectory_trace(run, 4, "running", optimum=0.5)
    assert trace.step == 4 and len(trace.grad) == 4 and trace.status == "running"
    assert trace.point == tuple(run.params[4]) and trace.before == tuple(run.params[3])
    start = start_trace(run.config, problem)
    assert start.step == 0 and start.status == "ready" and start.last_gradient is None
    assert start.current_cost == pytest.approx(problem.cost(run.config.start))


# Races: slots, labels, the problem's settings shared, presets and racing lessons.


def test_removing_a_run_keeps_the_others_colours_and_names(state):
    for rate in (0.02, 0.03, 0.04):
        state, _ = state.add_run(state.settings.replace(learning_rate=rate))
    assert state.slots == (0, 1, 2, 3)
    assert state.labels == ("run 1", "run 2", "run 3", "run 4")
    state, _ = state.select_run(3)
    removed, _ = state.remove_run(1)
    assert removed.slots == (0, 2, 3) and removed.labels == ("run 1", "run 3", "run 4")
    assert [r.learning_rate for r in removed.runs] == [0.01, 0.03, 0.04]
    assert removed.selected == 2  # still the run at 0.04
    # The next run takes the free colour and is named after it.
    added, _ = removed.add_run(label="again")
    assert added.slots == (0, 2, 3, 1) and added.labels[-1] == "again"
    assert added.runs[-1] == removed.settings


def test_a_runs_settings_are_its_own_but_the_problems_are_every_runs(state):
    two, _ = state.add_run()
    changed, effect = two.set_settings(two.settings.replace(learning_rate=0.05, steps=10))
    assert [r.learning_rate for r in changed.runs] == [0.01, 0.05]
    assert [r.steps for r in changed.runs] == [4000, 10]
    assert Effect.RESTART in effect
    faster, effect = changed.set_settings(changed.settings.replace(speed=1000.0))
    assert [r.speed for r in faster.runs] == [1000.0, 1000.0]
    assert effect == Effect.SPEED
    # A run added with other problem settings takes the race's.
    three, _ = faster.add_run(Settings(speed=1.0, scaling=True))
    assert three.runs[-1].speed == 1000.0 and not three.runs[-1].scaling


def test_a_race_replaces_the_runs_with_labelled_ones(state):
    edited, _ = state.edit_data(state.data.with_point(3.0, 3.0))
    two, _ = edited.add_run()
    runs = (("slow", Settings(learning_rate=0.001)), ("fast", Settings(learning_rate=0.02)))
    race, effect = two.race(runs)
    assert race.data is edited.data and race.selected == 0
    assert race.labels == ("slow", "fast") and race.slots == (0, 1)
    assert Effect.DISCARD in effect
    with pytest.raises(StateError, match="1 to 4 runs"):
        two.race(tuple(("r", Settings()) for _ in range(MAX_RUNS + 1)))
    with pytest.raises(StateError, match="learning rate"):
        two.race((("bad", Settings(learning_rate=-1.0)),))
    with pytest.raises(StateError, match="share the speed"):
        two.race((("a", Settings(speed=1.0)), ("b", Settings(speed=2.0))))


def test_a_racing_lesson_loads_each_run_with_its_name(state):
    lesson = get_lesson("adam-vs-gd")
    raced, _ = state.load_lesson(lesson, 20.0)
    assert raced.labels == tuple(run.label for run in lesson.runs)
    assert [s.config() for s in raced.runs] == [
        run.config.replace(seed=s.seed) for run, s in zip(lesson.runs, raced.runs, strict=True)
    ]
    assert {s.speed for s in raced.runs} == {20.0}
    single, _ = raced.load_lesson(get_lesson("overshoot"), 20.0)
    assert single.labels == ("run 1",) and single.slots == (0,)


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("limit", [None, 0.0533])
def test_every_preset_races_two_to_four_valid_runs(model, limit):
    from gd_explorer.presets import PRESETS

    data = article_dataset(ARTICLE_CLASSES) if model == "logistic" else article_dataset()
    state = ExplorerState.initial(Settings(model=model), data)
    for preset in PRESETS:
        runs = preset.runs(state.settings, limit)
        raced, _ = state.race(runs)
        assert 2 <= len(raced.runs) <= MAX_RUNS
        labels = [label for label, _ in runs]
        assert len(set(labels)) == len(labels) and all(labels)
        assert len({s.config() for s in raced.runs}) == len(raced.runs)  # each differs


def test_reach_never_counts_a_batch_loss():
    from gd_explorer import scene

    reach = scene.Reach(1.0)
    costs = [5.0, 0.2, 3.0, 0.5, 1.0, 1.0]  # batch losses below J* = 1 at steps 1 and 3
    exact = [True, False, True, False, True, True]
    assert reach.update(costs[:4], exact[:4]) is None
    assert reach.update(costs, exact) == 4
    assert scene.steps_to_reach(costs, 1.0, exact) == 4 and scene.steps_to_reach(costs, 1.0) == 1


# Function problems: choosing one, its surfaces, and coming back to the data.


def _on_function(state, surface="himmelblau"):
    settings = state.settings.replace(model="function", surface=surface)
    new, effect = state.switch_model(settings, state.data)
    return new, effect


def test_choosing_a_function_starts_where_the_surface_suggests(state):
    from gd_explorer.engine.functions import SURFACE_INFO

    race, _ = state.add_run(state.settings.replace(learning_rate=0.02))
    new, effect = _on_function(race)
    info = SURFACE_INFO["himmelblau"]
    assert Effect.RESTART in effect and Effect.REFRAME in effect
    for run in new.runs:
        assert run.model == "function" and run.surface == "himmelblau"
        assert (run.start_slope, run.start_intercept) == info.start
        assert run.variant == "batch" and not run.hold_intercept and not run.scaling
    # The selected run takes the surface's rate; the other keeps its ratio to it.
    assert new.settings.learning_rate == info.learning_rate
    assert new.runs[0].learning_rate == pytest.approx(info.learning_rate / 2)
    assert new.data is state.data  # the data stays, unseen
    assert analyse(new).problem.name == "himmelblau"


def test_back_to_linear_gives_the_data_and_the_regression_settings_back(state):
    custom = state.settings.replace(
        learning_rate=0.003, start_slope=2.0, start_intercept=-1.0, variant="minibatch"
    )
    before, _ = state.set_settings(custom)
    edited, _ = before.edit_data(before.data.with_point(11.0, 12.0))
    on_function, _ = _on_function(edited, "rosenbrock")
    assert on_function.settings.learning_rate == 0.001
    # Things of the run itself, changed on the function, stay.
    steps, _ = on_function.set_settings(on_function.settings.replace(steps=777, noise=0.5))
    back, _ = steps.switch_model(steps.settings.replace(model="linear"), steps.data)
    assert back.data is edited.data and len(back.data) == 9
    settings = back.settings
    assert settings.model == "linear" and settings.variant == "minibatch"
    assert (settings.learning_rate, settings.start_slope, settings.start_intercept) == (
        0.003,
        2.0,
        -1.0,
    )
    assert settings.steps == 777
    assert analyse(back).problem.kind == "linear"
    assert back.shelved == ()


def test_back_from_a_function_with_nothing_kept_takes_the_defaults(state):
    on_function = ExplorerState(
        state.data,
        (Settings(model="function", surface="booth", learning_rate=0.05, start_slope=-8.0),),
    )
    back, _ = on_function.switch_model(Settings(model="linear"), state.data)
    assert back.settings.learning_rate == Settings().learning_rate
    assert back.settings.start_slope == 0.0


def test_a_new_surface_moves_every_runs_start(state):
    on_function, _ = _on_function(state, "himmelblau")
    race, _ = on_function.add_run(on_function.settings.replace(learning_rate=0.005))
    chosen = race.settings.replace(surface="booth", start_slope=-8.0, start_intercept=-6.0)
    chosen = chosen.replace(learning_rate=0.05)
    new, effect = race.set_settings(chosen)
    assert Effect.RESTART in effect and Effect.REFRAME in effect
    assert all((r.start_slope, r.start_intercept) == (-8.0, -6.0) for r in new.runs)
    assert new.runs[0].learning_rate == pytest.approx(0.1)  # twice the other, as before
    assert all(r.surface == "booth" for r in new.runs)


def test_a_bad_typed_function_changes_nothing(state):
    on_function, _ = _on_function(state)
    with pytest.raises(StateError, match="Column 7"):
        on_function.set_settings(
            on_function.settings.replace(surface="custom", expression="x**2 +")
        )
    typed, _ = on_function.set_settings(
        on_function.settings.replace(surface="custom", expression="x**2 + 3*y**2")
    )
    assert analyse(typed).problem.text == "x**2 + 3*y**2"


def test_a_race_on_a_function_keeps_the_settings_kept_for_the_data(state):
    on_function, _ = _on_function(state)
    raced, _ = on_function.race((("a", on_function.settings), ("b", on_function.settings)))
    assert raced.shelved == on_function.shelved == state.runs


def test_a_functions_curvature_is_the_starts(state):
    on_function, _ = _on_function(state, "rosenbrock")
    curvature = analyse(on_function).stability
    problem = analyse(on_function).problem
    start = on_function.settings.config().start
    import numpy as np

    largest = float(np.linalg.eigvalsh(problem.hessian(start))[-1])
    assert curvature is not None and curvature.L == pytest.approx(largest)


def test_a_one_variable_functions_curvature_is_along_x(state):
    on_function, _ = _on_function(state, "double-well")
    curvature = analyse(on_function).stability
    x = on_function.settings.start_slope
    assert curvature is not None
    assert curvature.L == pytest.approx(12 * x**2 - 4)  # f'' of (x² − 1)² + 0.3x
    assert curvature.condition == 1.0
