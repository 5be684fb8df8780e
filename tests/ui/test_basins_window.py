"""Scatter starts in the window: the dialog, progress and cancel, the basins on the contour."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox

from gd_explorer.engine import SURFACES
from gd_explorer.ui.views.basins import basin_colour

pytestmark = pytest.mark.filterwarnings("error")

TIMEOUT = 60_000
HIMMELBLAU = SURFACES["himmelblau"]


@pytest.fixture
def window(make_window):
    return make_window(use_gl=False)


def _settings(window, **changes) -> None:
    explorer = window.explorer
    explorer.set_settings(explorer.state.settings.replace(**changes), from_panel=False)


def _on_himmelblau(window, steps: int = 1000) -> None:
    _settings(window, model="function", surface="himmelblau", learning_rate=0.01, steps=steps)
    assert window.problem is HIMMELBLAU or window.problem.text == HIMMELBLAU.text


def _run_dialog(qtbot, window, per_side: int | None = None, count: int | None = None):
    action = window.findChild(QAction, "actionScatterStarts")
    assert action.isEnabled()
    action.trigger()
    dialog = window.scatter_starts.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    if per_side is not None:
        dialog.per_side.setValue(per_side)
    if count is not None:
        dialog.count.setValue(count)
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return dialog


def test_the_action_colours_the_contour_by_basin_and_a_new_problem_takes_it_away(qtbot, window):
    action = window.findChild(QAction, "actionScatterStarts")
    assert not action.isEnabled()  # least squares: one minimum
    assert "function" in action.toolTip()
    _on_himmelblau(window)
    assert action.isEnabled()
    overlay = window.contour.overlay
    assert not overlay.isVisible()
    _run_dialog(qtbot, window, per_side=20)
    progress = window.findChild(object, "basinsProgressPanel")
    qtbot.waitUntil(lambda: overlay.isVisible(), timeout=TIMEOUT)
    assert not progress.isVisible()
    image = overlay.image
    assert image.shape == (20, 20, 4)
    assert (image[..., 3] > 0).all() and (image[..., 3] < 255).all()  # the map shows through
    x0, x1, y0, y1 = HIMMELBLAU.domain
    for index, (x, y) in enumerate(HIMMELBLAU.minima):
        i, j = int((x - x0) / (x1 - x0) * 20), int((y - y0) / (y1 - y0) * 20)
        assert tuple(image[i, j, :3]) == basin_colour(index).getRgb()[:3]
    # Placed over the function's domain, under the contour lines.
    placed = overlay.mapRectToItem(window.contour.image.parentItem(), overlay.boundingRect())
    assert placed.left() == pytest.approx(x0) and placed.right() == pytest.approx(x1)
    assert placed.top() == pytest.approx(y0) and placed.bottom() == pytest.approx(y1)
    assert all(overlay.zValue() < curve.zValue() for curve in window.contour.isocurves)
    legend = window.scatter_starts.overlay.legend_texts()
    assert legend[0] == "gd, α 0.01, 1,000 steps"
    assert legend[1].startswith("minimum 1 (3, 2)")
    assert sum(text.startswith("minimum ") for text in legend) == 4
    # Above the map, not on it: a swatch and a share for each of the four basins, and
    # each minimum with its place in the map's tooltip.
    note = window.contour.legend_text
    assert note.startswith("basins") and all(f"</span>{k}" in note for k in range(1, 5))
    assert basin_colour(0).name() in note
    assert "minimum 1 (3, 2)" in window.contour.toolTip()

    _settings(window, model="linear")
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=TIMEOUT)
    assert not window.scatter_starts.overlay.legend_shown
    assert "</span>" not in window.contour.legend_text
    assert not action.isEnabled()


def test_random_starts_are_dots_coloured_by_basin(qtbot, window):
    _on_himmelblau(window)
    _run_dialog(qtbot, window, count=300)
    dots = window.scatter_starts.overlay.dots
    qtbot.waitUntil(lambda: dots.isVisible(), timeout=TIMEOUT)
    assert not window.contour.overlay.isVisible()
    result = window.scatter_starts.overlay.result
    assert len(result) == 300 and result.shape is None
    x, y = dots.getData()
    assert np.array_equal(np.column_stack([x, y]), result.starts)
    brushes = [spot.brush().color().getRgb() for spot in dots.points()]
    expected = [basin_colour(int(code)).getRgb() for code in result.minimum]
    assert brushes == expected
    assert len(set(result.minimum.tolist())) == 4


def test_escape_cancels_a_map_and_the_next_one_works(qtbot, window):
    _on_himmelblau(window, steps=10**6)
    explorer = window.explorer
    seen = []
    explorer.basinsProgress.connect(lambda done, total: seen.append(done))
    with qtbot.waitSignal(explorer.basinsDone, timeout=TIMEOUT) as done:
        _run_dialog(qtbot, window, per_side=100)
        progress = window.findChild(object, "basinsProgressPanel")
        qtbot.waitUntil(lambda: progress.isVisible() and max(seen, default=0) > 0, timeout=TIMEOUT)
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert not progress.isVisible()
    assert done.args[0] is None  # cancelled: no result
    assert not window.contour.overlay.isVisible()
    assert not window.findChild(QAction, "actionCancelBasins").isEnabled()
    _settings(window, steps=500)
    _run_dialog(qtbot, window, per_side=10)
    qtbot.waitUntil(lambda: window.contour.overlay.isVisible(), timeout=TIMEOUT)


def test_a_map_of_a_problem_left_behind_is_never_shown(qtbot, window):
    _on_himmelblau(window, steps=10**6)
    explorer = window.explorer
    with qtbot.waitSignal(explorer.basinsDone, timeout=TIMEOUT) as done:
        _run_dialog(qtbot, window, per_side=100)
        _settings(window, model="linear")  # cancels the map under way
    assert done.args[0] is None
    assert not window.contour.overlay.isVisible()
    assert not window.findChild(object, "basinsProgressPanel").isVisible()


def test_the_legend_names_few_minima_and_counts_many():
    from gd_explorer.engine import DescentConfig, basins, grid_starts
    from gd_explorer.ui.views.basins import LEGEND_MINIMA, legend_rows

    rastrigin = SURFACES["rastrigin"]
    result = basins(rastrigin, DescentConfig(0.002, 300), grid_starts(rastrigin.domain, 40))
    rows = legend_rows(result, 300)
    named = [text for _, text in rows if text.startswith("minimum ")]
    assert len(named) == LEGEND_MINIMA - 2
    assert named[0].startswith("minimum 1 (0, 0)")
    assert any("more minima (colours repeat)" in text for _, text in rows)
    himmelblau = basins(HIMMELBLAU, DescentConfig(0.05, 300), grid_starts(HIMMELBLAU.domain, 20))
    texts = [text for _, text in legend_rows(himmelblau, 300)]
    assert texts[-1].startswith("diverged or left")  # too large a rate for the walls
    assert (-2, texts[-1]) in legend_rows(himmelblau, 300)
