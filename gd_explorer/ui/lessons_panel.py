"""The walk through the article: one entry at a time, with Previous / Next and a list.

The panel is passive: it never loads anything. When the user moves to an entry it emits
``calculusChosen`` (``"derivative"`` or ``"partial"``) or ``lessonChosen`` (an id of
``gd_explorer.lessons``), and the window does the loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.lessons import LESSONS
from gd_explorer.ui import style

Kind = Literal["calculus", "lesson"]

#: Point sizes at scale 1.
TITLE_PT = 18
STEP_PT = 11
TEXT_PT = 15
LIST_PT = 12


@dataclass(frozen=True, slots=True)
class Entry:
    """One stop of the walk: what to show, and what the window should open for it.

    ``kind`` is ``"calculus"`` (``target`` is ``"derivative"`` or ``"partial"``) or
    ``"lesson"`` (``target`` is an id of ``gd_explorer.lessons``).
    """

    id: str
    title: str
    text: str
    kind: Kind
    target: str


_CALCULUS_ENTRIES = (
    Entry(
        "derivative",
        "The derivative as a slope",
        "The curve is f(x) = x², and the straight line cuts it at x₀ = 4 and at x₀ + Δ. "
        "Its slope is the rise f(x₀ + Δ) − f(x₀) divided by the run Δ. Drag Δ towards 0 "
        "and watch the secant's slope settle on 8 while the line turns into the tangent; "
        "the table lists the slope for smaller and smaller Δ. Move x₀ and the limit "
        "follows 2·x₀: that limit is the derivative. Try f(x) = 2x too, or type your own "
        "function.",
        "calculus",
        "derivative",
    ),
    Entry(
        "partial-derivatives",
        "Partial derivatives",
        "Here z depends on two inputs, x and y. Hold y fixed and walk along x: the slice "
        "is an ordinary curve, and its slope at the point is ∂z/∂x. Do the same along y "
        'for ∂z/∂y. Move the point and watch both slopes change: each answers "how much '
        'does z change for a unit step in this direction alone?". Gradient descent needs '
        "exactly these two numbers, one for the slope and one for the intercept.",
        "calculus",
        "partial",
    ),
)


def _lesson_order() -> tuple[Entry, ...]:
    """Return the engine lessons in their teaching order, each opening itself."""
    return tuple(
        Entry(lesson.id, lesson.title, lesson.text, "lesson", lesson.id) for lesson in LESSONS
    )


#: Every entry, in the order the article walks through them.
ENTRIES: tuple[Entry, ...] = _CALCULUS_ENTRIES + _lesson_order()

#: Entry id -> (kind, target): what the window opens for that entry.
ENTRY_TARGETS: dict[str, tuple[Kind, str]] = {e.id: (e.kind, e.target) for e in ENTRIES}

_INDEX = {entry.id: index for index, entry in enumerate(ENTRIES)}


class LessonsPanel(QWidget):
    """Title, "k of N", the text, Previous / Next and a list of every entry.

    Signals
    -------
    lessonChosen(str)
        The user moved to an entry that loads this ``gd_explorer.lessons`` id.
    calculusChosen(str)
        The user moved to an entry that opens this calculus view
        (``"derivative"`` or ``"partial"``).
    """

    lessonChosen = Signal(str)
    calculusChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonsPanel")
        self._index = 0
        self._scale = 1.0
        self._showing = False  # set while the list follows a programmatic move

        self.title = QLabel()
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        self.step_label = QLabel()
        self.step_label.setObjectName("lessonStep")
        self.text = QTextBrowser()
        self.text.setObjectName("lessonText")
        self.text.setOpenLinks(False)
        self.text.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.text.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)

        self.previous_button = QPushButton("◀ Previous")
        self.previous_button.setObjectName("lessonPrevious")
        self.previous_button.clicked.connect(self.go_previous)
        self.next_button = QPushButton("Next ▶")
        self.next_button.setObjectName("lessonNext")
        self.next_button.clicked.connect(self.go_next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)

        self.list = QListWidget()
        self.list.setObjectName("lessonList")
        self.list.setAccessibleName("all lessons")
        for index, entry in enumerate(ENTRIES, start=1):
            self.list.addItem(f"{index}. {entry.title}")
            self.list.item(index - 1).setToolTip(entry.title)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.currentRowChanged.connect(self._on_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.step_label)
        layout.addWidget(self.title)
        layout.addWidget(self.text, stretch=5)
        layout.addLayout(buttons)
        layout.addWidget(self.list, stretch=2)

        self._theme = style.current_theme()
        self.set_scale(1.0)
        self._show(0)

    # -- public API ---------------------------------------------------------------------

    @property
    def current(self) -> str:
        """The id of the entry shown."""
        return ENTRIES[self._index].id

    @staticmethod
    def entries() -> list[tuple[str, str]]:
        """Every entry as (entry id, title), in order."""
        return [(entry.id, entry.title) for entry in ENTRIES]

    def set_current(self, entry_id: str) -> None:
        """Show ``entry_id`` without emitting anything.

        An engine lesson id that is also an entry shows that entry.

        Raises
        ------
        KeyError
            If ``entry_id`` is not an entry.
        """
        if entry_id not in _INDEX:
            known = ", ".join(_INDEX)
            raise KeyError(f"no lesson entry {entry_id!r}; the entries are: {known}")
        self._show(_INDEX[entry_id])

    def set_scale(self, factor: float) -> None:
        """Scale every text by ``factor`` (presentation mode)."""
        self._scale = factor
        self.title.setStyleSheet(f"font-size: {TITLE_PT * factor:.1f}pt; font-weight: bold;")
        self.step_label.setStyleSheet(
            f"color: {self._theme.muted}; font-size: {STEP_PT * factor:.1f}pt;"
        )
        font = self.text.font()
        font.setPointSizeF(TEXT_PT * factor)
        self.text.setFont(font)
        self.text.document().setDefaultFont(font)
        for widget in (self.previous_button, self.next_button, self.list):
            widget_font = widget.font()
            widget_font.setPointSizeF(LIST_PT * factor)
            widget.setFont(widget_font)

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the step caption (the rest follows the application's palette)."""
        self._theme = theme
        self.set_scale(self._scale)

    def go_next(self) -> None:
        """Move to the next entry and emit for it (nothing at the last)."""
        if self._index + 1 < len(ENTRIES):
            self._choose(self._index + 1)

    def go_previous(self) -> None:
        """Move to the previous entry and emit for it (nothing at the first)."""
        if self._index > 0:
            self._choose(self._index - 1)

    # -- internals ----------------------------------------------------------------------

    def _choose(self, index: int) -> None:
        self._show(index)
        entry = ENTRIES[index]
        if entry.kind == "calculus":
            self.calculusChosen.emit(entry.target)
        else:
            self.lessonChosen.emit(entry.target)

    def _show(self, index: int) -> None:
        self._index = index
        entry = ENTRIES[index]
        self.title.setText(entry.title)
        self.step_label.setText(f"{index + 1} of {len(ENTRIES)}")
        self.text.setPlainText(entry.text)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < len(ENTRIES))
        if self.list.currentRow() != index:
            self._showing = True
            try:
                self.list.setCurrentRow(index)
            finally:
                self._showing = False

    def _on_row(self, row: int) -> None:
        if self._showing or row < 0 or row == self._index:
            return
        self._choose(row)


__all__ = ["ENTRIES", "ENTRY_TARGETS", "Entry", "LessonsPanel"]
