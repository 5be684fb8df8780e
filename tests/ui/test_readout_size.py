"""The read-out's numbers keep one size, short or long, and always fit their place."""

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

SHORT = (3, 30, 1.5, (0.5, 2.0), 0.25, "running")
LONG = (123_456, 1_000_000, 3.2289e20, (-123456.7, 0.000137054), 2.34567e-05, "max_steps")


def _sizes_and_fits(window):
    QApplication.processEvents()
    sizes, fits = {}, {}
    for name, label in window.readout.values.items():
        font = label.font()
        sizes[name] = (font.pointSizeF(), font.pixelSize())
        needed = QFontMetricsF(font).horizontalAdvance(label.text())
        fits[name] = (needed <= label.contentsRect().width() + 0.5, label.text(), needed)
    return sizes, fits


@pytest.mark.parametrize("lessons", [False, True])
def test_readout_numbers_keep_one_size_and_fit(qtbot, window, lessons):
    window.resize(1280, 800)
    if lessons:
        window.show_lessons()
        qtbot.waitUntil(lambda: window.lessons_dock.isVisible())
    QApplication.processEvents()
    width = window.width()
    window.readout.show_step(*SHORT)
    short_sizes, short_fits = _sizes_and_fits(window)
    window.readout.show_step(*LONG)
    long_sizes, long_fits = _sizes_and_fits(window)
    assert long_sizes == short_sizes
    assert len({size for size, _ in long_sizes.values()}) == 1  # one size for all numbers
    for fits in (short_fits, long_fits):
        assert all(fit for fit, _, _ in fits.values()), fits
    assert window.width() == width  # long numbers never widen the window
    texts = {name: label.text() for name, label in window.readout.values.items()}
    assert texts["cost"] == "3.2289e20" and texts["intercept"] == "0.000137054"


def test_the_numbers_of_a_fresh_window_stand_on_one_line_at_1280(qtbot, window):
    window.resize(1280, 800)
    QApplication.processEvents()
    assert window.readout.columns == 6


def test_the_fields_stand_in_rows_alike_never_five_and_one(qtbot, window):
    window.readout.show_step(*LONG)
    seen = set()
    for width in range(700, 1500, 20):
        window.resize(width, 800)
        QApplication.processEvents()
        seen.add(window.readout.columns)
    assert seen <= {6, 3, 2, 1} and len(seen) > 1, seen
