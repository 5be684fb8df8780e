"""The dataset as an editable two-column table that reads the arrays lazily.

Like the plot, the table is passive: a valid edit leaves as a signal carrying
plain numbers, the window turns it into a new dataset and calls
:meth:`DatasetTable.set_dataset` back. A bad cell is refused with a message and
never stored.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolTip, QWidget

from gd_explorer.engine import Dataset
from gd_explorer.engine.dataset import MAGNITUDE_RULE, MAX_MAGNITUDE

LINEAR = "linear"
LOGISTIC = "logistic"
COLUMNS = ("x", "y")
FLASH_MS = 2500
"""How long a refused cell stays red with its message as tooltip."""

# Translucent, so both read on the light and the dark themes' table backgrounds.
_FLASH = QColor(230, 40, 40, 110)
_NEW_ROW = QColor(128, 128, 128, 45)

AnyIndex = QModelIndex | QPersistentModelIndex


def _compact(value: float) -> str:
    return f"{value:.6g}"


class DatasetModel(QAbstractTableModel):
    """Rows of a :class:`Dataset` plus one empty row for typing a new point.

    Cells are read from the dataset's arrays when the view asks, so a dataset of
    10⁵ rows costs nothing until it is scrolled through.

    Signals
    -------
    cellEdited(int, int, float)
        Row, column (0 = x, 1 = y) and the new finite value of an existing row.
    rowAdded(float, float)
        Both cells of the new row hold valid numbers: the point (x, y).
    editRejected(str)
        A typed value was refused; the message names the row and column.
    """

    cellEdited = Signal(int, int, float)
    rowAdded = Signal(float, float)
    editRejected = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self._kind = LINEAR
        self._pending: list[float | None] = [None, None]
        self._flash: tuple[int, int, str] | None = None
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self.clear_flash)

    @property
    def dataset(self) -> Dataset | None:
        """The dataset shown, or None before the first ``set_dataset``."""
        return self._dataset

    @property
    def kind(self) -> str:
        """The model kind, ``"linear"`` or ``"logistic"`` (y must be 0 or 1)."""
        return self._kind

    @property
    def flash(self) -> tuple[int, int, str] | None:
        """The refused cell (row, column, message) still marked, or None."""
        return self._flash

    def set_dataset(self, dataset: Dataset, kind: str = LINEAR) -> None:
        """Show ``dataset``; never emits an edit signal.

        Parameters
        ----------
        dataset : Dataset
            The rows to show.
        kind : {"linear", "logistic"}
            With ``"logistic"`` a y value other than 0 or 1 is refused.
        """
        if kind not in (LINEAR, LOGISTIC):
            raise ValueError(f"kind must be 'linear' or 'logistic', not {kind!r}")
        old = 0 if self._dataset is None else len(self._dataset)
        new = len(dataset)
        kind_changed = kind != self._kind
        if new == old + 1 and self._dataset is not None:
            # The usual result of typing a new row: insert, so the view keeps its place.
            self.beginInsertRows(QModelIndex(), old, old)
            self._dataset, self._kind = dataset, kind
            self._flash = None
            self.endInsertRows()
            self._changed(0, new)
        elif new == old:
            self._dataset, self._kind = dataset, kind
            self._changed(0, new)
        else:
            self.beginResetModel()
            self._dataset, self._kind = dataset, kind
            self._pending = [None, None]
            self._flash = None
            self.endResetModel()
        if kind_changed:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 1)

    def clear_flash(self) -> None:
        """Unmark the refused cell."""
        if self._flash is not None:
            row, column, _ = self._flash
            self._flash = None
            if row < self.rowCount():
                self._changed(row, row, column)

    # The Qt model interface.

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Return the number of data rows plus the new-row line."""
        if parent.isValid() or self._dataset is None:
            return 0
        return len(self._dataset) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Return 2: x and y."""
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Every cell, the new-row line included, is editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Return "x"/"y" across the top, 1-based row numbers down the side."""
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                if section == 1 and self._kind == LOGISTIC:
                    return "y (class)"
                return COLUMNS[section]
            return "new" if self._is_new_row(section) else str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Vertical:
            if self._is_new_row(section):
                return "Type x and y here to add a point"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return a cell: compact for display, full precision for editing."""
        if not index.isValid() or self._dataset is None:
            return None
        row, column = index.row(), index.column()
        flashed = self._flash is not None and self._flash[:2] == (row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = self._value(row, column)
            if value is None:
                return ""
            return _compact(value) if role == Qt.ItemDataRole.DisplayRole else repr(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if flashed:
                return _FLASH
            return _NEW_ROW if self._is_new_row(row) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if flashed:
                assert self._flash is not None
                return self._flash[2]
            if self._is_new_row(row):
                return "Type a number; the point is added when x and y are both filled in"
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Check a typed value and emit it; the model itself never changes here."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._dataset is None:
            return False
        row, column = index.row(), index.column()
        parsed = self._parse(row, column, value)
        if isinstance(parsed, str):
            self._refuse(row, column, parsed)
            return False
        self.clear_flash()
        if self._is_new_row(row):
            self._pending[column] = parsed
            x, y = self._pending
            if x is None or y is None:
                self._changed(row, row, column)
                return True
            self._pending = [None, None]
            self._changed(row, row)
            self.rowAdded.emit(x, y)
            return True
        if parsed != self._value(row, column):
            self.cellEdited.emit(row, column, parsed)
        return True

    # Helpers.

    def _is_new_row(self, row: int) -> bool:
        return self._dataset is not None and row == len(self._dataset)

    def _value(self, row: int, column: int) -> float | None:
        assert self._dataset is not None
        if self._is_new_row(row):
            return self._pending[column]
        return float((self._dataset.x, self._dataset.y)[column][row])

    def _where(self, row: int, column: int) -> str:
        place = "new row" if self._is_new_row(row) else f"row {row + 1}"
        return f"{place}, {COLUMNS[column]}"

    def _parse(self, row: int, column: int, value: Any) -> float | str:
        """Return the value as a float, or a message saying why it is refused."""
        where = self._where(row, column)
        text = str(value).strip() if value is not None else ""
        if not text:
            return f"{where}: empty; type a number"
        try:
            number = float(text)
        except ValueError:
            hint = "; use a point, not a comma, for decimals" if "," in text else ""
            return f"{where}: {text!r} is not a number{hint}"
        if not math.isfinite(number):
            return f"{where}: {text!r} is not a finite number"
        if abs(number) > MAX_MAGNITUDE:
            return f"{where}: {number:g} is too large: {MAGNITUDE_RULE}"
        if column == 1 and self._kind == LOGISTIC and number not in (0.0, 1.0):
            return f"{where}: logistic regression needs class 0 or 1, not {text!r}"
        return number

    def _refuse(self, row: int, column: int, message: str) -> None:
        self._flash = (row, column, message)
        self._flash_timer.start()
        self._changed(row, row, column)
        self.editRejected.emit(message)

    def _changed(self, first: int, last: int, column: int | None = None) -> None:
        last = min(last, self.rowCount() - 1)
        if last < first:
            return
        lo, hi = (0, 1) if column is None else (column, column)
        self.dataChanged.emit(self.index(first, lo), self.index(last, hi))


class DatasetTable(QTableView):
    """The dataset as an editable table of x and y (objectName ``datasetTable``).

    Signals
    -------
    cellEdited(int, int, float)
        Row, column (0 = x, 1 = y) and the new value; only for a finite number
        (and 0 or 1 for y in logistic mode).
    rowAdded(float, float)
        The last, empty row was filled in with valid x and y.
    rowsRemoved(list)
        The selected rows (ascending ``int`` row numbers) after Delete or Backspace.
    editRejected(str)
        A typed value was refused, e.g. ``"row 3, y: 'abc' is not a number"``; the
        cell keeps its old value, turns red for a moment and shows the message.
    """

    cellEdited = Signal(int, int, float)
    rowAdded = Signal(float, float)
    rowsRemoved = Signal(list)
    editRejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetTable")
        self.setAccessibleName("data table")
        self._model = DatasetModel(self)
        self.setModel(self._model)
        self._model.cellEdited.connect(self.cellEdited)
        self._model.rowAdded.connect(self.rowAdded)
        self._model.editRejected.connect(self._show_refusal)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows = self.verticalHeader()
        # Fixed heights: the view never measures 10⁵ rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def model(self) -> DatasetModel:
        """Return the table's model."""
        return self._model

    def set_dataset(self, dataset: Dataset, kind: str = LINEAR) -> None:
        """Show ``dataset``; never emits an edit signal.

        Parameters
        ----------
        dataset : Dataset
            The rows to show.
        kind : {"linear", "logistic", "function"}
            With ``"logistic"`` a y value other than 0 or 1 is refused. A function
            has no data: the table keeps the rows it shows, hidden, for the way back.
        """
        if kind == "function":
            return
        self._model.set_dataset(dataset, kind)

    def selected_rows(self) -> list[int]:
        """Return the data rows with a selected cell, ascending (the new-row line excluded)."""
        data = self._model.dataset
        if data is None:
            return []
        rows = {index.row() for index in self.selectionModel().selectedIndexes()}
        return sorted(r for r in rows if r < len(data))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete or Backspace removes the selected rows (outside an open editor)."""
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            rows = self.selected_rows()
            if rows:
                event.accept()
                self.rowsRemoved.emit(rows)
                return
        super().keyPressEvent(event)

    def _show_refusal(self, message: str) -> None:
        flash = self._model.flash
        if flash is not None and self.isVisible():
            rect = self.visualRect(self._model.index(flash[0], flash[1]))
            QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), message, self)
        self.editRejected.emit(message)
