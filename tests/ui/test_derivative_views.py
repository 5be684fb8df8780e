"""The derivative and partial-derivative lesson views: slopes, table, refusals, drawing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QSlider, QTableWidget

from gd_explorer.ui.views.derivative import TABLE_DELTAS, DerivativeView
from gd_explorer.ui.views.partial import PartialDerivativeView


@pytest.fixture
def view(qtbot) -> DerivativeView:
    widget = DerivativeView()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def partial(qtbot) -> PartialDerivativeView:
    widget = PartialDerivativeView()
    qtbot.addWidget(widget)
    return widget


def test_object_names(view: DerivativeView, partial: PartialDerivativeView) -> None:
    assert view.objectName() == "derivativeView"
    assert view.findChild(QLineEdit, "functionInput") is not None
    assert view.findChild(QSlider, "deltaInput") is not None
    assert view.findChild(QTableWidget, "slopeTable") is not None
    assert view.plot.objectName() == "derivativePlot"
    assert view.point_input.objectName() == "pointInput"
    assert partial.objectName() == "partialDerivativeView"


def test_square_at_4_table_approaches_8(view: DerivativeView) -> None:
    view.set_function("x²")
    view.set_point(4.0)
    rows = view.table_rows()
    assert [delta for delta, _ in rows] == list(TABLE_DELTAS)
    for (_, slope), expected in zip(rows, [9, 8.1, 8.01, 8.001, 8.0001], strict=True):
        assert slope == pytest.approx(expected, abs=1e-9)
    errors = [abs(slope - 8) for _, slope in rows]
    assert errors == sorted(errors, reverse=True)
    assert view.tangent_slope == 8.0
    table = view.slope_table
    assert [table.item(r, 0).text() for r in range(5)] == ["1", "0.1", "0.01", "0.001", "0.0001"]
    assert [table.item(r, 1).text() for r in range(5)] == ["9", "8.1", "8.01", "8.001", "8.0001"]


def test_secant_slope_follows_delta(view: DerivativeView) -> None:
    view.set_function("x²")
    view.set_point(4.0)
    view.set_delta(0.5)
    assert view.secant_slope == pytest.approx(8.5)
    view.delta_input.setValue(view.delta_input.minimum())  # as a user would
    assert view.delta == pytest.approx(1e-4)
    assert view.secant_slope == pytest.approx(8.0001, abs=1e-9)


def test_linear_slope_is_2_for_every_delta(view: DerivativeView) -> None:
    view.set_function("2x")
    view.set_point(-3.0)
    assert view.tangent_slope == 2.0
    for delta in (2.0, 1.0, 0.3, 1e-4):
        view.set_delta(delta)
        assert view.secant_slope == pytest.approx(2.0, abs=1e-9)
    assert all(slope == pytest.approx(2.0, abs=1e-9) for _, slope in view.table_rows())


def test_typed_sine_tangent_at_0(view: DerivativeView, qtbot) -> None:
    view.function_input.clear()
    qtbot.keyClicks(view.function_input, "sin(x)")
    qtbot.keyClick(view.function_input, Qt.Key.Key_Return)
    view.set_point(0.0)
    assert view.tangent_slope == pytest.approx(1.0, abs=1e-8)
    assert view.function_choice.currentData() == "typed"
    assert view.error_label.text() == ""


def test_bad_typed_function_keeps_previous(view: DerivativeView, qtbot) -> None:
    assert view.set_function("x**3")
    view.set_point(2.0)
    before = view.table_rows()
    view.function_input.clear()
    qtbot.keyClicks(view.function_input, "__import__('os')")
    qtbot.keyClick(view.function_input, Qt.Key.Key_Return)
    assert "unknown function '__import__'" in view.error_label.text()
    assert view.table_rows() == before
    assert view.tangent_slope == pytest.approx(12.0, abs=1e-6)
    assert not view.set_function("x^2")
    assert "**" in view.error_label.text()
    assert view.table_rows() == before


def test_secant_and_points_drawn_through_both_points(view: DerivativeView) -> None:
    view.set_function("x²")
    view.set_point(1.5)
    view.set_delta(0.7)
    x0, x1 = 1.5, 2.2
    f0, f1 = x0**2, x1**2
    px, py = view.points.getData()
    np.testing.assert_allclose(px, [x0, x1])
    np.testing.assert_allclose(py, [f0, f1])
    sx, sy = view.secant.getData()
    line = np.polyfit(sx, sy, 1)
    np.testing.assert_allclose(np.polyval(line, [x0, x1]), [f0, f1], atol=1e-9)
    tx, ty = view.tangent.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(2 * x0)
    rx, ry = view.run.getData()
    np.testing.assert_allclose(rx, [x0, x1])
    np.testing.assert_allclose(ry, [f0, f0])
    vx, vy = view.rise.getData()
    np.testing.assert_allclose(vx, [x1, x1])
    np.testing.assert_allclose(vy, [f0, f1])


def test_log_outside_domain_is_a_gap(view: DerivativeView) -> None:
    assert view.set_function("log(x)")
    view.set_point(1.0)
    _, ys = view.curve.getData()
    assert np.isnan(ys).any() and np.isfinite(ys).any()
    assert view.tangent_slope == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("point", [(0.0, 0.0), (1.5, -2.0), (-4.0, 3.5)])
def test_plane_slopes_are_a_and_b(partial: PartialDerivativeView, point) -> None:
    partial.set_surface("plane")
    partial.set_plane(-1.5, 4.0, 2.5)
    partial.set_point(*point)
    assert partial.slope_x == -1.5
    assert partial.slope_y == 4.0
    assert "∂z/∂x = −1.5" in partial.caption_x.text()
    tx, ty = partial.tangent_x.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(-1.5)


@pytest.mark.parametrize("point", [(0.0, 0.0), (1.0, -0.5), (-2.0, 3.0)])
def test_curved_slopes_are_analytic(partial: PartialDerivativeView, point) -> None:
    partial.set_surface("curved")
    partial.set_point(*point)
    x0, y0 = point
    assert partial.slope_x == pytest.approx(2 * x0 + y0)
    assert partial.slope_y == pytest.approx(x0 + y0)
    # The slices really have those slopes at the point (a central difference of the curve).
    xs, zs = partial.slice_x.getData()
    assert np.gradient(zs, xs)[len(xs) // 2 - 1 : len(xs) // 2 + 1].mean() == pytest.approx(
        2 * x0 + y0, abs=1e-3
    )
    ty_x, ty_z = partial.tangent_y.getData()
    assert (ty_z[1] - ty_z[0]) / (ty_x[1] - ty_x[0]) == pytest.approx(x0 + y0)


def test_unknown_surface_refused(partial: PartialDerivativeView) -> None:
    with pytest.raises(ValueError, match="plane, curved"):
        partial.set_surface("saddle")
