"""The window supervises the engine: a fault or a dead process ends the run as failed,
says why, keeps everything the user made, and the next run works."""

import os
import signal

from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSlider, QSpinBox

from gd_explorer.settings import SPEEDS
from tests.faults import BreaksPastSlope

RUN_TIMEOUT = 30_000


def child(window, kind, name):
    found = window.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def readout(window, field):
    return child(window, QLabel, f"{field}Readout").text()


def set_controls(window, speed, steps, rate):
    child(window, QSlider, "speedInput").setValue(SPEEDS.index(speed))
    child(window, QSpinBox, "stepsInput").setValue(steps)
    child(window, QDoubleSpinBox, "learningRateInput").setValue(rate)
    assert (window.settings.speed, window.settings.steps) == (speed, steps)
    assert window.settings.learning_rate == rate


def banner(window):
    return child(window, QLabel, "divergenceBanner")


def assert_the_next_run_works(qtbot, window):
    set_controls(window, 0, 50, window.settings.learning_rate)
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.trajectory.status == "max_steps", timeout=RUN_TIMEOUT)
    assert window.trajectory.steps == 50
    assert readout(window, "status") == "finished"
    assert not banner(window).isVisible()
    message = window.statusBar().currentMessage()
    assert "stopped unexpectedly" not in message and "fault" not in message  # not stale


def test_a_killed_engine_is_restarted_and_nothing_the_user_made_is_lost(qtbot, window):
    window.explorer.edit("Add point", lambda d: d.with_point(12.0, 12.5))
    set_controls(window, 200, 10**6, 0.001)
    data, settings, undo = window.dataset, window.settings, window.undo_stack.count()
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps >= 20, timeout=RUN_TIMEOUT)
    killed = window.controller.process
    os.kill(killed.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: readout(window, "status") == "failed", timeout=RUN_TIMEOUT)
    message = banner(window).text()
    assert "stopped unexpectedly" in message and "signal 9" in message
    assert banner(window).isVisible()
    assert "stopped unexpectedly" in window.statusBar().currentMessage()
    assert window.action_run.text() == "Run"
    run = window.trajectory
    assert run.status == "failed" and run.steps >= 20 and run.message == message
    assert window.replay_slider.maximum() == run.steps  # the steps so far can be replayed
    assert window.dataset is data and window.settings == settings
    assert window.undo_stack.count() == undo
    window.undo_stack.undo()
    assert len(window.dataset) == len(data) - 1  # the history still works
    window.undo_stack.redo()
    assert window.dataset == data
    assert window.controller.process is not killed
    assert_the_next_run_works(qtbot, window)


def test_a_fault_inside_the_engine_ends_the_run_as_failed_with_its_reason(
    qtbot, window, monkeypatch
):
    set_controls(window, 500, 4000, 0.0001)
    start = window.controller.start
    faulty = BreaksPastSlope(window.dataset)  # as if the engine hit a fault
    monkeypatch.setattr(
        window.controller, "start", lambda problem, *args, **kw: start(faulty, *args, **kw)
    )
    process = window.controller.process
    window.action_run.trigger()
    qtbot.waitUntil(lambda: readout(window, "status") == "failed", timeout=RUN_TIMEOUT)
    assert "planted fault" in banner(window).text() and banner(window).isVisible()
    assert "planted fault" in window.statusBar().currentMessage()
    assert window.trajectory.status == "failed" and window.trajectory.steps > 0
    assert window.controller.process is process  # the process carried on
    monkeypatch.undo()  # the window's own problem again
    assert_the_next_run_works(qtbot, window)
