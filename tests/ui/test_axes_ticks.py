"""Every plot's ticks read as the real numbers: no "(x0.001)" factor in a label."""

import math

import pyqtgraph as pg
import pytest

RANGES = [(2e-4, 8e-4), (1e40, 5e40), (-3.5e-9, 1.5e-9), (123456.1, 123456.9)]


def _drawn_ticks(axis, size):
    """Return (value, string) of every labelled tick, as the axis draws them."""
    low, high = sorted(axis.range)
    pairs = []
    for spacing, values in axis.tickValues(low, high, size):
        strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        labelled = [(v, s) for v, s in zip(values, strings, strict=True) if s]
        assert len({s for _, s in labelled}) == len(labelled), labelled  # told apart
        pairs.extend(labelled)
    return sorted(pairs)


@pytest.mark.parametrize(("low", "high"), RANGES)
def test_every_plot_ticks_the_real_numbers(qtbot, window, low, high):
    plots = window.findChildren(pg.PlotWidget)
    assert len(plots) >= 5
    for plot in plots:
        item = plot.getPlotItem()
        item.getViewBox().setRange(xRange=(low, high), yRange=(low, high), padding=0)
        for side in ("bottom", "left"):
            axis = item.getAxis(side)
            if axis.logMode:
                continue  # log axes label decades in plain numbers already
            qtbot.waitUntil(lambda a=axis: abs(min(a.range) - low) <= 1e-6 * (high - low))
            assert "(x" not in axis.labelString(), (plot.objectName(), axis.labelString())
            size = axis.width() if side == "left" else axis.height()
            size = max(size, 400.0)
            ticks = _drawn_ticks(axis, size)
            assert len(ticks) >= 2, (plot.objectName(), side, ticks)
            span = high - low
            numbers = [float(s) for _, s in ticks]
            where = (plot.objectName(), side, [s for _, s in ticks])
            lo, hi = sorted(axis.range)
            assert all(lo - 1e-9 * span <= n <= hi + 1e-9 * span for n in numbers), where
            assert all(a < b for a, b in zip(numbers, numbers[1:], strict=False)), where
            assert all(len(s) <= 12 for _, s in ticks), where  # short enough to read


def test_tick_strings_are_short_exact_and_distinct():
    from gd_explorer.ui.views.items import tick_strings

    assert tick_strings([0.0002, 0.0004, 0.0006], 0.0002) == ["0.0002", "0.0004", "0.0006"]
    assert tick_strings([1e40, 2e40, 3e40], 1e40) == ["1e+40", "2e+40", "3e+40"]
    assert tick_strings([1.5e40, 2e40], 5e39) == ["1.5e+40", "2e+40"]
    assert tick_strings([-0.5, 0.0, 0.5], 0.5) == ["-0.5", "0.0", "0.5"]
    assert tick_strings([200.0, 400.0], 200.0) == ["200", "400"]
    close = tick_strings([1e20, 1e20 + 1e6], 1e6)
    assert len(set(close)) == 2 and all(math.isclose(float(s), 1e20, rel_tol=1e-12) for s in close)
    assert tick_strings([-1e-17, 0.1], 0.1) == ["0.0", "0.1"]  # no "-0.0"
