"""Values whose squares overflow are refused where they are typed; the largest taken draws."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from gd_explorer.engine import MAX_MAGNITUDE


def type_into(qtbot, table, row, column, typed):
    index = table.model().index(row, column)

    def visible_editors():
        return [e for e in table.findChildren(QLineEdit) if e.isVisible()]

    table.scrollTo(index)
    table.setCurrentIndex(index)
    table.edit(index)
    qtbot.waitUntil(lambda: len(visible_editors()) == 1)
    editor = visible_editors()[0]
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_a_cell_of_1e308_is_refused_with_a_message_and_the_data_kept(qtbot, window):
    before = window.dataset
    type_into(qtbot, window.table, 2, 1, "1e308")
    assert window.dataset is before
    flash = window.table.model().flash
    assert flash is not None and flash[:2] == (2, 1)
    assert flash[2].startswith("row 3, y: 1e+308 is too large") and "±1e+100" in flash[2]
    assert window.statusBar().currentMessage() == flash[2]
    assert not window.undo_stack.canUndo()


@pytest.mark.parametrize("value", [MAX_MAGNITUDE, -MAX_MAGNITUDE])
def test_the_largest_value_taken_is_drawn_without_a_complaint(qtbot, window, capfd, value):
    capfd.readouterr()
    type_into(qtbot, window.table, 2, 1, repr(value))
    assert window.dataset.y[2] == value
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    window.action_run.trigger()
    qtbot.waitUntil(
        lambda: window.trajectory is not None and window.trajectory.status != "running",
        timeout=20_000,
    )
    steps = window.trajectory.steps
    qtbot.waitUntil(lambda: window.replay_slider.maximum() == steps)
    for step in sorted({0, 1, steps // 2, steps}):
        window.show_step(step)
        window.grab()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "pyqtgraph" not in err, err
    assert "nan" not in window.readout.values["cost"].text()
