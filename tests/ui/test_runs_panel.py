"""The runs panel alone: rows, colours, selection by the user only, actions and presets."""

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QApplication, QTableWidget, QToolButton

from gd_explorer.ui.runs_panel import COLUMNS, RunRow, RunsPanel

COLOURS = [QColor("#D55E00"), QColor("#0072B2"), QColor("#009E73"), QColor("#CC79A7")]
FOUR = [
    RunRow("Gradient descent", "running", 120, 0.7512345678, None),
    RunRow("Momentum", "converged", 4000, 0.6271551724, 312),
    RunRow("Adam", "max_steps", 4000, 0.63, 1890),
    RunRow("lr 0.06", "diverged", 17, 1.5e17, None),
]


@pytest.fixture
def panel(qtbot):
    runs = RunsPanel(COLOURS)
    qtbot.addWidget(runs)
    runs.resize(520, 260)
    with qtbot.waitExposed(runs):
        runs.show()
    runs.picked = []
    runs.runSelected.connect(runs.picked.append)
    return runs


def texts(panel):
    table = panel.findChild(QTableWidget, "runsTable")
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_one_row_per_run_with_colour_label_status_steps_cost_and_steps_to_optimum(panel):
    assert panel.objectName() == "runsPanel"
    panel.show_runs(FOUR)
    assert texts(panel) == [
        ["", "Gradient descent", "running", "120", "0.7512", "—"],
        ["", "Momentum", "converged", "4,000", "0.6272", "312"],
        ["", "Adam", "finished", "4,000", "0.63", "1,890"],
        ["", "lr 0.06", "diverged", "17", "1.5e+17", "—"],
    ]
    assert [panel.colour(i) for i in range(4)] == COLOURS
    header = panel.table.horizontalHeaderItem(COLUMNS.index("At J*"))
    assert "within 1e-06 of the optimal cost J*" in header.toolTip()


def test_colours_may_come_from_a_function_of_the_runs_slot(panel):
    asked = []

    def colour(slot):
        asked.append(slot)
        return COLOURS[slot]

    panel.set_colours(colour)
    panel.show_runs([RunRow("a", "ready", 0, 1.0, slot=3), RunRow("b", "ready", 0, 1.0)])
    assert panel.colour(0) == COLOURS[3]  # its slot, not its row
    assert panel.colour(1) == COLOURS[1]
    assert set(asked) == {3, 1}


def test_rows_beyond_the_colours_given_have_no_swatch_and_absurd_values_show(panel):
    panel.set_colours(COLOURS[:1])
    rows = [
        RunRow("a", "ready", 0, math.nan, -1),
        RunRow("b", "some state", 10**15, math.inf, 10**15),
        RunRow("c", "ready", 0, -math.inf),
    ]
    panel.show_runs(rows)
    assert panel.colour(0) == COLOURS[0] and panel.colour(1) is None
    assert [r[2:] for r in texts(panel)] == [
        ["ready", "0", "—", "—"],
        ["some state", "1,000,000,000,000,000", "∞", "1,000,000,000,000,000"],
        ["ready", "0", "−∞", "—"],
    ]


def test_updates_change_cells_in_place(panel):
    panel.show_runs(FOUR)
    items = [[panel.table.item(r, c) for c in range(len(COLUMNS))] for r in range(4)]
    moved = [RunRow(r.label, r.status, r.steps + 5, r.cost / 2, r.steps_to_optimum) for r in FOUR]
    panel.show_runs(moved)
    assert texts(panel)[0][3] == "125"
    assert [[panel.table.item(r, c) for c in range(len(COLUMNS))] for r in range(4)] == items
    panel.show_runs(moved[:2])  # a run removed: the others keep their cells
    assert panel.table.rowCount() == 2
    assert [panel.table.item(0, c) for c in range(len(COLUMNS))] == items[0]


def test_showing_runs_or_selecting_one_never_echoes_as_a_users_choice(panel):
    panel.show_runs(FOUR, selected=2)
    assert panel.selected() == 2
    panel.set_selected(1)
    panel.show_runs(FOUR[:1], selected=0)
    panel.set_selected(None)
    assert panel.selected() is None
    assert panel.picked == []


def test_a_click_or_a_key_selects_a_run(qtbot, panel):
    panel.show_runs(FOUR, selected=0)
    table = panel.table
    rect = table.visualItemRect(table.item(2, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.picked == [2]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert panel.picked == [2, 3]
    assert panel.selected() == 3


def test_the_buttons_show_the_actions_given(qtbot, panel):
    actions = [QAction(text, panel) for text in ("Add run", "Duplicate", "Remove", "Branch")]
    panel.set_actions(*actions)
    fired = []
    actions[3].triggered.connect(lambda: fired.append("branch"))
    actions[2].setEnabled(False)
    buttons = [
        panel.findChild(QToolButton, f"run{k}Button")
        for k in ("Add", "Duplicate", "Remove", "Branch")
    ]
    assert [b.text() for b in buttons] == ["Add run", "Duplicate", "Remove", "Branch"]
    assert not buttons[2].isEnabled()
    qtbot.mouseClick(buttons[3], Qt.MouseButton.LeftButton)
    assert fired == ["branch"]


def test_race_presets_are_offered_and_a_choice_leaves_as_its_id(qtbot, panel):
    button = panel.findChild(QToolButton, "racePresetsButton")
    assert button.text() == "Race presets" and not button.isEnabled()
    panel.set_presets([("variants", "Batch vs stochastic vs mini-batch"), ("rates", "Four rates")])
    assert button.isEnabled()
    menu = button.menu()
    assert [a.text() for a in menu.actions()] == [
        "Batch vs stochastic vs mini-batch",
        "Four rates",
    ]
    with qtbot.waitSignal(panel.presetChosen) as chosen:
        menu.actions()[1].trigger()
    assert chosen.args == ["rates"]
    panel.set_presets([])
    assert not button.isEnabled() and menu.actions() == []
    QApplication.processEvents()


def test_a_long_value_keeps_the_panel_width_and_shows_whole_in_its_tooltip(panel):
    # The panel shares the controls' narrow column: it must never widen it mid-run.
    panel.show_runs(FOUR)
    table = panel.table
    cost = COLUMNS.index("Cost")
    before, width = table.columnWidth(cost), table.minimumWidth()
    panel.show_runs([RunRow("a", "diverged", 10**12, -1.23456789e-300, 10**12)])
    item = table.item(0, cost)
    assert item.text() == "-1.235e-300"
    assert item.toolTip() == item.text()
    assert table.columnWidth(cost) == before and table.minimumWidth() == width
    # The widest cost the column is made for fits whole.
    assert table.columnWidth(cost) >= table.fontMetrics().horizontalAdvance("3.218e+101")


def test_a_diverged_status_takes_the_themes_error_colour(panel):
    from gd_explorer.ui import style

    panel.show_runs(FOUR)
    status = COLUMNS.index("Status")
    for theme in (style.DARK_CB, style.LIGHT):
        style.set_theme(theme.name)
        panel.apply_theme(theme)
        assert panel.table.item(3, status).foreground().color() == QColor(theme.error)
    assert panel.table.item(0, status).data(Qt.ItemDataRole.ForegroundRole) is None


def test_a_run_stopped_on_a_saddle_reads_at_saddle_with_the_sentence_below() -> None:
    from gd_explorer.ui.runs_panel import status_words

    sentence = "stopped at the saddle at (0, 0), which is not a minimum"
    assert status_words(sentence) == ("at saddle", sentence)


def test_every_status_word_fits_its_column_whole(panel):
    from PySide6.QtWidgets import QStyle

    from gd_explorer.ui.runs_panel import STATUS, STATUS_WORDS

    table = panel.table
    # A view item's text keeps this margin on either side (Qt's common style).
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    metrics = table.fontMetrics()
    for word in STATUS_WORDS.values():
        assert table.columnWidth(STATUS) >= metrics.horizontalAdvance(word) + 2 * margin, word
