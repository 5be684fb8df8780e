"""The window says what a run is doing: diverged from the step it diverged on."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gd_explorer.engine import descend
from gd_explorer.lessons import get_lesson
from gd_explorer.ui.runs_panel import STATUS

LESSON = "too-large"


def shown_status(window):
    return window.readout.values["status"].text()


def panel_status(window):
    return window.runs_panel.table.item(0, STATUS).text()


def step_to(qtbot, window, step, total):
    window.action_step.trigger()
    qtbot.waitUntil(lambda: window.readout.values["step"].text() == f"{step} of {total}")


def test_a_run_is_said_to_have_diverged_from_the_step_it_diverged_on(qtbot, window):
    lesson = get_lesson(LESSON)
    expected = descend(lesson.problem, lesson.config)
    at, total = expected.diverged_at, lesson.config.steps
    assert expected.status == "diverged" and 1 < at < total  # the flight goes on after it
    window.load_lesson(LESSON)
    for step in range(1, at):
        step_to(qtbot, window, step, total)
    assert shown_status(window) == "paused"
    assert panel_status(window) == "paused"
    step_to(qtbot, window, at, total)
    record = window.controller.record
    assert record.status == "running" and record.diverged_at == at  # the ball flies on
    assert shown_status(window) == "diverged"
    assert panel_status(window) == "diverged"
    assert window.readout.banner.isVisible()
    step_to(qtbot, window, at + 1, total)
    assert shown_status(window) == "diverged"
    # Replayed, the steps before the divergence are not called diverged; those after are.
    window.show_step(at - 1)
    assert shown_status(window) != "diverged"
    assert panel_status(window) != "diverged"
    window.show_step(at)
    assert shown_status(window) == "diverged"
    assert panel_status(window) == "diverged"


def test_space_while_replaying_a_finished_run_plays_the_replay_on_to_its_end(qtbot, window):
    steps = 40
    window.explorer.set_settings(window.settings.replace(speed=0.0, steps=steps), from_panel=False)
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.readout.values["step"].text() == f"{steps} of {steps}")
    record = window.controller.record
    qtbot.waitUntil(lambda: record.status != "running")
    before = window.trajectory
    window.explorer.set_settings(window.settings.replace(speed=20.0), from_panel=False)
    window.show_step(10)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    # The replay goes on from step 10, step by step, and the run is kept as it was.
    qtbot.waitUntil(lambda: 10 < window.replay_slider.value() < steps, timeout=10_000)
    assert window.action_run.text() == "Pause"
    qtbot.waitUntil(lambda: window.replay_slider.value() == steps, timeout=20_000)
    qtbot.waitUntil(lambda: window.action_run.text() == "Run")
    assert window.controller.record is record
    after = window.trajectory
    assert after.steps == before.steps == steps
    np.testing.assert_array_equal(after.params, before.params)
    np.testing.assert_array_equal(after.cost, before.cost)
    assert window.readout.values["step"].text() == f"{steps} of {steps}"
    assert window.explorer.replay_step is None  # at the end: following the run again


def test_space_pauses_a_playing_replay_where_it_is(qtbot, window):
    steps = 400
    window.explorer.set_settings(window.settings.replace(speed=0.0, steps=steps), from_panel=False)
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.readout.values["step"].text() == f"{steps} of {steps}")
    record = window.controller.record
    window.explorer.set_settings(window.settings.replace(speed=5.0), from_panel=False)
    window.show_step(3)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.replay_slider.value() > 3, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    paused = window.replay_slider.value()
    assert 3 < paused < steps
    assert window.action_run.text() == "Run"
    assert window.readout.values["step"].text() == f"{paused} of {steps}"
    assert window.controller.record is record and record.steps == steps


def switch_to_logistic(window):
    window.explorer.set_settings(window.settings.replace(model="logistic"), from_panel=False)
    return window.statusBar().currentMessage()


def test_a_long_message_is_shown_whole_at_1280_by_800(qtbot, window):
    window.showNormal()
    window.resize(1280, 800)
    message = switch_to_logistic(window)
    assert "Loaded the article's two-class data instead" in message
    assert len(message) > 150  # wider than the window in one line
    label = window.findChild(QLabel, "statusMessage")
    assert label is not None and label.text() == message

    def shown_whole():
        if not label.isVisible() or label.width() <= 0:
            return False
        width = label.contentsRect().width()
        one_line = label.fontMetrics().horizontalAdvance(message) <= width
        wrapped = label.wordWrap() and label.height() >= label.heightForWidth(label.width())
        return one_line or wrapped

    qtbot.waitUntil(shown_whole)
    assert label.mapTo(window, label.rect().bottomRight()).y() <= window.height()
    assert label.mapTo(window, label.rect().bottomRight()).x() <= window.width()


def test_a_message_about_a_state_goes_when_the_state_is_undone(qtbot, window):
    message = switch_to_logistic(window)
    assert "Ctrl+Z to undo" in message
    window.action_undo.trigger()
    assert window.settings.model == "linear"
    assert window.statusBar().currentMessage() == ""


def test_a_run_paused_mid_way_is_said_paused_in_the_runs_panel_as_in_the_read_out(qtbot, window):
    # A slow run, paused by Space: no frame follows the pause that would redraw the panel.
    window.explorer.set_settings(
        window.settings.replace(speed=20.0, steps=10_000), from_panel=False
    )
    window.action_run.trigger()
    qtbot.waitUntil(lambda: panel_status(window) == "running")
    qtbot.waitUntil(
        lambda: window.controller.record is not None and window.controller.record.steps >= 2
    )
    window.action_run.trigger()  # pause
    qtbot.waitUntil(lambda: shown_status(window) == "paused")
    assert panel_status(window) == "paused"


def test_reset_after_a_diverged_run_frames_the_maps_on_the_problem_again(qtbot, window):
    window.load_lesson(LESSON)  # diverges: the maps widen to follow its flight
    framed = window.contour.domain
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.action_run.trigger()
    qtbot.waitUntil(lambda: shown_status(window) == "diverged", timeout=20_000)
    qtbot.waitUntil(lambda: not window.explorer.runner.running, timeout=20_000)
    assert window.contour.domain.m_max > 100 * framed.m_max  # the flight is on the map
    window.action_reset.trigger()
    qtbot.waitUntil(lambda: window.contour.domain == framed)
