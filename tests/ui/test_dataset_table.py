"""The dataset table: shows the data, refuses bad cells, reports edits as plain numbers."""

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTableView, QTableWidget

from gd_explorer.engine import Dataset, article_dataset
from gd_explorer.engine.dataset import ARTICLE_CLASSES
from gd_explorer.ui.views import DatasetTable
from gd_explorer.ui.views.dataset_table import DatasetModel

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole


@pytest.fixture
def table(qtbot):
    table = DatasetTable()
    qtbot.addWidget(table)
    table.resize(320, 480)
    with qtbot.waitExposed(table):
        table.show()
    table.set_dataset(article_dataset(), "linear")
    return table


@pytest.fixture
def edits(table):
    seen = []
    table.cellEdited.connect(lambda r, c, v: seen.append(("cell", r, c, v)))
    table.rowAdded.connect(lambda x, y: seen.append(("row", x, y)))
    table.rowsRemoved.connect(lambda rows: seen.append(("removed", rows)))
    table.editRejected.connect(lambda message: seen.append(("rejected", message)))
    return seen


def text(table, row, column, role=DISPLAY):
    return table.model().data(table.model().index(row, column), role)


def type_into(qtbot, table, row, column, typed):
    """Open the cell's editor as a user would, type, and press Return."""
    index = table.model().index(row, column)

    # An editor closed a moment ago may linger, hidden, until the event loop deletes it:
    # the one to type into is the visible one.
    def visible_editors():
        return [e for e in table.findChildren(QLineEdit) if e.isVisible()]

    table.setCurrentIndex(index)
    table.edit(index)
    qtbot.waitUntil(lambda: len(visible_editors()) == 1)
    editor = visible_editors()[0]
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_shows_the_data_with_a_new_row(table):
    assert table.objectName() == "datasetTable"
    assert table.model().rowCount() == 9
    assert [text(table, r, 1) for r in range(8)] == ["4", "3", "7", "7", "8", "10", "8", "11"]
    assert text(table, 8, 0) == "" and text(table, 8, 1) == ""
    header = table.model().headerData
    assert [header(c, Qt.Orientation.Horizontal) for c in (0, 1)] == ["x", "y"]
    assert header(8, Qt.Orientation.Vertical) == "new"


def test_display_is_compact_and_editing_has_full_precision(table):
    table.set_dataset(Dataset([1 / 3, 2.0], [123456789.0, 1e-12]), "linear")
    assert text(table, 0, 0) == "0.333333"
    assert text(table, 1, 1) == "1e-12"
    assert float(text(table, 0, 0, EDIT)) == 1 / 3
    assert float(text(table, 0, 1, EDIT)) == 123456789.0


def test_valid_edit_emits_cell_edited(qtbot, table, edits):
    type_into(qtbot, table, 2, 1, "7.25")
    assert edits == [("cell", 2, 1, 7.25)]
    assert text(table, 2, 1) == "7"  # unchanged until the window sends the new dataset


def test_typing_the_same_value_emits_nothing(qtbot, table, edits):
    type_into(qtbot, table, 0, 0, "1")
    assert edits == []


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "'abc' is not a number"),
        ("nan", "'nan' is not a finite number"),
        ("-inf", "'-inf' is not a finite number"),
        ("", "empty"),
        ("3,5", "use a point, not a comma"),
    ],
)
def test_bad_edit_is_refused_with_row_and_column(qtbot, table, edits, typed, reason):
    type_into(qtbot, table, 2, 1, typed)
    [(kind, message)] = edits
    assert kind == "rejected"
    assert message.startswith("row 3, y: ")
    assert reason in message
    assert text(table, 2, 1) == "7"  # the cell keeps its old value
    index = table.model().index(2, 1)
    assert table.model().data(index, Qt.ItemDataRole.ToolTipRole) == message
    assert table.model().data(index, Qt.ItemDataRole.BackgroundRole) is not None
    table.model().clear_flash()
    assert table.model().data(index, Qt.ItemDataRole.BackgroundRole) is None


def test_logistic_y_must_be_a_class(qtbot, table, edits):
    table.set_dataset(article_dataset(ARTICLE_CLASSES), "logistic")
    assert table.model().headerData(1, Qt.Orientation.Horizontal) == "y (class)"
    type_into(qtbot, table, 0, 1, "0.5")
    type_into(qtbot, table, 0, 1, "1")
    type_into(qtbot, table, 0, 0, "0.5")  # x may be anything
    assert edits[0][0] == "rejected" and "class 0 or 1" in edits[0][1]
    assert edits[1:] == [("cell", 0, 1, 1.0), ("cell", 0, 0, 0.5)]


def test_typing_a_new_row_emits_row_added_once_both_cells_are_valid(qtbot, table, edits):
    type_into(qtbot, table, 8, 0, "12")
    assert edits == []
    assert text(table, 8, 0) == "12"  # kept while y is missing
    type_into(qtbot, table, 8, 1, "oops")
    type_into(qtbot, table, 8, 1, "13.5")
    assert edits[0][0] == "rejected" and edits[0][1].startswith("new row, y: ")
    assert edits[1:] == [("row", 12.0, 13.5)]
    assert text(table, 8, 0) == ""


def test_window_answer_to_a_new_row_inserts_it(qtbot, table):
    type_into(qtbot, table, 8, 0, "12")
    type_into(qtbot, table, 8, 1, "13")
    table.set_dataset(article_dataset().with_point(12, 13), "linear")
    assert table.model().rowCount() == 10
    assert (text(table, 8, 0), text(table, 8, 1)) == ("12", "13")
    assert text(table, 9, 0) == ""


def test_selected_rows_and_delete_emit_rows_removed(qtbot, table, edits):
    select = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (3, 1, 8):  # the new-row line is not a data row
        select.select(table.model().index(row, 0), flags)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert edits == [("removed", [1, 3])]


def test_set_dataset_never_emits(table, edits):
    table.set_dataset(Dataset([0, 1, 2], [0, 1, 0]), "logistic")
    table.set_dataset(article_dataset(), "linear")
    table.set_dataset(article_dataset().with_point(0, 0), "linear")
    assert edits == []


def test_a_hundred_thousand_rows_are_read_lazily(qtbot, monkeypatch):
    calls = []
    original = DatasetModel.data

    def counting(self, index, role=DISPLAY):
        calls.append(index.row())
        return original(self, index, role)

    monkeypatch.setattr(DatasetModel, "data", counting)
    table = DatasetTable()  # made after the patch: PySide looks an override up once
    qtbot.addWidget(table)
    table.resize(320, 480)
    with qtbot.waitExposed(table):
        table.show()
    n = 100_000
    rng = np.random.default_rng(0)
    table.set_dataset(Dataset(rng.normal(size=n), rng.normal(size=n)), "linear")
    table.grab()  # paints now, reading only what is visible
    assert table.model().rowCount() == n + 1
    assert isinstance(table, QTableView) and not isinstance(table, QTableWidget)
    assert calls and max(calls) < 1000  # only the visible rows were read
    table.scrollToBottom()
    table.grab()  # paints now, reading only what is visible
    assert max(calls) == n  # the new-row line at the end


def test_a_million_rows_show_at_once_and_the_last_one_is_edited_in_place(qtbot, table, edits):
    n = 10**6
    rng = np.random.default_rng(4)
    data = Dataset(rng.normal(size=n), rng.normal(size=n))
    table.set_dataset(data, "linear")
    assert table.model().rowCount() == n + 1
    table.scrollToBottom()
    table.grab()
    last = table.model().headerData(n - 1, Qt.Orientation.Vertical)
    assert last == str(n) and text(table, n - 1, 1, EDIT) == repr(float(data.y[n - 1]))
    type_into(qtbot, table, n - 1, 1, "7.25")
    assert edits == [("cell", n - 1, 1, 7.25)]
    table.set_dataset(data.moved(n - 1, float(data.x[n - 1]), 7.25), "linear")  # the answer
    assert text(table, n - 1, 1, EDIT) == "7.25"
    assert table.verticalScrollBar().value() == table.verticalScrollBar().maximum()


@pytest.mark.parametrize("typed", ["1e308", "-1.5e101", "1e200"])
def test_a_value_whose_square_overflows_is_refused_in_its_cell(qtbot, table, edits, typed):
    type_into(qtbot, table, 2, 1, typed)
    [(kind, message)] = edits
    assert kind == "rejected"
    assert message.startswith("row 3, y: ")
    assert "±1e+100" in message and "square" in message
    assert text(table, 2, 1) == "7"
    index = table.model().index(2, 1)
    assert table.model().data(index, Qt.ItemDataRole.ToolTipRole) == message


def test_the_largest_allowed_value_is_taken(qtbot, table, edits):
    type_into(qtbot, table, 2, 1, "-1e100")
    assert edits == [("cell", 2, 1, -1e100)]
