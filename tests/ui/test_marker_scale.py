"""Presentation zoom for marks: ``set_marker_scale`` grows markers and lines from their base."""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from gd_explorer.ui import style
from gd_explorer.ui.surface_view import SurfaceCanvas, SurfaceFallback
from gd_explorer.ui.views import ContourView, CostCurveView, HistoryView
from gd_explorer.ui.views.data_view import DataView
from gd_explorer.ui.views.items import Marker, MarkerTrail


def _width(item):
    return item.opts["pen"].widthF()


def _scaled_three_ways(read, view):
    """Return what ``read`` gives at scales 1, 2 (set twice) and back to 1."""
    base = read()
    view.set_marker_scale(2.0)
    view.set_marker_scale(2.0)  # relative to the base: still twice, not four times
    doubled = read()
    view.set_marker_scale(1.0)
    return base, doubled, read()


def _assert_doubles(read, view):
    base, doubled, restored = _scaled_three_ways(read, view)
    assert doubled == pytest.approx([2 * b for b in base])
    assert restored == pytest.approx(base)


def test_marker_scales_from_its_base_layers(qtbot):
    marker = Marker([("o", 10, pg.mkPen("k", width=2), "r"), ("o", 16, None, "w")])
    side = marker.boundingRect().width()
    assert marker.size == 16
    marker.set_scale(2.0)
    marker.set_scale(2.0)
    assert marker.size == 32
    assert marker.boundingRect().width() > 1.9 * side
    assert [pen.widthF() for _, _, pen, _ in marker._layers][0] == 4
    marker.set_layers([("o", 12, pg.mkPen("k", width=2), "r")])  # a theme change keeps the scale
    assert marker.size == 24
    marker.set_scale(1.0)
    assert marker.size == 12


def test_marker_trail_scales_every_marker(qtbot):
    trail = MarkerTrail([[("o", 6, None, "r")], [("o", 12, None, "r")]])
    trail.set_scale(2.0)
    assert [m.size for m in trail.markers] == [12, 24]
    trail.set_scale(1.0)
    assert [m.size for m in trail.markers] == [6, 12]


def test_data_view_points_rings_and_lines(qtbot):
    view = DataView()
    qtbot.addWidget(view)
    scatters = (view.points_item, view.class0_item, view.sampled_item, view.selected_item)
    lines = (view.line_item, view.sigmoid_item, view.residuals_item)

    def read():
        return [s.opts["size"] for s in scatters] + [_width(s) for s in scatters + lines]

    assert view.points_item.opts["size"] == style.MARKER_SIZE
    _assert_doubles(read, view)


def test_data_view_keeps_the_scale_through_a_theme_change(qtbot):
    view = DataView()
    qtbot.addWidget(view)
    view.set_marker_scale(2.0)
    view.apply_theme(style.current_theme())
    assert view.points_item.opts["size"] == 2 * style.MARKER_SIZE
    assert _width(view.line_item) == 2 * style.LINE_WIDTH


def test_contour_markers_and_path(qtbot):
    view = ContourView()
    qtbot.addWidget(view)

    def read():
        markers = [view.ball.size, view.start.size, view.optimum.size]
        return [*markers, _width(view.path), view.path.opts["symbolSize"]]

    _assert_doubles(read, view)


def test_cost_curve_ball_trail_and_lines(qtbot):
    view = CostCurveView()
    qtbot.addWidget(view)

    def read():
        sizes = [view.ball.size] + [m.size for m in view.trail.markers]
        return sizes + [_width(item) for item in (view.curve, view.trail_line, view.tangent)]

    assert view.ball.size == style.MARKER_SIZE + 5
    _assert_doubles(read, view)
    view.set_marker_scale(2.0)
    view.apply_theme(style.current_theme())  # a theme change keeps the scale
    assert view.ball.size == 2 * (style.MARKER_SIZE + 5)
    assert _width(view.tangent) == 2 * style.LINE_WIDTH


def test_history_lines(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)

    def read():
        return [_width(view.curve), view.optimum_line.pen.widthF()]

    _assert_doubles(read, view)


def test_surface_ball_and_path(qtbot):
    canvas = SurfaceCanvas()

    def read():
        return [canvas._ball.size, canvas._path.width]

    _assert_doubles(read, canvas)
    SurfaceFallback("a test").set_marker_scale(2.0)  # accepted, and nothing to do
