"""The window says what a run is doing: diverged from the step it diverged on."""

from __future__ import annotations

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
