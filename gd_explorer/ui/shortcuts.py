"""The Help sheet listing every keyboard shortcut of the window."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

#: Key names as a learner reads them on the keyboard.
KEY_NAMES = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓", "-": "−"}


def key_text(sequence: QKeySequence) -> str:
    """Return ``sequence`` as printed on the keys: Right as →, Ctrl+- as Ctrl+−."""
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    if text in KEY_NAMES:
        return KEY_NAMES[text]
    head, plus, last = text.rpartition("+")
    if plus and head and last in KEY_NAMES:
        return f"{head}+{KEY_NAMES[last]}"
    return text


class ShortcutsDialog(QDialog):
    """A two-column table: the keys, and what they do.

    Parameters
    ----------
    actions : iterable of QAction
        The window's actions; those without a shortcut are left out.
    parent : QWidget, optional
        The window.
    """

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = [
            (", ".join(key_text(k) for k in action.shortcuts()), action.text().replace("&", ""))
            for action in actions
            if action.shortcuts()
        ]
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, text) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.resize(460, 420)

    def keys(self) -> list[str]:
        """Return the keys column, one entry per action."""
        items = (self.table.item(row, 0) for row in range(self.table.rowCount()))
        return [item.text() for item in items if item is not None]
