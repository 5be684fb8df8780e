"""Narrow windows: numbers keep their size, titles wrap or shorten, nothing widens the window."""

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QScrollArea

from gd_explorer.engine import LinearRegression, article_dataset
from gd_explorer.ui.readout import ValueLabel
from gd_explorer.ui.views import CostCurveView
from gd_explorer.ui.views.items import fit_title


def test_long_readout_numbers_keep_their_size_and_never_widen_the_window(qtbot, window):
    window.resize(1280, 800)
    window.show_lessons()
    qtbot.waitUntil(lambda: window.lessons_dock.isVisible())
    QApplication.processEvents()
    width = window.width()
    # Six long numbers at once once pushed this window past a 1280-pixel screen.
    window.readout.show_step(
        123_456, 1_000_000, -1.23457e-05, (-123456.7, 9.87654e-12), 2.34567e-05, "max_steps"
    )
    QApplication.processEvents()
    assert window.width() == width
    values = window.readout.values.values()
    assert all(isinstance(value, ValueLabel) for value in values)
    assert window.readout.columns < 6, "the numbers fit on one line: the test tests nothing"
    for value in values:  # each at its size, and fits
        assert value.font().pointSizeF() == value.point_size
        assert value.fontMetrics().horizontalAdvance(value.text()) <= value.width() + 1


def test_a_title_longer_than_its_plot_wraps_and_the_plot_stays_in_its_view(qtbot):
    view = CostCurveView()
    qtbot.addWidget(view)
    # Narrow enough that even the shortest wording ("dJ/dm = …") does not fit on a line.
    view.resize(110, 300)
    with qtbot.waitExposed(view):
        view.show()
    view.set_problem(LinearRegression(article_dataset()))
    view.set_state([[0.0, 0.0], [0.123456, 0.654321]])  # a title of about 300 pixels
    QApplication.processEvents()
    item = view.getPlotItem()
    title = item.titleLabel
    one_line = title.item.document().clone()
    one_line.setTextWidth(-1)
    assert one_line.size().width() > view.viewport().width()  # it would not fit on one line
    assert title.itemRect().width() <= view.viewport().width()  # it reads in full, wrapped
    assert title.itemRect().height() <= title.size().height() + 1  # and is not cut below
    assert item.sceneBoundingRect().width() <= view.viewport().width() + 1


def test_larger_text_widens_the_controls_panel_instead_of_cutting_it_off(qtbot, window):
    window.resize(1920, 1080)
    panel = window.findChild(QScrollArea, "sidePanel")
    controls = panel.widget()
    for scale in (1.0, 1.6, 1.0):
        window.set_zoom(scale)
        QApplication.processEvents()
        qtbot.waitUntil(lambda: controls.width() <= panel.viewport().width())
        assert controls.width() >= controls.minimumSizeHint().width()


def test_a_title_takes_its_longer_wording_again_when_its_plot_grows(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(140, 300)
    with qtbot.waitExposed(plot):
        plot.show()
    item = plot.getPlotItem()
    long, short = "dashed: optimum J* = 0.6315", "J* = 0.6315"
    assert fit_title(item, [long, short]) == short
    plot.resize(900, 300)  # no view's own handler: the title follows the width by itself
    qtbot.waitUntil(lambda: item.titleLabel.text == long)
    fit_title(item, [])
    assert not item.titleLabel.isVisible()
