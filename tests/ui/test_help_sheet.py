"""Help → Mouse and keys: every mouse action and every key, in type that follows the text size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from gd_explorer.ui.shortcuts import stable_name

#: The views whose mouse actions the sheet must explain.
MOUSE_VIEWS = ("dataPlot", "contourPlot", "surfaceView", "costCurvePlot", "historyPlot")


def _open_with_f1(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.show_shortcuts()  # the one F1 opened, raised again
    qtbot.waitUntil(sheet.isVisible)
    return sheet


def test_f1_opens_the_sheet_from_the_help_menu(qtbot, window):
    action = window.findChild(QAction, "actionShortcuts")
    assert action.text() == "Mouse and keys"
    assert [k.toString() for k in action.shortcuts()] == ["F1"]
    menus = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    assert menus and action in menus[0].actions()
    sheet = _open_with_f1(qtbot, window)
    assert sheet.windowTitle() == "Mouse and keys"


def test_every_key_of_the_window_is_in_the_sheet_by_its_stable_name(qtbot, window):
    # A run's name changes to "Pause", Redo's to "Redo Add point": the sheet must not follow.
    window.data_view.pointAdded.emit(2.0, 9.0)
    window.action_run.setText("Pause")
    sheet = _open_with_f1(qtbot, window)
    rows = sheet.rows()
    keyed = [a for a in window.findChildren(QAction) if a.shortcuts()]
    assert len(keyed) > 20
    for action in keyed:
        name = stable_name(action)
        matches = [row for row in rows if row.action == action.objectName()]
        assert len(matches) == 1, action.objectName()
        assert matches[0].does == name
        for key in action.shortcuts():
            assert key.toString() and matches[0].keys, action.objectName()
    assert stable_name(window.action_redo) == "Redo"
    assert stable_name(window.action_run) == "Run or pause"
    text = sheet.text.toPlainText()
    for row in rows:
        assert "Add point" not in row.does and "Add point" not in row.keys
    assert "Redo Add point" not in text and "Pause" not in text.replace("Run or pause", "")


def test_the_sheet_lists_mouse_actions_for_each_view(qtbot, window):
    sheet = _open_with_f1(qtbot, window)
    rows = sheet.rows()
    for view in MOUSE_VIEWS:
        assert window.findChild(object, view) is not None, view
        gestures = [row.keys for row in rows if row.view == view]
        assert len(gestures) >= 2, view
    data = " ".join(row.keys for row in rows if row.view == "dataPlot")
    for gesture in ("Click", "Drag", "Right-click", "Shift+click", "Wheel"):
        assert gesture in data
    surface = " ".join(row.keys for row in rows if row.view == "surfaceView")
    assert "Drag" in surface and "Wheel" in surface
    contour = [row.does for row in rows if row.view == "contourPlot" and row.keys == "Click"]
    assert contour and "start" in contour[0]
    text = sheet.text.toPlainText()
    for row in rows:
        assert row.keys in text and row.does in text


def test_the_sheet_reads_at_least_as_large_as_the_window_and_follows_the_text_size(qtbot, window):
    sheet = _open_with_f1(qtbot, window)
    for scale in (1.0, 2.0, 0.8):
        window.set_zoom(scale)
        qtbot.waitUntil(
            lambda: sheet.text.font().pointSizeF() >= window.font().pointSizeF() - 1e-9
        )
        body = sheet.text.document().defaultFont().pointSizeF()
        assert body >= window.font().pointSizeF() - 1e-9
    window.set_zoom(1.0)


def test_the_data_hint_is_readable_and_points_to_the_sheet(window):
    hint = window.data_view.findChild(QLabel, "dataHint")
    assert hint.font().pointSizeF() >= window.font().pointSizeF() - 1e-9
    assert "F1" in hint.text()
