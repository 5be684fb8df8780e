"""The window with a million rows: drawn decimated, edited through what is drawn, undoable."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QComboBox, QTableView

from gd_explorer.engine import Dataset
from gd_explorer.state import ExplorerState
from gd_explorer.ui.views.data_view import MAX_SHOWN_POINTS

MILLION = 10**6


def test_a_million_rows_are_shown_run_on_and_edited(qtbot, make_window):
    window = make_window()
    rng = np.random.default_rng(11)
    x = rng.uniform(0.0, 10.0, MILLION)
    data = Dataset(x, 0.85 * x + 2.6 + rng.normal(0.0, 1.0, MILLION), name="a million")
    window.explorer.change(
        "Open data", ExplorerState(data, (window.settings,))
    )  # as an opened file does
    assert window.dataset is data
    assert window.findChild(QTableView, "datasetTable").model().rowCount() == MILLION + 1
    view = window.data_view
    drawn_x, drawn_y = view.points_item.getData()
    assert len(drawn_x) == MAX_SHOWN_POINTS

    variant = window.findChild(QComboBox, "variantInput")
    variant.setCurrentIndex(variant.findData("stochastic"))
    window.action_step.trigger()
    qtbot.waitUntil(lambda: len(view.sampled_item.getData()[0]) == 1, timeout=10_000)
    ring_x, ring_y = view.sampled_item.getData()
    # The ring is on a point of the data (drawn or not).
    assert np.any((data.x == ring_x[0]) & (data.y == ring_y[0]))
    assert window.trajectory.steps == 1

    # Right-click in the middle of the cloud: the drawn point nearest the pointer is
    # removed, by its real row.
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    middle = view.view_box.mapViewToScene(QPointF((x0 + x1) / 2, 0.85 * (x0 + x1) / 2 + 2.6))
    pos = view.plot.mapFromScene(middle)
    here = view.view_box.mapSceneToView(view.plot.mapToScene(pos))
    px, py = view.view_box.viewPixelSize()
    pixels = np.hypot((drawn_x - here.x()) / px, (drawn_y - here.y()) / py)
    target = int(view._shown[int(np.argmin(pixels))])
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.RightButton, pos=pos)
    assert len(window.dataset) == MILLION - 1
    np.testing.assert_array_equal(window.dataset.x, np.delete(data.x, target))
    np.testing.assert_array_equal(window.dataset.y, np.delete(data.y, target))
    window.action_undo.trigger()
    assert window.dataset is data
