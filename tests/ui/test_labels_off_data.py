"""No label or legend sits on data: the history's optimum, the logistic classes' legend."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from pyqtgraph.graphicsItems.InfiniteLine import InfLineLabel
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QSlider

from gd_explorer.settings import SPEEDS

RUN_TIMEOUT = 60_000


def _run_lesson(qtbot, window, lesson):
    window.load_lesson(lesson)
    window.findChild(QSlider, "speedInput").setValue(SPEEDS.index(0))
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=RUN_TIMEOUT)
    qtbot.waitUntil(lambda: window.replay_slider.maximum() == window.trajectory.steps)


def _labels(plot):
    """Every visible piece of text the plot's scene shows."""
    kinds = (pg.TextItem, pg.LabelItem, InfLineLabel)
    return [
        item
        for item in plot.scene().items()
        if isinstance(item, kinds) and item.isVisible() and item.sceneBoundingRect().width() > 0
    ]


def _scene_points(view_box, items):
    """Scene positions of every drawn point of ``items`` inside the view box."""
    inside = view_box.sceneBoundingRect()
    points = []
    for item in items:
        if not item.isVisible():
            continue
        x, y = item.getData()
        if x is None:
            continue
        for px, py in zip(np.asarray(x), np.asarray(y), strict=True):
            if np.isfinite(px) and np.isfinite(py):
                here = view_box.mapViewToScene(QPointF(float(px), float(py)))
                if inside.contains(here):
                    points.append(here)
    return points


@pytest.mark.parametrize("lesson", ["overshoot", "stochastic"])
def test_the_history_labels_sit_off_the_cost_curve(qtbot, window, lesson):
    _run_lesson(qtbot, window, lesson)
    history = window.history
    view_box = history.getViewBox()
    view_box.updateAutoRange()
    history.grab()  # lays out and paints as the screen would
    curves = [history.curve, history.exact_curve, *history.run_curves]
    points = _scene_points(view_box, curves)
    assert len(points) > 10
    labels = _labels(history)
    for label in labels:
        rect = label.sceneBoundingRect()
        on = [p for p in points if rect.contains(p)]
        assert not on, (lesson, type(label).__name__, rect, len(on))
    title = history.getPlotItem().titleLabel
    assert title.isVisible() and "J* = " in title.text  # the optimum is still named


def test_no_legend_covers_a_class_point_added_where_it_was(qtbot, window):
    window.load_lesson("logistic-slope")
    view = window.data_view
    view_box = view.view_box
    qtbot.waitUntil(lambda: view.class0_item.getData()[0].size == 3)
    # Bottom right of the plot, on the class-0 row: where the legend used to sit.
    rect = view_box.sceneBoundingRect()
    corner = view_box.mapSceneToView(QPointF(rect.right() - 30, rect.bottom() - 30))
    target = view_box.mapViewToScene(QPointF(corner.x(), 0.0))
    qtbot.mouseClick(
        view.plot.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.plot.mapFromScene(target),
    )
    qtbot.waitUntil(lambda: len(window.dataset) == 9)
    view.grab()
    points = _scene_points(view_box, [view.points_item, view.class0_item])
    assert len(points) == 9
    radius = view.points_item.opts["size"] / 2
    for label in _labels(view.plot):
        if view_box.sceneBoundingRect().intersects(label.sceneBoundingRect()) and isinstance(
            label.parentItem(), pg.LegendItem
        ):
            pytest.fail("a legend sits inside the plot area")
        box = label.sceneBoundingRect().adjusted(-radius, -radius, radius, radius)
        on = [p for p in points if box.contains(p)]
        assert not on, (type(label).__name__, label.sceneBoundingRect(), on)
