"""Replay (timeline slider, ← and →) and the presentation keys of the main window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSlider

from gd_explorer.engine import Descent
from gd_explorer.settings import LEARNING_RATE_RANGE

STEPS = 50


def finished_run(qtbot, window):
    window.explorer.set_settings(window.settings.replace(speed=0.0, steps=STEPS), from_panel=False)
    window.findChild(type(window.action_run), "actionRun").trigger()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status != "running",
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: window.readout.values["step"].text() == f"{STEPS} of {STEPS}")
    return window.controller.record


def assert_views_at(window, record, step):
    params, cost = record.view()
    m, b = params[step]
    xs, ys = window.contour.ball.getData()
    assert (xs[0], ys[0]) == pytest.approx((m, b), rel=1e-12)
    assert window.cost_curve.ball.getData()[0][0] == pytest.approx(m, rel=1e-12)
    line_x, line_y = window.data_view.line_item.getData()
    assert (line_y[1] - line_y[0]) / (line_x[1] - line_x[0]) == pytest.approx(m, rel=1e-9)
    assert window.readout.values["step"].text() == f"{step} of {STEPS}"
    assert float(window.readout.values["slope"].text()) == pytest.approx(m, rel=1e-5)
    assert window.history.curve.getData()[1].size <= step + 1
    assert window.replay_slider.value() == step


def test_show_step_puts_every_view_at_that_step(qtbot, window):
    slider = window.findChild(QSlider, "replaySlider")
    assert slider is window.replay_slider
    record = finished_run(qtbot, window)
    assert slider.maximum() == STEPS and slider.value() == STEPS
    window.show_step(10)
    assert_views_at(window, record, 10)
    assert "Step 10" in window.equations.text()
    assert "Step 11" not in window.equations.text()


def test_dragging_the_slider_replays_and_its_end_follows_the_run(qtbot, window):
    record = finished_run(qtbot, window)
    window.replay_slider.setValue(7)
    assert_views_at(window, record, 7)
    window.replay_slider.setValue(STEPS)
    assert_views_at(window, record, STEPS)


def test_left_steps_back_and_right_steps_forward_in_replay(qtbot, window):
    record = finished_run(qtbot, window)
    window.show_step(10)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert_views_at(window, record, 9)
    assert "Step 9" in window.equations.text()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert_views_at(window, record, 11)
    assert window.trajectory.steps == STEPS  # replaying took no new step


def test_scrubbing_mid_run_keeps_the_views_while_the_run_records(qtbot, window):
    window.explorer.set_settings(
        window.settings.replace(speed=20.0, steps=10_000), from_panel=False
    )
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.controller.record is not None)
    record = window.controller.record
    qtbot.waitUntil(lambda: record.steps >= 5, timeout=10_000)
    window.show_step(2)
    seen = record.steps
    qtbot.waitUntil(lambda: window.replay_slider.maximum() > seen + 2, timeout=10_000)
    assert window.controller.running
    assert window.readout.values["step"].text() == "2 of 10,000"
    assert window.contour.ball.getData()[0][0] == pytest.approx(record.view()[0][2, 0])
    # ← pauses the run and shows the step before.
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert not window.controller.running
    assert window.readout.values["step"].text() == "1 of 10,000"
    # Space resumes, and the views follow the run's newest step again.
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.controller.running
    shown = window.readout.values["step"]
    qtbot.waitUntil(lambda: int(shown.text().split()[0]) > seen + 2, timeout=10_000)
    assert window.replay_slider.value() == window.replay_slider.maximum()


def test_brackets_halve_and_double_the_learning_rate_and_clamp_at_the_limit(qtbot, window):
    window.explorer.set_settings(window.settings.replace(learning_rate=0.01), from_panel=False)
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.settings.learning_rate == pytest.approx(0.02)
    assert window.controls.rate.value() == pytest.approx(0.02)
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    assert window.settings.learning_rate == pytest.approx(0.005)
    high = LEARNING_RATE_RANGE[1]
    window.explorer.set_settings(window.settings.replace(learning_rate=8.0), from_panel=False)
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.settings.learning_rate == high
    assert "limit" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.settings.learning_rate == high
    assert "largest" in window.statusBar().currentMessage()


def test_ctrl_plus_and_minus_scale_the_text(qtbot, window):
    assert window.equations.scale() == 1.0
    before = window.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.equations.scale() > 1.0
    assert window.font().pointSizeF() > before
    assert window.readout.values["cost"].point_size > 16
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.equations.scale() == pytest.approx(1.0)
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.equations.scale() == 1.0


def test_f11_toggles_full_screen(qtbot, window):
    assert not window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.isFullScreen()


def test_the_shortcuts_sheet_lists_every_key(qtbot, window):
    dialog = window.show_shortcuts()
    assert dialog.objectName() == "shortcutsDialog"
    keys = ", ".join(dialog.keys()).split(", ")
    for key in ("Space", "→", "←", "R", "[", "]", "F11"):
        assert key in keys
    dialog.close()


def test_zoom_scales_markers_too(window):
    window.set_zoom(1.5)
    assert window.contour.marker_scale == 1.5
    assert window.data_view.marker_scale == 1.5
    window.set_zoom(2.0)  # marks, like the plots' text, grow no further
    assert window.contour.marker_scale == 1.5
    window.set_zoom(1.0)
    assert window.cost_curve.marker_scale == 1.0


@pytest.mark.parametrize(("variant", "batch_size"), [("stochastic", 1), ("minibatch", 3)])
def test_replay_marks_the_rows_each_step_used(qtbot, window, variant, batch_size):
    window.explorer.set_settings(
        window.settings.replace(variant=variant, batch_size=batch_size, seed=7), from_panel=False
    )
    record = finished_run(qtbot, window)
    # The rows each step used, from the engine run one step at a time.
    descent = Descent(window.problem, record.config)
    used = []
    for _ in range(STEPS):
        descent.advance(1)
        used.append(np.atleast_1d(descent.last_rows))
    data = window.problem.data
    for step in (1, 2, 17, 49, STEPS, 30):
        window.show_step(step)
        rings = np.column_stack(window.data_view.sampled_item.getData())
        rows = used[step - 1]
        expected = np.unique(np.column_stack([data.x[rows], data.y[rows]]), axis=0)
        np.testing.assert_array_equal(np.unique(rings, axis=0), expected, err_msg=f"step {step}")
        listed = ", ".join(str(r + 1) for r in rows)  # 1-based, as in the table
        assert f"mean over row{'s' * (len(rows) > 1)} {listed} (n = {len(rows)})" in (
            window.equations.text()
        )
    window.show_step(0)
    assert window.data_view.sampled_item.getData()[0].size == 0


def test_replay_marks_no_rows_once_the_data_changed(qtbot, window):
    window.explorer.set_settings(
        window.settings.replace(variant="stochastic", seed=7), from_panel=False
    )
    record = finished_run(qtbot, window)
    window.show_step(10)
    assert window.data_view.sampled_item.getData()[0].size == 1
    record.data_changed(record.data)  # as an edit during the run does
    window.show_step(11)
    assert window.data_view.sampled_item.getData()[0].size == 0
