"""Races in the real window: several runs at once, driven as a user drives them.

Lessons and presets that race, the run actions (add, duplicate, remove, branch) with
their undo, picking a run in the runs panel, the learning-rate sweep and the bands —
and then everything at once, as fast as the engine goes, with nothing allowed to raise.
Every test uses the real window with its engine process (``make_window``).
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QPushButton, QSlider, QTableWidget

from gd_explorer.engine import (
    Dataset,
    LinearRegression,
    LogisticRegression,
    descend,
    reference_fit,
    stability,
)
from gd_explorer.lessons import get_lesson
from gd_explorer.presets import PRESETS
from gd_explorer.scene import MAX_RUNS
from gd_explorer.settings import LEARNING_RATE_RANGE, Settings
from gd_explorer.state import ExplorerState
from gd_explorer.ui import style
from gd_explorer.ui.controls import SLIDER_STEPS_PER_DECADE
from gd_explorer.ui.runs_panel import REACHED, STEPS

RUN_TIMEOUT = 60_000
#: Runs that the tests stop by hand: long enough never to end on their own first.
LONG = 100_000


# Finding things and doing what a user does.


def child(window, kind, name):
    found = window.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def trigger(window, name):
    action = window.actions_by_name[name]
    assert action.isEnabled(), f"{name} is disabled"
    action.trigger()


def set_speed(window, speed):
    window.explorer.set_settings(window.settings.replace(speed=speed), from_panel=False)
    assert window.settings.speed == speed


def live_records(window):
    return [r for r in window.explorer.runner.records if r.live]


def all_finished(window):
    runs = window.runs
    return not window.explorer.runner.live and all(
        run.trajectory is not None and run.trajectory.status != "running" for run in runs
    )


def run_race_to_end(qtbot, window, timeout=RUN_TIMEOUT):
    trigger(window, "actionRun")
    qtbot.waitUntil(lambda: all_finished(window), timeout=timeout)
    return window.runs


def wait_steps(qtbot, window, steps, timeout=RUN_TIMEOUT):
    """Wait until every run of the race has taken at least ``steps`` steps."""
    qtbot.waitUntil(
        lambda: (
            len(window.explorer.runner.records) == len(window.runs)
            and all(r.steps >= steps for r in window.explorer.runner.records)
        ),
        timeout=timeout,
    )


def panel_table(window):
    return child(window, QTableWidget, "runsTable")


def panel_texts(window, column):
    table = panel_table(window)
    return [table.item(row, column).text() for row in range(table.rowCount())]


def click_row(qtbot, window, row):
    """Click run ``row``'s name in the runs panel, as the mouse does."""
    table = panel_table(window)
    rect = table.visualRect(table.model().index(row, 1))
    assert rect.isValid() and table.viewport().rect().contains(rect.center())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def rate_box(window):
    return child(window, QDoubleSpinBox, "learningRateInput")


def same_trajectory(actual, expected, atol=1e-12):
    assert actual.steps == expected.steps
    assert actual.status == expected.status
    np.testing.assert_allclose(actual.params, expected.params, rtol=0, atol=atol)
    np.testing.assert_allclose(actual.cost, expected.cost, rtol=1e-12, atol=atol)


def colour_name(item):
    return pg.mkPen(item.opts["pen"]).color().name()


def xy(item):
    x, y = item.getData()
    return (np.empty(0) if x is None else np.asarray(x)), (np.empty(0) if y is None else y)


def slot_colour(slot):
    return style.run_colour(slot).name()


@pytest.fixture
def errors(monkeypatch):
    """Every exception that reaches ``sys.excepthook`` or ``threading.excepthook``.

    Exceptions raised inside Qt's virtuals and slots land in the hook, not in the test;
    a test that drives the window hard asserts the list is empty at the end.
    """
    caught: list[str] = []

    def on_exception(kind, value, traceback):
        import traceback as tb

        caught.append("".join(tb.format_exception(kind, value, traceback)))

    def on_thread_exception(args):
        on_exception(args.exc_type, args.exc_value, args.exc_traceback)

    monkeypatch.setattr(sys, "excepthook", on_exception)
    monkeypatch.setattr(threading, "excepthook", on_thread_exception)
    return caught


# 1. A lesson that races.


def test_a_racing_lesson_runs_every_run_as_descend_and_draws_each_in_its_colour(
    qtbot, make_window, errors
):
    window = make_window()
    lesson = get_lesson("adam-vs-gd")
    window.load_lesson("adam-vs-gd")
    assert len(window.runs) == 3
    assert window.explorer.state.labels == tuple(run.label for run in lesson.runs)
    set_speed(window, 0)
    runs = run_race_to_end(qtbot, window)
    # Each run is exactly the engine's descent of its settings (the same seed).
    for run, raced in zip(runs, lesson.runs, strict=True):
        assert run.config.learning_rate == raced.config.learning_rate
        assert run.config.optimizer == raced.config.optimizer
        same_trajectory(run.trajectory, descend(lesson.problem, run.trajectory.config))
        same_trajectory(run.trajectory, descend(lesson.problem, run.config))
        assert run.trajectory.steps == 4000
    # Every view draws three paths, one per run, each in its slot's colour.
    finals = [run.trajectory.params[-1] for run in runs]
    selected = window.explorer.state.selected
    assert selected == 0
    contour = window.contour
    assert colour_name(contour.path) == slot_colour(0)
    assert tuple(xy(contour.path)[0][-1:]) == (finals[0][0],)
    for slot in (1, 2):
        path = contour.run_paths[slot]
        assert path.isVisible() and colour_name(path) == slot_colour(slot)
        x, y = xy(path)
        assert len(x) > 10 and (x[-1], y[-1]) == tuple(finals[slot])
    assert not contour.run_paths[3].isVisible()
    history = window.history
    assert colour_name(history.curve) == slot_colour(0)
    for slot in (1, 2):
        curve = history.run_curves[slot]
        assert curve.isVisible() and colour_name(curve) == slot_colour(slot)
        assert len(xy(curve)[0]) > 10
    data = window.data_view
    assert colour_name(data.line_item) == slot_colour(0)
    for slot in (1, 2):
        line = data.run_lines[slot]
        assert line.isVisible() and colour_name(line) == slot_colour(slot)
        x, y = xy(line)
        m, b = finals[slot]
        np.testing.assert_allclose(y, m * x + b, rtol=1e-9, atol=1e-9)
    cost = window.cost_curve
    for slot in (1, 2):
        trail = cost.run_trail_lines[slot]
        assert trail.isVisible() and colour_name(trail) == slot_colour(slot)
        assert len(xy(trail)[0]) > 10
    canvas = getattr(window.surface, "canvas", None)
    if canvas is not None:  # the 3-D view exists where the display has OpenGL
        for slot in (1, 2):
            assert canvas.run_paths[slot].visible() and len(canvas.run_paths[slot].pos) > 10
        assert not canvas.run_paths[3].visible()
    # The runs panel: three rows, 4000 steps each, and the first step within 1e-6 of J*.
    assert panel_table(window).rowCount() == 3
    assert panel_texts(window, STEPS) == ["4,000"] * 3
    optimum = reference_fit(lesson.problem).cost
    for run, text in zip(runs, panel_texts(window, REACHED), strict=True):
        gap = run.trajectory.cost - optimum
        hits = np.flatnonzero(gap <= 1e-6 * max(1.0, abs(optimum)))
        assert text == (f"{int(hits[0]):,}" if hits.size else "—")
    assert errors == []


# 2. Adding, duplicating and removing runs, with undo.


def start_slow_race(qtbot, window, steps=LONG, speed=200):
    """Run the window's runs at ``speed`` steps a second until every one has stepped."""
    window.explorer.set_settings(window.settings.replace(steps=steps), from_panel=False)
    set_speed(window, speed)
    trigger(window, "actionRun")
    wait_steps(qtbot, window, 2)
    assert window.explorer.running


def test_add_duplicate_and_remove_during_a_live_race_with_undo_and_redo(
    qtbot, make_window, errors
):
    window = make_window()
    start_slow_race(qtbot, window)
    explorer = window.explorer
    first = explorer.runner.records[0]
    trigger(window, "actionAddRun")
    assert len(window.runs) == 2 and explorer.state.selected == 1
    assert explorer.state.labels == ("run 1", "run 2")
    # The new run joins the race; the first goes on where it was.
    wait_steps(qtbot, window, 2)
    assert explorer.runner.records[0] is first and first.live
    assert explorer.running
    trigger(window, "actionDuplicateRun")
    assert len(window.runs) == 3 and explorer.state.labels[2] == "copy of run 2"
    wait_steps(qtbot, window, 2)
    assert explorer.runner.records[0] is first
    # Remove the copy: the others carry on.
    trigger(window, "actionRemoveRun")
    assert len(window.runs) == 2 and len(explorer.runner.records) == 2
    assert explorer.runner.records[0] is first and explorer.running
    for _ in range(3):  # remove, duplicate, add undone
        window.undo_stack.undo()
    assert len(window.runs) == 1 and len(explorer.runner.records) == 1
    assert explorer.runner.records[0] is first and first.live
    for _ in range(3):
        window.undo_stack.redo()
    assert len(window.runs) == 2 and explorer.state.labels == ("run 1", "run 2")
    wait_steps(qtbot, window, 2)
    assert explorer.runner.records[0] is first and explorer.running
    steps = first.steps
    qtbot.waitUntil(lambda: first.steps > steps + 2, timeout=RUN_TIMEOUT)
    assert errors == []


def assert_finished_run_shown(window, trajectory):
    """Run 1 (slot 0, not selected) is drawn and listed with all its steps."""
    assert window.explorer.state.selected != 0
    assert panel_texts(window, STEPS)[0] == f"{trajectory.steps:,}"
    assert panel_texts(window, STEPS)[1:] == ["0"] * (len(window.runs) - 1)
    path = window.contour.run_paths[0]
    x, y = xy(path)
    assert path.isVisible() and len(x) == trajectory.steps + 1
    assert (x[-1], y[-1]) == tuple(trajectory.params[-1])
    assert child(window, QSlider, "replaySlider").maximum() == trajectory.steps


def test_add_duplicate_and_remove_after_a_race_with_undo_and_redo(qtbot, make_window, errors):
    window = make_window()
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=50), from_panel=False)
    set_speed(window, 0)
    [finished] = run_race_to_end(qtbot, window)
    trigger(window, "actionAddRun")
    trigger(window, "actionDuplicateRun")
    assert len(window.runs) == 3
    # The finished run keeps its steps, shown; the new ones wait at their starts.
    assert window.runs[0].trajectory is not None
    same_trajectory(window.runs[0].trajectory, finished.trajectory)
    assert_finished_run_shown(window, finished.trajectory)
    trigger(window, "actionRemoveRun")
    assert len(window.runs) == 2
    window.undo_stack.undo()  # the removal
    window.undo_stack.undo()  # the duplicate
    assert len(window.runs) == 2
    window.undo_stack.redo()
    assert len(window.runs) == 3
    same_trajectory(window.runs[0].trajectory, finished.trajectory)
    assert_finished_run_shown(window, finished.trajectory)
    # Run races every run from its start.
    runs = run_race_to_end(qtbot, window)
    assert len(runs) == 3
    for run in runs:
        same_trajectory(run.trajectory, descend(explorer.analysis.problem, run.config))
    assert errors == []


def test_at_most_four_runs_the_fifth_refused_with_a_message(qtbot, make_window, errors):
    window = make_window()
    start_slow_race(qtbot, window)
    for _ in range(MAX_RUNS - 1):
        trigger(window, "actionDuplicateRun")
    assert len(window.runs) == MAX_RUNS
    state, undo = window.explorer.state, window.undo_stack.count()
    window.actions_by_name["actionAddRun"].trigger()
    assert "at most 4 runs" in window.statusBar().currentMessage()
    window.actions_by_name["actionDuplicateRun"].trigger()
    assert "at most 4 runs" in window.statusBar().currentMessage()
    # Nothing lost, nothing to undo.
    assert window.explorer.state is state and window.undo_stack.count() == undo
    wait_steps(qtbot, window, 2)
    assert len(live_records(window)) == MAX_RUNS
    assert errors == []


def test_the_last_run_cannot_be_removed(qtbot, make_window, errors):
    window = make_window()
    state = window.explorer.state
    window.actions_by_name["actionRemoveRun"].trigger()
    assert "last run cannot be removed" in window.statusBar().currentMessage()
    assert window.explorer.state is state and len(window.runs) == 1
    assert errors == []


def test_colours_stay_with_their_runs_when_another_is_removed(qtbot, make_window, errors):
    window = make_window()
    start_slow_race(qtbot, window)
    rates = (0.011, 0.012, 0.013)
    for rate in rates:
        trigger(window, "actionDuplicateRun")
        window.explorer.set_learning_rate(rate, "rate")
    explorer = window.explorer
    assert explorer.state.slots == (0, 1, 2, 3)
    explorer.select_run(1)
    trigger(window, "actionRemoveRun")
    assert explorer.state.slots == (0, 2, 3)
    assert [s.learning_rate for s in explorer.state.runs[1:]] == [0.012, 0.013]
    assert explorer.state.labels == (
        "run 1",
        "copy of copy of run 1",
        "copy of copy of copy of run 1",
    )
    wait_steps(qtbot, window, 2)
    # Each remaining run keeps its colour in the views and the panel.
    contour, table = window.contour, window.runs_panel
    selected_slot = explorer.state.slots[explorer.state.selected]
    assert colour_name(contour.path) == slot_colour(selected_slot)
    for row, slot in enumerate(explorer.state.slots):
        assert table.colour(row).name() == slot_colour(slot)
        if slot != selected_slot:
            assert contour.run_paths[slot].isVisible()
            assert colour_name(contour.run_paths[slot]) == slot_colour(slot)
    assert not contour.run_paths[1].isVisible()
    # The next run added takes the free colour.
    trigger(window, "actionAddRun")
    assert explorer.state.slots == (0, 2, 3, 1)
    assert errors == []


# 3. Picking a run in the panel.


def three_rates(qtbot, window, rates=(0.01, 0.02, 0.005)):
    window.explorer.set_learning_rate(rates[0], "rate")
    for rate in rates[1:]:
        trigger(window, "actionDuplicateRun")
        window.explorer.set_learning_rate(rate, "rate")
    return rates


def test_a_click_on_a_row_points_the_controls_at_that_run(qtbot, make_window, errors):
    window = make_window()
    rates = three_rates(qtbot, window)
    for row in (0, 2, 1):
        click_row(qtbot, window, row)
        assert window.explorer.state.selected == row
        assert rate_box(window).value() == rates[row]
        assert window.settings.learning_rate == rates[row]
    click_row(qtbot, window, 0)
    rate_box(window).setValue(0.015)
    assert [s.learning_rate for s in window.explorer.state.runs] == [0.015, 0.02, 0.005]
    configs = [run.config for run in window.runs]
    assert configs[1].learning_rate == 0.02 and configs[2].learning_rate == 0.005
    assert errors == []


def test_editing_the_selected_runs_rate_mid_race_restarts_it_alone(qtbot, make_window, errors):
    window = make_window()
    three_rates(qtbot, window)
    start_slow_race(qtbot, window)
    explorer = window.explorer
    click_row(qtbot, window, 1)
    assert explorer.state.selected == 1
    before = list(explorer.runner.records)
    others = [(before[i].run_id, before[i].version) for i in (0, 2)]
    generation = explorer.runner.generation
    rate_box(window).setValue(0.025)
    assert [s.learning_rate for s in explorer.state.runs] == [0.01, 0.025, 0.005]
    after = explorer.runner.records
    # The other two go on as they were: same records, same race.
    assert explorer.runner.generation == generation
    assert [(after[i].run_id, after[i].version) for i in (0, 2)] == others
    assert after[0] is before[0] and after[2] is before[2]
    # The edited one starts again from where its ball was, at its new rate.
    assert after[1].run_id == before[1].run_id and after[1].version == before[1].version + 1
    assert after[1].config.learning_rate == 0.025
    wait_steps(qtbot, window, 2)
    assert explorer.running and all(r.live for r in after)
    assert errors == []


# 4. Branching.


def test_branch_from_a_replayed_step(qtbot, make_window, errors):
    window = make_window()
    window.load_lesson("slope-and-intercept")
    set_speed(window, 0)
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=300), from_panel=False)
    [original] = run_race_to_end(qtbot, window)
    slider = child(window, QSlider, "replaySlider")
    assert slider.maximum() == 300
    k = 120
    slider.setValue(k)
    assert explorer.replay_step == k
    trigger(window, "actionBranch")
    state = explorer.state
    assert len(state.runs) == 2 and state.selected == 1
    assert state.labels[1] == f"run 1 from step {k}"
    point = tuple(original.trajectory.params[k])
    assert state.settings.config().start == point
    # Drawn beside the original: the original's whole path, the branch at its start.
    contour = window.contour
    x, y = xy(contour.run_paths[state.slots[0]])
    assert contour.run_paths[state.slots[0]].isVisible() and len(x) > 100
    assert (x[-1], y[-1]) == tuple(original.trajectory.params[-1])
    bx, by = xy(contour.ball)
    assert (bx[-1], by[-1]) == point
    assert colour_name(contour.path) == slot_colour(state.slots[1])
    assert panel_texts(window, 1)[1] == f"run 1 from step {k}"
    assert window.runs_panel.selected() == 1
    # Run: the branch races on from there; the original stays as it was.
    trigger(window, "actionRun")
    qtbot.waitUntil(lambda: all_finished(window), timeout=RUN_TIMEOUT)
    first, branch = window.runs
    same_trajectory(first.trajectory, original.trajectory)
    expected = descend(explorer.analysis.problem, branch.config)
    same_trajectory(branch.trajectory, expected)
    assert tuple(branch.trajectory.params[0]) == point
    # Undone, the branch goes; the original stays.
    window.undo_stack.undo()
    assert len(window.runs) == 1
    same_trajectory(window.runs[0].trajectory, original.trajectory)
    assert errors == []


def test_branch_with_nothing_run_says_why(qtbot, make_window, errors):
    window = make_window()
    window.actions_by_name["actionBranch"].trigger()
    assert "nothing to branch from" in window.statusBar().currentMessage()
    assert len(window.runs) == 1
    assert errors == []


# 5. The presets.


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("preset", PRESETS, ids=[p.id for p in PRESETS])
def test_each_preset_from_the_menu_builds_its_race_and_runs_clean(
    qtbot, make_window, errors, preset, model
):
    window = make_window()
    if model == "logistic":
        window.explorer.set_settings(window.settings.replace(model=model), from_panel=False)
        assert window.problem.kind == "logistic"
    window.explorer.set_settings(window.settings.replace(steps=300), from_panel=False)
    set_speed(window, 0)
    menu = window.runs_panel.presets.menu()
    chosen = [a for a in menu.actions() if a.data() == preset.id]
    assert len(chosen) == 1 and chosen[0].text() == preset.label
    chosen[0].trigger()
    state = window.explorer.state
    assert 2 <= len(state.runs) <= MAX_RUNS
    assert all(label and not label.startswith("run ") for label in state.labels)
    assert panel_texts(window, 1) == list(state.labels)
    runs = run_race_to_end(qtbot, window)
    assert len(runs) == len(state.runs)
    problem = window.explorer.analysis.problem
    for run in runs:
        same_trajectory(run.trajectory, descend(problem, run.config))
    assert errors == []


# 6. The sweep and the bands.


def sweep_tab(window):
    window.history_tabs.setCurrentWidget(window.sweep_view)
    return window.sweep_view


def test_the_sweep_button_sweeps_with_progress_and_equals_descend(qtbot, make_window, errors):
    window = make_window()
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=300), from_panel=False)
    view = sweep_tab(window)
    progress = []
    explorer.sweepProgress.connect(lambda done, total: progress.append((done, total)))
    button = child(window, QPushButton, "sweepButton")
    with qtbot.waitSignal(explorer.sweepDone, timeout=RUN_TIMEOUT) as done:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not button.isEnabled()  # one sweep at a time
    result, one, two = done.args
    assert result.complete and len(result) == 50
    assert progress[-1] == (50, 50)
    problem = explorer.analysis.problem
    config = window.settings.config()
    for rate, final in zip(result.rates, result.final_cost, strict=True):
        run = descend(problem, config.replace(learning_rate=float(rate)))
        assert final == pytest.approx(run.cost[-1], rel=1e-12, abs=1e-12)
    limit = stability(problem).max_stable_lr
    assert two == pytest.approx(limit) and one == pytest.approx(limit / 2)
    assert view.plot.isVisible() and button.isEnabled()
    assert not view.progress.isVisible()
    assert len(xy(view.points)[0]) > 0
    assert errors == []


def big_logistic(rows=200_000):
    rng = np.random.default_rng(5)
    x = rng.normal(size=rows)
    return Dataset(x, (x + rng.normal(size=rows) > 0).astype(float))


def test_cancelling_a_slow_sweep_keeps_what_it_has(qtbot, make_window, errors):
    window = make_window()
    explorer = window.explorer
    settings = Settings(model="logistic", learning_rate=0.5, steps=1000, speed=0)
    explorer.replace("Big data", ExplorerState(big_logistic(), (settings,)))
    view = sweep_tab(window)
    child(window, QPushButton, "sweepButton").click()
    qtbot.waitUntil(
        lambda: view.progress.isVisible() and view.progress.value() >= 1, timeout=120_000
    )
    with qtbot.waitSignal(explorer.sweepDone, timeout=RUN_TIMEOUT) as done:
        qtbot.mouseClick(
            child(window, QPushButton, "sweepCancelButton"), Qt.MouseButton.LeftButton
        )
    result = done.args[0]
    assert result is not None and not result.complete and 1 <= len(result) < 50
    assert view.note.text().startswith("Stopped early")
    assert not view.progress.isVisible() and child(window, QPushButton, "sweepButton").isEnabled()
    assert "could not" not in window.statusBar().currentMessage()
    assert errors == []


def slider_position(rate):
    return (math.log10(rate) - math.log10(LEARNING_RATE_RANGE[0])) * SLIDER_STEPS_PER_DECADE


def test_the_bands_are_one_and_two_over_l_of_the_data_and_follow_edits(qtbot, make_window, errors):
    window = make_window()
    bands = []
    window.explorer.bandsChanged.connect(lambda one, two, local: bands.append((one, two, local)))
    window.load_lesson("slope-small-steps")
    one, two, local = bands[-1]
    assert (round(one, 5), round(two, 5), local) == (0.02667, 0.05333, False)
    strip = window.controls.rate_bands
    assert strip.isVisible()
    assert strip.edges == pytest.approx((slider_position(one), slider_position(two)))
    assert "0.0267" in window.controls.band_caption.text()
    assert "0.0533" in window.controls.band_caption.text()
    window.data_view.pointAdded.emit(20.0, 18.0)
    data = window.dataset
    assert len(data) == 9
    limit = stability(LinearRegression(data), None, {"b": 2.6}).max_stable_lr
    one, two, _ = bands[-1]
    assert two == pytest.approx(limit) and one == pytest.approx(limit / 2)
    assert two < 0.05333 / 2  # x = 20 curves the cost far more
    assert strip.edges == pytest.approx((slider_position(one), slider_position(two)))
    window.undo_stack.undo()
    assert round(bands[-1][1], 5) == 0.05333
    assert errors == []


def test_logistic_bands_are_local_and_say_so(qtbot, make_window, errors):
    window = make_window()
    bands = []
    window.explorer.bandsChanged.connect(lambda one, two, local: bands.append((one, two, local)))
    window.explorer.set_settings(window.settings.replace(model="logistic"), from_panel=False)
    assert window.problem.kind == "logistic"
    assert bands[-1][2] is True
    problem = LogisticRegression(window.dataset)
    limit = stability(problem).max_stable_lr
    assert bands[-1][1] == pytest.approx(limit)
    assert window.controls.band_caption.text().startswith("Local")
    assert errors == []


# 7. Attacks: everything at once, as fast as the engine goes.


def assert_consistent(window):
    """The state, the runs panel and the race agree."""
    explorer = window.explorer
    state = explorer.state
    assert 1 <= len(state.runs) <= MAX_RUNS
    assert len(set(state.slots)) == len(state.slots) == len(state.labels) == len(state.runs)
    assert len(window.runs) == len(state.runs)
    assert len(explorer.runner.records) <= MAX_RUNS
    ids = [r.run_id for r in explorer.runner.records]
    assert len(set(ids)) == len(ids)
    mapped = [explorer._ids.get(slot) for slot in state.slots]
    assert all(i in ids for i in mapped if i is not None)
    assert len([i for i in mapped if i in ids]) == len(set(i for i in mapped if i in ids))
    # The controls say what the race does.
    running = explorer.runner.running and explorer.runner.live
    assert window.actions_by_name["actionRun"].text() == ("Pause" if running else "Run")
    if explorer.replay_step is not None:
        assert child(window, QSlider, "replaySlider").value() == explorer.replay_step


def assert_panel_matches(window):
    state = window.explorer.state
    assert panel_table(window).rowCount() == len(state.runs)
    assert panel_texts(window, 1) == list(state.labels)


def finish_everything(qtbot, window, timeout=RUN_TIMEOUT):
    """Pause, then run every run to its end at full speed: none may stay stuck."""
    explorer = window.explorer
    if explorer.running:
        trigger(window, "actionRun")  # pause
    set_speed(window, 0)
    trigger(window, "actionRun")
    assert explorer.running
    qtbot.waitUntil(lambda: all_finished(window), timeout=timeout)
    assert not explorer.running
    assert window.actions_by_name["actionRun"].text() == "Run"
    for run in window.runs:
        assert run.trajectory.status in ("max_steps", "converged", "diverged")


def pump(qtbot):
    """Let queued frames and signals through, as between two of a user's clicks."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()


@pytest.mark.parametrize("seed", [8, 9])
def test_rapid_run_actions_while_racing_at_unlimited_speed(qtbot, make_window, errors, seed):
    import random

    window = make_window()
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=20_000), from_panel=False)
    set_speed(window, 0)
    trigger(window, "actionRun")
    rng = random.Random(seed)
    slider = child(window, QSlider, "replaySlider")

    def select():
        click_row(qtbot, window, rng.randrange(len(window.runs)))

    def branch():
        if slider.maximum() > 0:
            slider.setValue(rng.randrange(slider.maximum() + 1))
        window.actions_by_name["actionBranch"].trigger()

    def rate():
        window.explorer.set_learning_rate(rng.choice((0.001, 0.005, 0.01, 0.02)), "rate")

    def run():
        trigger(window, "actionRun")

    def preset():
        rng.choice(window.runs_panel.presets.menu().actions()).trigger()

    def model():
        kind = "linear" if window.problem.kind == "logistic" else "logistic"
        window.explorer.set_settings(window.settings.replace(model=kind), from_panel=False)

    doings = {
        "add": lambda: window.actions_by_name["actionAddRun"].trigger(),
        "duplicate": lambda: window.actions_by_name["actionDuplicateRun"].trigger(),
        "remove": lambda: window.actions_by_name["actionRemoveRun"].trigger(),
        "select": select,
        "branch": branch,
        "rate": rate,
        "undo": window.undo_stack.undo,
        "redo": window.undo_stack.redo,
        "run": run,
        "step": lambda: trigger(window, "actionStep"),
        "step back": lambda: trigger(window, "actionStepBack"),
        "scrub": lambda: slider.setValue(rng.randrange(slider.maximum() + 1)),
        "reset": lambda: trigger(window, "actionReset"),
        "best rate": lambda: trigger(window, "actionBestRate"),
        "add point": lambda: window.data_view.pointAdded.emit(rng.uniform(0, 10), 5.0),
        "remove point": lambda: window.data_view.pointRemoved.emit(0),
        "start": lambda: window.contour.startRequested.emit(rng.uniform(-1, 2), 1.0),
        "preset": preset,
        "model": model,
        "speed": lambda: set_speed(window, rng.choice((0, 0, 1000, 20))),
        "sweep": window.sweep_view.sweepRequested.emit,
        "cancel sweep": window.sweep_view.cancelRequested.emit,
        "edit cell": lambda: window.table.cellEdited.emit(0, 1, rng.uniform(0.0, 5.0)),
    }
    names = list(doings)
    done = []
    for _ in range(300):
        name = rng.choice(names)
        done.append(name)
        try:
            doings[name]()
            assert_consistent(window)
            if rng.random() < 0.5:  # now and then two actions between events
                pump(qtbot)
                assert_consistent(window)
        except AssertionError as error:
            raise AssertionError(f"after {done[-12:]}: {error}") from error
    pump(qtbot)
    assert_panel_matches(window)
    finish_everything(qtbot, window)
    assert_panel_matches(window)
    assert errors == [], f"{done}\n" + "\n".join(errors)


def race_of_three(window, steps=LONG, speed=0):
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=steps), from_panel=False)
    three_rates(None, window)
    set_speed(window, speed)


def test_editing_the_data_mid_race_carries_every_run_on(qtbot, make_window, errors):
    window = make_window()
    race_of_three(window, speed=500)
    trigger(window, "actionRun")
    wait_steps(qtbot, window, 2)
    explorer = window.explorer
    records = list(explorer.runner.records)
    window.data_view.pointAdded.emit(4.0, 9.0)
    window.data_view.pointMoved.emit(0, 1.5, 2.0)
    window.data_view.pointRemoved.emit(3)
    assert len(window.dataset) == 8
    # The same runs go on, over the new data.
    assert explorer.runner.records == records and all(r.live for r in records)
    assert explorer.runner.problem is explorer.analysis.problem
    steps = [r.steps for r in records]
    qtbot.waitUntil(
        lambda: all(r.steps > s + 2 for r, s in zip(records, steps, strict=True)),
        timeout=RUN_TIMEOUT,
    )
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert len(window.dataset) == 9 and explorer.runner.records == records
    assert_consistent(window)
    explorer.set_settings(window.settings.replace(steps=3000), from_panel=False)
    finish_everything(qtbot, window)
    assert errors == []


def test_switching_the_model_mid_race_switches_every_run(qtbot, make_window, errors):
    window = make_window()
    race_of_three(window, speed=500)
    trigger(window, "actionRun")
    wait_steps(qtbot, window, 2)
    explorer = window.explorer
    from PySide6.QtWidgets import QComboBox

    model = child(window, QComboBox, "modelInput")
    model.setCurrentIndex(model.findData("logistic"))
    assert window.problem.kind == "logistic"
    assert all(s.model == "logistic" for s in explorer.state.runs)
    assert len(window.runs) == 3 and set(window.dataset.y.tolist()) == {0.0, 1.0}
    # Every run goes on, on the logistic cost.
    wait_steps(qtbot, window, 2)
    assert all(r.live for r in explorer.runner.records)
    assert_consistent(window)
    assert_panel_matches(window)
    window.undo_stack.undo()
    assert window.problem.kind == "linear"
    assert all(s.model == "linear" for s in explorer.state.runs)
    window.undo_stack.redo()
    assert window.problem.kind == "logistic"
    assert all(r.live for r in explorer.runner.records)
    for index in range(3):
        explorer.select_run(index)
        explorer.set_settings(window.settings.replace(steps=2000), from_panel=False)
    finish_everything(qtbot, window)
    problem = explorer.analysis.problem
    assert problem.kind == "logistic" and explorer.runner.problem is problem
    for run in window.runs:  # each ended on the logistic cost
        final = run.trajectory.params[-1]
        assert run.trajectory.cost[-1] == pytest.approx(problem.cost(final), rel=1e-9)
    assert errors == []


def test_a_preset_while_running_replaces_the_race(qtbot, make_window, errors):
    window = make_window()
    race_of_three(window, steps=3000, speed=200)
    trigger(window, "actionRun")
    wait_steps(qtbot, window, 2)
    menu = window.runs_panel.presets.menu()
    for action in menu.actions():
        action.trigger()
        assert window.explorer.state.labels == tuple(
            label for label, _ in get_preset_runs(window, action.data())
        )
        assert not window.explorer.runner.live
        assert_consistent(window)
        assert_panel_matches(window)
        trigger(window, "actionRun")
        wait_steps(qtbot, window, 1)
    finish_everything(qtbot, window)
    problem = window.explorer.analysis.problem
    for run in window.runs:
        same_trajectory(run.trajectory, descend(problem, run.config))
    assert errors == []


def get_preset_runs(window, preset_id):
    from gd_explorer.presets import get_preset

    settings = window.explorer.state.settings
    limit = stability(window.problem).max_stable_lr
    return get_preset(preset_id).runs(settings, limit)


def test_closing_mid_race_stops_everything_quietly(qtbot, make_window, errors):
    window = make_window()
    race_of_three(window)
    trigger(window, "actionDuplicateRun")
    trigger(window, "actionRun")
    wait_steps(qtbot, window, 2)
    window.sweep_view.sweepRequested.emit()
    process = window.explorer.runner.process
    assert window.close()
    qtbot.waitUntil(lambda: not process.is_alive(), timeout=RUN_TIMEOUT)
    pump(qtbot)
    assert errors == []


# What the attacks found, pinned down.


def test_the_history_envelope_of_a_shorter_series_of_the_same_run():
    # Scrubbing back (or a branch, or a restart) shows a run's costs up to an earlier
    # step. Here the last kept bin's highest cost comes before the cut and its lowest
    # after it: the check that the kept bins still hold looked past the series' end.
    from gd_explorer.ui.views.history import Envelope, envelope

    costs = np.array([5, 4, 3, 2, 1, 0.5, 0.4, 0.3, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    kept = Envelope(8)
    kept(costs)
    for cut in (12, 9, 16, 3):
        steps, values = kept(costs[:cut])
        expected = envelope(costs[:cut], 8)
        np.testing.assert_array_equal(steps, expected[0])
        np.testing.assert_array_equal(values, expected[1])


def test_removing_the_last_running_run_ends_the_race_in_the_controls(qtbot, make_window, errors):
    window = make_window()
    explorer = window.explorer
    explorer.set_settings(window.settings.replace(steps=30), from_panel=False)
    trigger(window, "actionDuplicateRun")
    explorer.set_settings(window.settings.replace(steps=LONG), from_panel=False)
    set_speed(window, 500)
    trigger(window, "actionRun")
    qtbot.waitUntil(lambda: window.runs[0].trajectory is not None, timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: window.runs[0].trajectory.status != "running", timeout=RUN_TIMEOUT)
    assert window.actions_by_name["actionRun"].text() == "Pause"
    trigger(window, "actionRemoveRun")  # the long one, still running
    assert not explorer.runner.live
    assert window.actions_by_name["actionRun"].text() == "Run"
    # Undone, it races on from its start with the other still finished.
    window.undo_stack.undo()
    assert explorer.runner.live == explorer.running
    assert window.actions_by_name["actionRun"].text() == ("Pause" if explorer.running else "Run")
    assert errors == []


def test_a_run_added_while_replaying_a_live_race_keeps_the_views_on_the_step(
    qtbot, make_window, errors
):
    window = make_window()
    start_slow_race(qtbot, window, speed=500)
    explorer = window.explorer
    wait_steps(qtbot, window, 30)
    slider = child(window, QSlider, "replaySlider")
    k = 10
    slider.setValue(k)
    assert explorer.replay_step == k
    first = explorer.runner.records[0]
    trigger(window, "actionAddRun")
    steps = first.steps
    qtbot.waitUntil(lambda: first.steps > steps + 5, timeout=RUN_TIMEOUT)
    # Still replaying step k of run 1, as the slider says, while the runs go on.
    assert explorer.replay_step == k and slider.value() == k
    x, y = xy(window.contour.run_paths[0])
    assert len(x) == k + 1 and (x[-1], y[-1]) == tuple(first.view()[0][k])
    assert errors == []


def test_branching_a_live_race_joins_it_and_undo_takes_it_out(qtbot, make_window, errors):
    window = make_window()
    three_rates(qtbot, window)
    start_slow_race(qtbot, window, speed=500)
    explorer = window.explorer
    wait_steps(qtbot, window, 5)
    others = list(explorer.runner.records)
    trigger(window, "actionBranch")
    state = explorer.state
    assert len(state.runs) == 4 and state.selected == 3
    assert state.labels[3].startswith(f"{state.labels[2]} from step ")
    assert explorer.runner.records[:3] == others
    wait_steps(qtbot, window, 2)
    assert all(r.live for r in explorer.runner.records)
    window.actions_by_name["actionBranch"].trigger()  # a fifth: refused
    assert "at most 4 runs" in window.statusBar().currentMessage()
    assert len(explorer.state.runs) == 4
    window.undo_stack.undo()
    assert len(explorer.state.runs) == 3 and explorer.runner.records == others
    assert explorer.running and all(r.live for r in others)
    assert_consistent(window)
    assert errors == []


def test_scaling_switched_on_mid_race_restarts_every_run_on_the_scaled_cost(
    qtbot, make_window, errors
):
    from PySide6.QtWidgets import QCheckBox

    window = make_window()
    three_rates(qtbot, window)
    start_slow_race(qtbot, window, speed=500)
    explorer = window.explorer
    wait_steps(qtbot, window, 5)
    child(window, QCheckBox, "scalingInput").setChecked(True)
    assert all(s.scaling for s in explorer.state.runs)
    assert explorer.runner.problem is explorer.analysis.problem
    wait_steps(qtbot, window, 2)
    assert len(explorer.runner.records) == 3
    assert all(r.live for r in explorer.runner.records) and explorer.running
    assert "failed" not in panel_texts(window, 2)
    assert_consistent(window)
    assert errors == []


@pytest.mark.parametrize("runs", [1, 2])
def test_a_new_start_clicked_while_replaying_a_live_race_follows_the_new_run(
    qtbot, make_window, errors, runs
):
    window = make_window()
    for _ in range(runs - 1):
        trigger(window, "actionDuplicateRun")
    start_slow_race(qtbot, window, speed=500)
    explorer = window.explorer
    wait_steps(qtbot, window, 30)
    slider = child(window, QSlider, "replaySlider")
    slider.setValue(20)
    assert explorer.replay_step == 20
    window.contour.startRequested.emit(1.5, 1.0)
    record = explorer._selected_record()
    assert tuple(record.config.init) == (1.5, 1.0)
    qtbot.waitUntil(lambda: record.steps > 3, timeout=RUN_TIMEOUT)
    assert_consistent(window)
    # The new run's ball is drawn where the run is, not a step of the run it replaced.
    bx, by = xy(window.contour.ball)
    qtbot.waitUntil(
        lambda: tuple(xy(window.contour.ball)[0][-1:]) != (bx[-1],) or record.steps == 0,
        timeout=RUN_TIMEOUT,
    )
    assert explorer.replay_step is None
    assert errors == []


def test_a_preset_that_cannot_be_raced_is_refused_and_the_race_goes_on(qtbot, make_window, errors):
    window = make_window()
    explorer = window.explorer
    # Slope only, on x of a few hundredths: 1/L is in the thousands, beyond any rate.
    x = np.linspace(0.01, 0.08, 8)
    tiny = Dataset(x, 3 * x + 2.6)
    settings = Settings(hold_intercept=True, learning_rate=0.01, steps=LONG, speed=500)
    explorer.replace("Tiny", ExplorerState(tiny, (settings,)))
    trigger(window, "actionDuplicateRun")
    trigger(window, "actionRun")
    wait_steps(qtbot, window, 2)
    state, records = explorer.state, list(explorer.runner.records)
    rates = [a for a in window.runs_panel.presets.menu().actions() if a.data() == "rates"]
    rates[0].trigger()
    message = window.statusBar().currentMessage()
    assert "would need learning rates from 294 to 804" in message and "rescale x" in message
    # Nothing lost: the same runs race on.
    assert explorer.state is state and explorer.runner.records == records
    assert explorer.running and all(r.live for r in records)
    assert window.actions_by_name["actionRun"].text() == "Pause"
    assert errors == []


@pytest.mark.parametrize("lesson", ["too-large", "slope-without-learning-rate"])
def test_branching_from_a_diverged_run_is_made_or_refused_with_a_message(
    qtbot, make_window, errors, lesson
):
    window = make_window()
    window.load_lesson(lesson)
    set_speed(window, 0)
    [run] = run_race_to_end(qtbot, window)
    assert run.trajectory.status == "diverged"
    undo = window.undo_stack.count()
    window.actions_by_name["actionBranch"].trigger()  # from the last step, far out
    runs = window.explorer.state.runs
    if len(runs) == 2:
        m, b = run.trajectory.params[-1]
        assert (runs[1].start_slope, runs[1].start_intercept) == (m, b)
        assert window.undo_stack.count() == undo + 1
        run_race_to_end(qtbot, window)
    else:
        assert window.statusBar().currentMessage()
        assert window.undo_stack.count() == undo
    assert_consistent(window)
    assert errors == []


def test_at_j_star_never_counts_a_batch_loss(qtbot, make_window, errors):
    # Stochastic logistic steps on 20,000 rows record each step's one-row loss (exact
    # costs would take too long), which is often far below the optimal cost J*.
    from gd_explorer.engine import steps_to_reach

    window = make_window()
    explorer = window.explorer
    rng = np.random.default_rng(2)
    x = rng.normal(size=20_000)
    data = Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float))
    settings = Settings(model="logistic", variant="stochastic", learning_rate=0.05, steps=1500)
    explorer.replace("Many rows", ExplorerState(data, (settings.replace(speed=0),)))
    trigger(window, "actionDuplicateRun")
    [first, second] = run_race_to_end(qtbot, window)
    trajectory = first.trajectory
    assert not trajectory.cost_exact.all()
    optimum = explorer.analysis.fit.cost
    expected = [
        steps_to_reach(r.trajectory.cost, optimum, r.trajectory.cost_exact)
        for r in (first, second)
    ]
    texts = panel_texts(window, REACHED)
    assert texts == [f"{e:,}" if e >= 0 else "—" for e in expected]
    assert errors == []
