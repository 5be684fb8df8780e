"""Predict, then run, in the window: ask, answer with a click, run, read the verdict."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton

from gd_explorer.lessons import LESSONS
from gd_explorer.prediction import observe, steepest_direction

RUN_TIMEOUT = 30_000


def _card(window):
    return window.findChild(type(window.predict.card), "predictCard")


def _text(window, name: str) -> str:
    label = _card(window).findChild(QLabel, name)
    assert label is not None
    return label.text()


def _click_lesson(qtbot, window, lesson_id: str) -> None:
    """Load ``lesson_id`` as a teacher does: from the list in the lessons panel."""
    window.lessons_dock.show()
    panel = window.lessons_panel
    row = [entry_id for entry_id, _ in panel.entries()].index(lesson_id)
    item = panel.list.item(row)
    panel.list.scrollToItem(item)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.lesson_id == lesson_id


def _answer(qtbot, window, name: str) -> None:
    button = _card(window).findChild(QPushButton, name)
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _at_full_speed(window) -> None:
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)


def _run_ends(qtbot, window):
    qtbot.waitUntil(
        lambda: window.trajectory is not None and not window.explorer.runner.live,
        timeout=RUN_TIMEOUT,
    )
    return window.trajectory


def _behaviour(window, trajectory) -> str | None:
    fixed = dict(trajectory.config.fixed or {})
    return observe(
        trajectory.params,
        trajectory.cost,
        steepest_direction(window.problem, fixed),
        diverged=trajectory.status == "diverged",
        ended=True,
    )


def test_overshoot_asks_the_class_answers_the_run_shows_and_the_verdict_says_why(qtbot, window):
    _at_full_speed(window)
    _click_lesson(qtbot, window, "overshoot")
    card = _card(window)
    qtbot.waitUntil(card.isVisible)
    assert _text(window, "predictQuestion") == "Will it converge, oscillate or diverge?"
    assert "Learning rate 0.05" in _text(window, "predictDetail")
    assert window.trajectory is None  # nothing runs before the class has answered
    _answer(qtbot, window, "predictOscillate")
    qtbot.waitUntil(lambda: window.predict.phase == "shown", timeout=RUN_TIMEOUT)
    trajectory = _run_ends(qtbot, window)
    assert card.isVisible()
    headline = _text(window, "predictVerdict")
    assert headline.startswith("Right! It oscillated")
    why = _text(window, "predictWhy")
    assert "between 1/L = 0.0267 and 2/L = 0.0533" in why
    assert "every step overshoots the minimum, but by less each time" in why
    # The verdict is the run's own: its trajectory oscillated, to the end.
    assert len(trajectory.cost) == 101 and trajectory.status == "max_steps"
    assert _behaviour(window, trajectory) == "oscillate"


def test_a_wrong_answer_is_called_wrong_with_the_reason(qtbot, window):
    _at_full_speed(window)
    _click_lesson(qtbot, window, "too-large")
    qtbot.waitUntil(_card(window).isVisible)
    _answer(qtbot, window, "predictConverge")
    qtbot.waitUntil(lambda: window.predict.phase == "shown", timeout=RUN_TIMEOUT)
    trajectory = _run_ends(qtbot, window)
    assert _text(window, "predictVerdict").startswith(
        "Not this time: you said converge. It diverged"
    )
    assert "Learning rate 0.06 is above 2/L = 0.0533" in _text(window, "predictWhy")
    assert window.predict.verdict is not None and window.predict.verdict.right is False
    assert _behaviour(window, trajectory) == "diverge"


def test_run_reveals_without_an_answer(qtbot, window):
    _at_full_speed(window)
    _click_lesson(qtbot, window, "slope-small-steps")
    qtbot.waitUntil(_card(window).isVisible)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    trajectory = _run_ends(qtbot, window)
    qtbot.waitUntil(lambda: window.predict.phase == "shown", timeout=RUN_TIMEOUT)
    assert _text(window, "predictVerdict").startswith("It converged")
    assert "below 1/L = 0.0267" in _text(window, "predictWhy")
    assert _behaviour(window, trajectory) == "converge"


@pytest.mark.parametrize(
    "lesson_id", [lesson.id for lesson in LESSONS if not lesson.predict and not lesson.function]
)
def test_lessons_not_about_rates_do_not_ask(qtbot, window, lesson_id):
    window.load_lesson("overshoot")
    assert _card(window).isVisible()
    window.load_lesson(lesson_id)
    assert not _card(window).isVisible()
    assert window.predict.phase == "idle"


def test_the_teacher_asks_from_the_run_menu_and_is_told_when_a_run_cannot_be_predicted(
    qtbot, window
):
    ask = window.findChild(QAction, "actionPredict")
    assert ask.text() == "Ask the class first…"
    run_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Run")
    assert ask in run_menu.actions()
    ask.trigger()
    card = _card(window)
    assert card.isVisible()
    assert "Learning rate 0.01" in _text(window, "predictDetail")
    assert "slope and intercept" in _text(window, "predictDetail")
    # Adam changes what a rate does: the card says so, and offers no answers.
    window.explorer.set_settings(window.settings.replace(optimizer="adam"), from_panel=False)
    assert card.isVisible()
    assert "Adam changes" in _text(window, "predictWhy") and "Gradient descent" in _text(
        window, "predictWhy"
    )
    assert not card.findChild(QPushButton, "predictOscillate").isVisible()
    qtbot.mouseClick(card.findChild(QPushButton, "predictClose"), Qt.MouseButton.LeftButton)
    assert not card.isVisible()
    window.explorer.set_settings(
        window.settings.replace(optimizer="gd", variant="stochastic"), from_panel=False
    )
    ask.trigger()
    assert card.isVisible() and "Choose Batch" in _text(window, "predictWhy")


def test_reset_before_the_run_shows_anything_asks_again(qtbot, window):
    # One step a second: the run cannot show how it behaves before the reset.
    window.explorer.set_settings(window.settings.replace(speed=1.0), from_panel=False)
    window.load_lesson("overshoot")
    _answer(qtbot, window, "predictDiverge")
    assert window.predict.phase == "watching" and not _card(window).isVisible()
    assert window.explorer.running
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.predict.phase == "asking" and _card(window).isVisible()
    assert window.predict.answer is None


def test_the_card_reads_larger_than_the_window_and_follows_the_text_size(qtbot, window):
    window.load_lesson("overshoot")
    card = _card(window)
    for scale in (1.0, 1.5, 1.0):  # from 150 % on it keeps its size, as the plots' text
        window.set_zoom(scale)
        base = window.font().pointSizeF()
        question = card.findChild(QLabel, "predictQuestion")
        qtbot.waitUntil(lambda b=base, q=question: q.font().pointSizeF() >= 1.5 * b)
        answer = card.findChild(QPushButton, "predictConverge")
        assert answer.font().pointSizeF() >= 1.5 * base
        # The card stays inside the window, over the views.
        assert window.rect().contains(card.geometry())


def test_the_verdict_waits_for_the_run_to_stop_before_covering_the_views(qtbot, window):
    # Five steps a second: the oscillation shows by step 3, long before step 100.
    window.explorer.set_settings(window.settings.replace(speed=5.0), from_panel=False)
    window.load_lesson("overshoot")
    _answer(qtbot, window, "predictOscillate")
    qtbot.waitUntil(lambda: window.predict.phase == "decided", timeout=RUN_TIMEOUT)
    assert window.explorer.running and not _card(window).isVisible()
    assert window.statusBar().currentMessage().startswith("Right! It oscillated")
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause: now the class reads why
    assert not window.explorer.running
    assert window.predict.phase == "shown" and _card(window).isVisible()
    assert "between 1/L = 0.0267 and 2/L = 0.0533" in _text(window, "predictWhy")


def test_ask_again_puts_the_ball_back_and_asks_the_same_question(qtbot, window):
    _at_full_speed(window)
    window.load_lesson("slope-without-learning-rate")
    _answer(qtbot, window, "predictDiverge")
    qtbot.waitUntil(lambda: window.predict.phase == "shown", timeout=RUN_TIMEOUT)
    assert _text(window, "predictVerdict").startswith("Right! It diverged")
    assert "Learning rate 1 is above 2/L = 0.0533" in _text(window, "predictWhy")
    again = _card(window).findChild(QPushButton, "predictAgain")
    qtbot.mouseClick(again, Qt.MouseButton.LeftButton)
    assert window.predict.phase == "asking" and _card(window).isVisible()
    assert window.trajectory is None and window.predict.verdict is None
    assert _card(window).findChild(QPushButton, "predictConverge").isVisible()
