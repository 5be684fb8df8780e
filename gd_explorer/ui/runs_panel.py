"""The runs panel: one row per run racing on the problem, with its colour, and race presets.

Passive: ``show_runs`` draws what it is given, updating cells in place (it is called at
the screen's rate while runs race); only a user's click or keys leave as ``runSelected``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.engine.sweep import REACH_TOLERANCE
from gd_explorer.ui import style

COLUMNS = ("", "Run", "Status", "Steps", "Cost", "At J*")
COLUMN_TIPS = (
    "The run's colour on every view.",
    "The run's name.",
    "Whether the run is going, finished, converged or diverged.",
    "Steps taken so far.",
    "The cost at the last step.",
    f"The step at which the run came within {REACH_TOLERANCE:g} of the optimal cost J* "
    "(— if it has not yet).",
)
SWATCH, LABEL, STATUS, STEPS, COST, REACHED = range(len(COLUMNS))
#: The column titles that differ on a function: its value f and its lowest value f*.
FUNCTION_COLUMNS = {COST: "f", REACHED: "At f*"}
FUNCTION_TIPS = {
    STATUS: "Whether the run is going or has ended, and which minimum it ended at.",
    COST: "The function's value at the last step.",
    REACHED: f"The step at which the run came within {REACH_TOLERANCE:g} of the lowest "
    "value f* of the function (— if it has not yet).",
}
#: The engine's and the window's run states, in a learner's words.
STATUS_WORDS = {
    "max_steps": "finished",
    "converged": "converged",
    "diverged": "diverged",
    "running": "running",
    "paused": "paused",
    "ready": "ready",
}
#: How a run on a function that stopped early is said to have ended, by the start of the
#: engine's sentence; shown in the alarm colour like "diverged".
FELL_AWAY = ("fell away", "left the domain")
NO_VALUE = "—"
#: What the columns are first sized for (then widened for longer values).
COLUMN_SAMPLES = {2: "finished", 3: "10,000", 4: "3.218e+101", 5: "10,000"}
#: On a function the status says which minimum a run ended at, or that it fell away.
FUNCTION_SAMPLES = {**COLUMN_SAMPLES, 2: "min 4 of 4"}
#: What the name column is sized for; longer names are cut short with "…".
LABEL_SAMPLE = "momentum"
#: The table's type size against the window's: six columns share the controls' width.
TABLE_FONT_SCALE = 0.85
#: Pixels either side of a cell's text.
CELL_PADDING = 4

Colours = Sequence[QColor] | Callable[[int], QColor]


@dataclass(frozen=True, slots=True)
class RunRow:
    """What the panel shows of one run.

    Attributes
    ----------
    label : str
        The run's name.
    status : str
        A key of :data:`STATUS_WORDS` (shown in words) or any text.
    steps : int
        Steps taken so far.
    cost : float
        The cost at the last step.
    steps_to_optimum : int or None
        The first step within :data:`REACH_TOLERANCE` of the optimal cost; None (or a
        negative number) if not reached.
    slot : int or None
        The run's colour slot (stable while other runs come and go); None: its row.
    """

    label: str
    status: str
    steps: int
    cost: float
    steps_to_optimum: int | None = None
    slot: int | None = None


def number_text(value: float) -> str:
    """Return a cost as shown in a cell: four digits, ∞ or — for what is not a number."""
    if math.isnan(value):
        return NO_VALUE
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.4g}"


def status_words(status: str) -> tuple[str, str | None]:
    """Return a status as a cell shows it, and the whole sentence when it is one.

    A run on a function ends with a sentence ("reached minimum 3 of 4 at (3.58,
    −1.85)", "fell away (unbounded below) at step 40"): the cell shows its gist
    ("min 3 of 4", "fell away"), the sentence goes under the table.
    """
    if status in STATUS_WORDS:
        return STATUS_WORDS[status], None
    if status.startswith("reached "):
        which = status.removeprefix("reached ").split(" at ")[0]
        return ("minimum" if which == "the minimum" else which.replace("minimum", "min")), status
    for words in FELL_AWAY:
        if status.startswith(words):
            return words, status
    if status.startswith(("stopped at the saddle", "stopped at saddle")):
        return "at saddle", status
    return status, None


def _row_texts(row: RunRow) -> tuple[str, ...]:
    reached = row.steps_to_optimum
    return (
        "",
        row.label,
        status_words(row.status)[0],
        f"{row.steps:,}",
        number_text(float(row.cost)),
        NO_VALUE if reached is None or reached < 0 else f"{reached:,}",
    )


class RunsPanel(QWidget):
    """The runs, one row each; buttons for the run actions and a menu of race presets."""

    runSelected = Signal(int)  # a row the user picked
    presetChosen = Signal(str)  # a preset's id
    widthNeeded = Signal()  # the columns were sized anew (a new text size)

    def __init__(self, colours: Colours | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsPanel")
        self._colours: Colours = colours if colours is not None else ()
        self._rows: list[RunRow | None] = []
        self._swatches: list[int | None] = []  # the rgba each row's swatch shows
        self._items: list[list[QTableWidgetItem]] = []  # kept, to update in place
        self._icons: dict[int, QIcon] = {}
        self._kind = "linear"  # the problem's kind, which names and sizes the columns

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("runsTable")
        self.table.setAccessibleName("Runs")
        table = self.table
        table.setHorizontalHeaderLabels(COLUMNS)
        for column, tip in enumerate(COLUMN_TIPS):
            header_item = table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = table.horizontalHeader()
        # Not ResizeToContents: it measures every cell again at each change, which made a
        # live frame cost three times as much. Columns widen only when a text needs it.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(24)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._size_columns()
        table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.buttons: dict[str, QToolButton] = {}
        # Two short rows: the panel shares the controls' narrow column.
        button_row, second_row = QHBoxLayout(), QHBoxLayout()
        for row in (button_row, second_row):
            row.setContentsMargins(0, 0, 0, 0)
        for key in ("add", "duplicate", "remove", "branch"):
            button = QToolButton()
            button.setObjectName(f"run{key.capitalize()}Button")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.hide()  # until it has an action to show
            self.buttons[key] = button
            (second_row if key == "branch" else button_row).addWidget(button)
        button_row.addStretch(1)
        second_row.addStretch(1)
        self.presets = QToolButton()
        self.presets.setObjectName("racePresetsButton")
        self.presets.setText("Race presets")
        self.presets.setToolTip("Start a race set up to show one thing: pick a preset.")
        self.presets.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets.setMenu(QMenu(self.presets))
        self.presets.setEnabled(False)
        second_row.addWidget(self.presets)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(button_row)
        layout.addLayout(second_row)
        layout.addWidget(table, 1)
        # How runs on a function ended, in whole sentences (the cells hold their gist).
        self.outcomes = QLabel()
        self.outcomes.setObjectName("runOutcomes")
        self.outcomes.setWordWrap(True)
        outcome_policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        outcome_policy.setHeightForWidth(True)
        self.outcomes.setSizePolicy(outcome_policy)
        self.outcomes.hide()
        layout.addWidget(self.outcomes)

    # What the window sets.

    def set_actions(
        self, add: QAction, duplicate: QAction, remove: QAction, branch: QAction
    ) -> None:
        """Show these actions as the panel's buttons (their text, state and shortcuts)."""
        for key, action in zip(
            ("add", "duplicate", "remove", "branch"), (add, duplicate, remove, branch), strict=True
        ):
            button = self.buttons[key]
            button.setDefaultAction(action)
            button.show()

    def set_presets(self, presets: Sequence[tuple[str, str]]) -> None:
        """Offer these race presets, as (id, label) pairs, in the presets menu."""
        menu = self.presets.menu()
        menu.clear()
        for preset_id, label in presets:
            action = menu.addAction(label)
            action.setData(preset_id)
            action.triggered.connect(lambda _on=False, p=preset_id: self.presetChosen.emit(p))
        self.presets.setEnabled(bool(presets))

    def set_kind(self, kind: str) -> None:
        """Name the columns for the problem: its cost J, or a function's value f."""
        function = kind == "function"
        if kind != self._kind:
            self._kind = kind
            self._size_columns()
        names = FUNCTION_COLUMNS if function else {}
        tips = FUNCTION_TIPS if function else {}
        for column, title in enumerate(COLUMNS):
            item = self.table.horizontalHeaderItem(column)
            if item is not None:
                item.setText(names.get(column, title))
                item.setToolTip(tips.get(column, "") or COLUMN_TIPS[column])

    def set_colours(self, colours: Colours) -> None:
        """Colour each row's swatch: a colour per row, or a function of the run's slot."""
        self._colours = colours
        for index, row in enumerate(self._rows):
            if row is not None:
                self._show_swatch(index, row)

    def apply_theme(self, theme: style.Theme) -> None:
        """Redraw the status colours for ``theme``."""
        for index, row in enumerate(self._rows):
            if row is not None:
                self._show_status_colour(index, row)

    def show_runs(self, rows: Sequence[RunRow], selected: int | None = None) -> None:
        """Show ``rows``, changing only the cells that differ; select ``selected`` if given.

        Never emits ``runSelected``.
        """
        table = self.table
        blockers = (QSignalBlocker(table), QSignalBlocker(table.selectionModel()))
        if table.rowCount() != len(rows):
            self._resize(len(rows))
        for index, row in enumerate(rows):
            if self._rows[index] != row:
                self._show_row(index, row)
        if selected is not None:
            self._select(selected)
        del blockers
        self._show_outcomes()

    def _show_outcomes(self) -> None:
        """List the runs that ended with a sentence (on a function) under the table."""
        lines = []
        for row in self._rows:
            sentence = None if row is None else status_words(row.status)[1]
            if row is not None and sentence:
                lines.append(f"{row.label}: {sentence}")
        text = "\n".join(lines)
        if text != self.outcomes.text():
            self.outcomes.setText(text)
            self.outcomes.setVisible(bool(text))

    def set_selected(self, index: int | None) -> None:
        """Select row ``index`` (None: none) without emitting ``runSelected``."""
        blockers = (QSignalBlocker(self.table), QSignalBlocker(self.table.selectionModel()))
        self._select(index)
        del blockers

    def selected(self) -> int | None:
        """Return the selected row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def colour(self, index: int) -> QColor | None:
        """Return the colour row ``index``'s swatch shows, or None if it has none."""
        rgba = self._swatches[index] if 0 <= index < len(self._swatches) else None
        return None if rgba is None else QColor.fromRgba(rgba)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Size the columns again for a new text size (the window's zoom)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "table"):
            self._size_columns()

    # Inside.

    def _size_columns(self) -> None:
        """Make each column wide enough for its title and usual values, or what it shows."""
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * TABLE_FONT_SCALE)
        self.table.setFont(font)
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(SWATCH, metrics.height() + 2 * CELL_PADDING)
        samples = FUNCTION_SAMPLES if self._kind == "function" else COLUMN_SAMPLES
        for column, sample in samples.items():
            shown = [self._items[r][column].text() for r in range(len(self._items))]
            texts = (COLUMNS[column], sample, *shown)
            if column == STATUS:
                texts += tuple(STATUS_WORDS.values())  # "converged", "diverged" read whole
            width = max(metrics.horizontalAdvance(t) for t in texts) + 2 * CELL_PADDING
            self.table.setColumnWidth(column, width)
        label = metrics.horizontalAdvance(LABEL_SAMPLE) + 2 * CELL_PADDING
        # The wider status comes out of the names, so the panel keeps its width: it
        # shares the controls' column, which does not scroll sideways.
        wider = self.table.columnWidth(STATUS) - max(
            metrics.horizontalAdvance(t) + 2 * CELL_PADDING
            for t in (COLUMNS[STATUS], COLUMN_SAMPLES[STATUS])
        )
        shortest = metrics.horizontalAdvance("run 4") + 2 * CELL_PADDING
        label = max(label - max(wider, 0), shortest)
        self.table.setColumnWidth(LABEL, label)
        self._fit_width()

    def set_widest(self, width: int | None) -> None:
        """Let the table ask for at most ``width`` pixels (None: for every column).

        At large text sizes the window gives the panel a share of its width; the
        table then scrolls sideways rather than widening the panel over the plots.
        """
        self._widest = width
        self._fit_width()

    def _fit_width(self) -> None:
        """Ask for room for every column: the panel sits in a column of its own width."""
        table = self.table
        columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
        frame = 2 * table.frameWidth()
        widest = getattr(self, "_widest", None)
        scrolls = widest is not None and columns + frame > widest
        table.setMinimumWidth(widest if scrolls and widest is not None else columns + frame)
        policy = Qt.ScrollBarPolicy
        table.setHorizontalScrollBarPolicy(
            policy.ScrollBarAsNeeded if scrolls else policy.ScrollBarAlwaysOff
        )
        bar = table.horizontalScrollBar().sizeHint().height() if scrolls else 0
        # Room for four runs and no more: the controls come right under it.
        rows = table.verticalHeader().defaultSectionSize() * 4
        table.setFixedHeight(rows + table.horizontalHeader().sizeHint().height() + frame + bar)

    def _resize(self, count: int) -> None:
        table = self.table
        old = table.rowCount()
        table.setRowCount(count)
        del self._items[count:]
        for index in range(old, count):
            items = []
            for column in range(len(COLUMNS)):
                item = QTableWidgetItem()
                if column >= STEPS:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(index, column, item)
                items.append(item)
            self._items.append(items)
        self._rows = (self._rows + [None] * count)[:count]
        self._swatches = (self._swatches + [None] * count)[:count]

    def _show_row(self, index: int, row: RunRow) -> None:
        old = self._rows[index]
        old_texts = _row_texts(old) if old is not None else ("",) * len(COLUMNS)
        for column, (text, before) in enumerate(zip(_row_texts(row), old_texts, strict=True)):
            if text != before or old is None:
                item = self._items[index][column]
                item.setText(text)
                # The panel shares the controls' column: a longer text is cut short
                # with "…" rather than widening it, and shown whole as a tooltip.
                item.setToolTip(text)
        if old is None or old.status != row.status:
            # A status that is a sentence shows its gist; the tooltip says it whole.
            sentence = status_words(row.status)[1]
            self._items[index][STATUS].setToolTip(sentence or _row_texts(row)[STATUS])
        self._rows[index] = row
        if old is None or old.slot != row.slot:
            self._show_swatch(index, row)
        if old is None or old.status != row.status:
            self._show_status_colour(index, row)

    def _show_swatch(self, index: int, row: RunRow) -> None:
        colour = self._colour_of(index, row)
        rgba = None if colour is None else colour.rgba()
        if rgba == self._swatches[index]:
            return
        self._swatches[index] = rgba
        item = self._items[index][SWATCH]
        item.setIcon(QIcon() if rgba is None else self._icon(rgba))
        item.setToolTip(f"{row.label}'s colour" if rgba is not None else "")

    def _colour_of(self, index: int, row: RunRow) -> QColor | None:
        colours = self._colours
        slot = index if row.slot is None else row.slot
        if callable(colours):
            return QColor(colours(slot))
        return QColor(colours[index]) if index < len(colours) else None

    def _icon(self, rgba: int) -> QIcon:
        icon = self._icons.get(rgba)
        if icon is None:
            size = max(12, self.fontMetrics().height() - 4)
            pixmap = QPixmap(size, size)
            pixmap.fill(QColor.fromRgba(rgba))
            icon = self._icons[rgba] = QIcon(pixmap)
        return icon

    def _show_status_colour(self, index: int, row: RunRow) -> None:
        item = self._items[index][STATUS]
        if row.status == "diverged" or row.status.startswith(FELL_AWAY):
            item.setForeground(QColor(style.current_theme().error))
        else:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)

    def _select(self, index: int | None) -> None:
        table = self.table
        if index is None or not 0 <= index < table.rowCount():
            table.clearSelection()
            table.setCurrentIndex(QModelIndex())
            return
        table.selectRow(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.runSelected.emit(current.row())
