"""Help → Mouse and keys: every mouse action of each view and every key of the window.

A row is named by what it does, never by an action's current text: the Redo action
says "Redo Add point" after a point was added, and Run says "Pause" while running.
The sheet's type follows the window's text size, a little larger, for a projector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from gd_explorer.ui.actions import ACTIONS

#: Key names as a learner reads them on the keyboard.
KEY_NAMES = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓", "-": "−"}
#: The sheet's text against the window's: the sheet is read from the back of a room.
TEXT_FACTOR = 1.15

#: What an action does, where its text changes with what it would do now.
_STABLE = {spec.name: spec.text.replace("&", "") for spec in ACTIONS} | {
    "actionRun": "Run or pause",
    "actionUndo": "Undo",
    "actionRedo": "Redo",
}

_PAN_AND_ZOOM = (
    ("Drag empty space", "Move the view"),
    ("Wheel", "Zoom in or out"),
    ("Right-drag", "Stretch or squeeze the view along each axis"),
    ("Click “A” in a corner", "Frame everything again"),
)

#: Each view: (its object name, its name on screen, ((gesture, what it does), …)); a
#: section without an object name says what marks mean.
MOUSE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "dataPlot",
        "The data (top left)",
        (
            ("Click", "Add a point there"),
            ("Shift+click", "Add a point of the other class (logistic regression)"),
            ("Drag a point", "Move it"),
            ("Right-click a point", "Remove it"),
            ("Click a point, then Delete", "Remove it (Esc lets it go)"),
            ("Drag empty space", "Move the view"),
            ("Wheel", "Zoom in or out"),
        ),
    ),
    (
        "contourPlot",
        "Cost from above",
        (("Click", "Move the selected run's start there"), *_PAN_AND_ZOOM),
    ),
    (
        "surfaceView",
        "3-D surface",
        (
            ("Drag", "Turn the surface"),
            ("Ctrl+drag, or middle-drag", "Slide the surface"),
            ("Wheel", "Nearer or further"),
            ("Ctrl+wheel", "Wider or narrower lens"),
        ),
    ),
    ("costCurvePlot", "Cost curve", _PAN_AND_ZOOM),
    ("historyPlot", "Cost per step", _PAN_AND_ZOOM),
    (
        "datasetTable",
        "The table",
        (
            ("Double-click a cell, or type", "Edit it (Enter keeps it, Esc drops it)"),
            ("Type in the last, empty row", "Add a point"),
            ("Select cells, then Delete", "Remove their rows"),
        ),
    ),
    (
        "",
        "What the data plot shows",
        (
            ("Grey lines", "Each point's error: its vertical gap to the line"),
            ("Gold rings", "The points the step shown used (stochastic and mini-batch)"),
        ),
    ),
    (
        "replaySlider",
        "Replay slider",
        (("Drag", "Show any step of the run in every view"),),
    ),
)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the sheet: the keys or the gesture, and what it does.

    ``view`` is the object name of the view a mouse row is about (empty for keys);
    ``action`` the object name of the action a key row is about (empty for mouse).
    """

    section: str
    keys: str
    does: str
    view: str = ""
    action: str = ""


def key_text(sequence: QKeySequence) -> str:
    """Return ``sequence`` as printed on the keys: Right as →, Ctrl+- as Ctrl+−."""
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    if text in KEY_NAMES:
        return KEY_NAMES[text]
    head, plus, last = text.rpartition("+")
    if plus and head and last in KEY_NAMES:
        return f"{head}+{KEY_NAMES[last]}"
    return text


def stable_name(action: QAction) -> str:
    """Return what ``action`` does, whatever its text says at the moment."""
    return _STABLE.get(action.objectName()) or action.text().replace("&", "")


def sheet_rows(actions: Iterable[QAction]) -> list[Row]:
    """Return the sheet's rows: the mouse, view by view, then every action with a key."""
    rows = [
        Row(title, gesture, does, view=view)
        for view, title, gestures in MOUSE
        for gesture, does in gestures
    ]
    seen: set[str] = set()
    for action in actions:
        name = action.objectName()
        if not action.shortcuts() or name in seen:
            continue
        seen.add(name)
        keys = ", ".join(key_text(k) for k in action.shortcuts())
        rows.append(Row("Keys", keys, stable_name(action), action=name))
    return rows


def sheet_html(rows: Iterable[Row]) -> str:
    """Return the rows as headed two-column tables (sizes relative to the body type)."""
    parts: list[str] = []
    section = None
    for row in rows:
        if row.section != section:
            if section is not None:
                parts.append("</table>")
            section = row.section
            parts.append(f"<h3>{escape(section)}</h3>")
            parts.append('<table cellspacing="0" cellpadding="4" width="100%">')
        parts.append(
            f'<tr><td width="40%"><b>{escape(row.keys)}</b></td><td>{escape(row.does)}</td></tr>'
        )
    if section is not None:
        parts.append("</table>")
    return "".join(parts)


class ShortcutsDialog(QDialog):
    """The help sheet: the mouse in every view, then every key, in readable type.

    Parameters
    ----------
    actions : iterable of QAction
        The window's actions; those without a key are left out.
    parent : QWidget, optional
        The window, whose text size the sheet follows.
    """

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Mouse and keys")
        self._rows = sheet_rows(actions)
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setOpenLinks(False)
        self.text.setHtml(sheet_html(self._rows))
        # A dialog is a window of its own: without this it keeps the default font
        # when the window's text is made larger.
        self.setAttribute(Qt.WidgetAttribute.WA_WindowPropagation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self._follow_font()
        self._fit_screen()

    def rows(self) -> list[Row]:
        """Return every row of the sheet, in order."""
        return list(self._rows)

    def keys(self) -> list[str]:
        """Return the keys column of the key rows, one entry per action."""
        return [row.keys for row in self._rows if row.action]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow the window's text size."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._follow_font()

    def _follow_font(self) -> None:
        parent = self.parentWidget()
        font = parent.font() if parent is not None else self.font()
        font.setPointSizeF(font.pointSizeF() * TEXT_FACTOR)
        self.text.setFont(font)
        self.text.document().setDefaultFont(font)

    def _fit_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        width = min(round(self.fontMetrics().averageCharWidth() * 90), room.width() * 9 // 10)
        self.resize(width, room.height() * 8 // 10)
