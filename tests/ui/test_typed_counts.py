"""Whole numbers typed into the steps, batch and seed boxes are read whole or refused.

A plain spin box dropped each key it could not take: ``1e6`` became 16 steps and
``1e308`` became 1,308, without a word.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox


def type_into(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


@pytest.mark.parametrize(
    "typed, steps", [("1e6", 1_000_000), ("250", 250), ("4,000", 4_000), ("2 500", 2_500)]
)
def test_steps_are_read_in_any_notation(qtbot, window, typed, steps):
    type_into(qtbot, window.findChild(QSpinBox, "stepsInput"), typed)
    assert window.settings.steps == steps


@pytest.mark.parametrize("typed", ["1e308", "1e99", "2.5", "abc", "-3", "0"])
def test_steps_that_cannot_be_are_refused_with_a_message(qtbot, window, typed):
    box = window.findChild(QSpinBox, "stepsInput")
    before = window.settings.steps
    type_into(qtbot, box, typed)
    assert window.settings.steps == before
    assert box.value() == before
    message = window.statusBar().currentMessage()
    assert message.startswith(f"steps: {typed!r} is not a whole number between 1 and")
    assert f"kept {before:,}" in message


def test_a_seed_is_typed_whole_and_a_batch_too_large_is_refused(qtbot, window):
    window.controls.variant.setCurrentIndex(window.controls.variant.findData("minibatch"))
    assert window.settings.variant == "minibatch"  # seed and batch size are in use
    type_into(qtbot, window.findChild(QSpinBox, "seedInput"), "77")
    assert window.settings.seed == 77
    batch = window.findChild(QSpinBox, "batchSizeInput")
    type_into(qtbot, batch, "1e7")
    assert "batch size: '1e7' is not a whole number" in window.statusBar().currentMessage()


def test_the_learning_rate_box_refuses_the_same_way(qtbot, window):
    from PySide6.QtWidgets import QDoubleSpinBox

    type_into(qtbot, window.findChild(QDoubleSpinBox, "learningRateInput"), "1e308")
    assert window.settings.learning_rate == 0.01
    assert window.statusBar().currentMessage() == (
        "learning rate: '1e308' is not a number between 1e-06 and 10; kept 0.01"
    )
