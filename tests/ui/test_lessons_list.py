"""The lessons list in the window: every entry opens what its title names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from gd_explorer.lessons import get_lesson
from gd_explorer.ui.lessons_panel import ENTRIES

#: The calculus window's tab for each calculus entry.
CALCULUS_TABS = {"derivative": 0, "partial": 1}


def _click_row(qtbot, widget: QListWidget, row: int) -> None:
    item = widget.item(row)
    widget.scrollToItem(item)
    rect = widget.visualItemRect(item)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_clicking_each_entry_loads_the_lesson_whose_title_is_shown(qtbot, window):
    window.lessons_dock.show()
    panel = window.lessons_panel
    widget = panel.list
    # From the last entry back to the first, so that every click is a change of row.
    for row in reversed(range(widget.count())):
        shown = widget.item(row).text().split(". ", 1)[1]
        _click_row(qtbot, widget, row)
        assert panel.title.text() == shown, f"row {row + 1}"
        entry = ENTRIES[row]
        if entry.kind == "calculus":
            tabs = window.show_calculus()
            assert tabs.currentIndex() == CALCULUS_TABS[entry.target], shown
            continue
        assert window.lesson_id is not None
        assert get_lesson(window.lesson_id).title == shown, f"row {row + 1}"
        assert window.windowTitle().startswith(f"{shown} — "), f"row {row + 1}"
        assert panel.current == entry.id
        assert widget.currentRow() == row
