"""The window's controller: one analysis per change, one drawing path, runs and sessions."""

import json

import numpy as np
import pytest

from gd_explorer import state as state_module
from gd_explorer.engine import stability
from gd_explorer.ui import controller as controller_module
from gd_explorer.ui import export as export_module

RUN_TIMEOUT = 30_000


def counting(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_adding_a_point_computes_the_reference_fit_once(window, monkeypatch):
    calls = counting(monkeypatch, state_module, "reference_fit")
    window.data_view.pointAdded.emit(2.5, 6.0)
    assert len(window.dataset) == 9
    assert len(calls) == 1
    # Undoing and redoing go back to states already analysed: nothing is computed again.
    window.undo_stack.undo()
    window.undo_stack.redo()
    assert len(calls) == 1
    assert window.history.optimum_line.isVisible()


def test_changing_the_learning_rate_computes_no_analysis(window, monkeypatch):
    calls = counting(monkeypatch, state_module, "reference_fit")
    window.explorer.set_settings(window.settings.replace(learning_rate=0.02))
    assert window.settings.learning_rate == 0.02
    assert calls == []


def test_every_view_is_drawn_through_one_paint(qtbot, window, monkeypatch, tmp_path):
    painted = []
    real = controller_module.paint

    def paint(scene, views):
        painted.append(scene)
        real(scene, views)

    monkeypatch.setattr(controller_module, "paint", paint)
    monkeypatch.setattr(export_module, "paint", paint)
    window.explorer.set_settings(window.settings.replace(steps=20, speed=0.0), from_panel=False)
    window.reset()  # the start
    assert painted[-1].current.status == "ready" and painted[-1].current.step == 0
    window.toggle_run()  # live frames
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=RUN_TIMEOUT)
    assert painted[-1].current.step == 20
    window.show_step(5)  # replay
    assert painted[-1].current.step == 5 and painted[-1].replaying
    before = len(painted)
    window.export_gif(tmp_path / "run.gif", frames=3, size=(96, 64))  # export
    assert [s.current.step for s in painted[before:]] == [0, 10, 20, 20]


def test_the_scene_says_when_the_optimum_was_reached(qtbot, window):
    explorer = window.explorer
    rate = explorer.analysis.stability.best_lr
    explorer.set_settings(
        window.settings.replace(learning_rate=rate, steps=3000, speed=0.0), from_panel=False
    )
    window.toggle_run()
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=RUN_TIMEOUT)
    scene = explorer.scene(window.trajectory.steps)
    reached = scene.current.reached
    optimum = scene.fit.cost
    cost = window.trajectory.cost
    assert reached is not None and reached > 0
    assert cost[reached] - optimum <= 1e-6 * max(1.0, abs(optimum))
    assert cost[reached - 1] - optimum > 1e-6 * max(1.0, abs(optimum))
    assert explorer.scene(reached - 1).current.reached is None  # not yet at that step


def test_best_rate_sets_two_over_l_plus_mu_undoably(window):
    best = stability(window.problem).best_lr
    action = window.actions_by_name["actionBestRate"]
    assert action.isEnabled()
    action.trigger()
    assert window.settings.learning_rate == pytest.approx(best)
    assert window.controls.rate.value() == pytest.approx(best, rel=1e-3)
    window.undo_stack.undo()
    assert window.settings.learning_rate == 0.01


def test_the_race_actions_add_and_remove_runs(window):
    named = window.actions_by_name
    for name in ("actionAddRun", "actionDuplicateRun", "actionRemoveRun", "actionBranch"):
        assert named[name].objectName() == name and named[name].isEnabled()
    named["actionAddRun"].trigger()
    named["actionDuplicateRun"].trigger()
    assert len(window.runs) == 3
    assert window.runs[2].config == window.runs[1].config  # a copy of the selected run
    named["actionRemoveRun"].trigger()
    assert len(window.runs) == 2
    window.undo_stack.undo()
    assert len(window.runs) == 3


def test_runs_lists_the_selected_run_with_its_trajectory(qtbot, window):
    [run] = window.runs
    assert run.config == window.settings.config() and run.trajectory is None
    window.step_once()
    qtbot.waitUntil(lambda: window.trajectory is not None and window.trajectory.steps == 1)
    [run] = window.runs
    assert run.trajectory is not None and run.trajectory.steps >= 1


def test_a_session_keeps_every_runs_settings(window, tmp_path):
    explorer = window.explorer
    two, _ = explorer.state.add_run(window.settings.replace(learning_rate=0.02))
    explorer.change("Add a run", two)
    path = tmp_path / "two.json"
    assert window.save_session(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [r["learning_rate"] for r in document["runs"]] == [0.01, 0.02]
    assert document["selected"] == 1 and document["settings"]["learning_rate"] == 0.02
    window.new()
    assert len(explorer.state.runs) == 1
    assert window.open_session(path)
    assert [r.learning_rate for r in explorer.state.runs] == [0.01, 0.02]
    assert explorer.state.selected == 1 and window.settings.learning_rate == 0.02


def test_a_session_of_one_run_is_written_as_before(window, tmp_path):
    path = tmp_path / "one.json"
    assert window.save_session(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "runs" not in document and document["settings"] == window.settings.to_dict()


def test_a_refused_setting_puts_the_panel_back(window):
    shown = []
    window.explorer.panelNeeded.connect(lambda settings, rows: shown.append(settings))
    bad = window.settings.replace(variant="minibatch", batch_size=0)
    window.explorer.set_settings(bad)
    assert shown and shown[-1] == window.settings and window.settings.batch_size == 3
    assert "batch" in window.statusBar().currentMessage()


def test_an_export_error_reaches_the_dialog_as_an_exception(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path), ""))
    window.statusBar().showMessage("something else")
    window.dialogs.export_png()  # a folder, not a file
    assert len(shown) == 1 and "folder" in shown[0]
    assert window.statusBar().currentMessage() == shown[0]


def test_an_edit_in_the_panel_is_not_written_back_to_it(qtbot, window):
    from PySide6.QtWidgets import QDoubleSpinBox

    written = []
    window.explorer.panelNeeded.connect(lambda *a: written.append(a))
    box = window.findChild(QDoubleSpinBox, "learningRateInput")
    box.setValue(0.02)
    assert window.settings.learning_rate == 0.02
    assert written == []  # the controller did not echo the panel's own edit
    # An edit from elsewhere is written to the panel.
    window.explorer.set_settings(window.settings.replace(learning_rate=0.03), from_panel=False)
    assert len(written) == 1 and box.value() == 0.03


def test_changing_one_runs_rate_mid_race_restarts_that_run_alone(qtbot, window):
    window.load_lesson("momentum-valley")
    window.step_once()
    qtbot.waitUntil(lambda: all(r.steps >= 1 for r in window.controller.records))
    first, second = window.controller.records
    window.explorer.select_run(1)
    window.explorer.set_settings(window.settings.replace(learning_rate=0.005), from_panel=False)
    now_first, now_second = window.controller.records
    assert now_first is first  # untouched: same record, same steps
    assert now_second.run_id == second.run_id and now_second.version == second.version + 1
    assert now_second.config.learning_rate == 0.005
    assert now_second.config.init == tuple(second.view()[0][-1])  # from where it was


def test_switching_on_scaling_mid_race_starts_every_run_again_from_its_start(qtbot, window):
    window.load_lesson("momentum-valley")
    window.step_once()
    qtbot.waitUntil(lambda: all(r.steps >= 1 for r in window.controller.records))
    window.explorer.set_settings(window.settings.replace(scaling=True), from_panel=False)
    window.step_once()
    qtbot.waitUntil(lambda: all(r.steps >= 1 for r in window.controller.records))
    # Its points were of the other x: each run starts again at its own start.
    for run, settings in zip(window.runs, window.explorer.state.runs, strict=True):
        assert tuple(run.trajectory.params[0]) == settings.config().start


def test_a_session_keeps_the_runs_names(window, tmp_path):
    window.load_lesson("adam-vs-gd")
    path = tmp_path / "race.json"
    assert window.save_session(path)
    window.new()
    assert window.open_session(path)
    assert window.explorer.state.labels == ("gradient descent", "momentum 0.9", "Adam")


def test_the_windows_trajectory_is_the_selected_runs(qtbot, window):
    window.load_lesson("adam-vs-gd")
    window.explorer.select_run(2)
    window.step_once()
    qtbot.waitUntil(lambda: all(r.steps >= 1 for r in window.controller.records))
    assert window.trajectory.config.optimizer == "adam"
    np.testing.assert_array_equal(window.trajectory.params, window.runs[2].trajectory.params)
