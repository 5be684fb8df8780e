"""The data plot frames the fitted line and the errors as well as the points."""

import numpy as np
from PySide6.QtWidgets import QApplication

from gd_explorer.ui.views import data_view


def _line_and_errors_in_view(view, m, b):
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    ends = [m * x0 + b, m * x1 + b]
    xs, ys = view.residuals_item.getData()
    data = view.dataset
    assert x0 <= data.x.min() and data.x.max() <= x1
    assert y0 <= data.y.min() and data.y.max() <= y1
    return all(y0 <= y <= y1 for y in ends), bool(len(ys)) and bool(
        np.all((ys >= y0) & (ys <= y1))
    )


def test_at_startup_the_line_y_0_and_every_error_are_in_view(qtbot, window):
    QApplication.processEvents()
    m, b = window.runs[0].config.init
    assert (m, b) == (0.0, 0.0)
    line, errors = _line_and_errors_in_view(window.data_view, m, b)
    assert line and errors
    title = window.data_view.plot.getPlotItem().titleLabel.text
    assert data_view.LINE_CUT_NOTE not in title


def test_a_flying_line_is_framed_within_a_cap_and_the_cut_is_said(qtbot, window):
    view = window.data_view
    data = view.dataset
    span = float(np.ptp(data.y))
    view.set_model((1e30, 0.0), "linear")  # a diverged run's line
    (_, _), (y0, y1) = view.view_box.viewRange()
    assert y1 - y0 <= (1.0 + 2.0 * data_view.LINE_REACH) * span * 1.5  # capped, not 1e31 tall
    assert data_view.LINE_CUT_NOTE in view.plot.getPlotItem().titleLabel.text
    view.set_model((0.8, 2.6), "linear")
    assert data_view.LINE_CUT_NOTE not in view.plot.getPlotItem().titleLabel.text
    line, errors = _line_and_errors_in_view(view, 0.8, 2.6)
    assert line and errors
