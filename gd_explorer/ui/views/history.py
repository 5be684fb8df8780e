"""The cost at each step on a log axis, with the optimum's cost as a dashed line.

On a function f(x, y), which may be negative or fall without bound, the view plots
f − f* on the log axis (f* the lowest known minimum) when there is a minimum, and f
itself on a linear axis when there is none (a saddle); the axis label says which.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gd_explorer.engine import Fit
from gd_explorer.framing import LIMIT
from gd_explorer.scene import MAX_RUNS, RunTrace, Scene
from gd_explorer.ui import style
from gd_explorer.ui.views.items import ReadableAxis, ViewFrame, fit_title

OBJECT_NAME = "historyPlot"

#: Most vertices drawn, however many steps.
MAX_POINTS = 4000
#: Most vertices drawn for a run that is not the selected one: a race of four must not
#: cost four times one run's painting (300 min-max pairs: about one per pixel column).
OTHER_POINTS = 600
#: A cost of exactly 0 (a perfect fit) has no logarithm: it is drawn this many times below
#: the smallest positive cost, and a note says so.
ZERO_BELOW = 10.0
Y_LABEL = "cost J (log scale)"
#: How the title names the dashed line; a narrow plot drops the words and keeps J*.
OPTIMUM_PREFIX = "dashed: optimum "
#: What is plotted: the cost (regression), f − f* (a function with a minimum), f itself.
COST, GAP, VALUE = "cost", "gap", "value"
Y_LABELS = {COST: Y_LABEL, GAP: "f \N{MINUS SIGN} f* (log scale)", VALUE: "f (linear scale)"}
#: How the note names a value at or below the log axis's floor.
ZERO_NAMES = {COST: "a cost of 0", GAP: "f = f* (or below)", VALUE: ""}
#: Room made past the last step and the lowest cost when the view moves, as a fraction
#: of what is shown (decades, on the log axis).
X_HEADROOM = 0.25
MIN_STEPS_SHOWN = 10.0
Y_HEADROOM = 0.1
#: Width in pixels of the cost line and the optimum's line, before scaling.
LINE_WIDTH = 2.5
#: Opacity (of 255) of the line of batch losses, drawn under the exact costs.
FAINT_ALPHA = 80
#: Size in pixels of the dots at exact costs, before scaling.
DOT_SIZE = 6
#: Above the plot when some costs are only the loss of the rows a step used (the batch
#: loss), never on the data.
MIXED_TITLE = "faint: batch loss · dots: exact cost"


def envelope(values: ArrayLike, max_points: int = MAX_POINTS) -> tuple[NDArray, NDArray]:
    """Return at most ``max_points`` (step, value) pairs that keep every spike visible.

    Long series are cut into equal bins (a power of two long, so the bins stay put as
    the series grows) and each bin is drawn as its minimum and maximum, the way a
    waveform is drawn. The first and last values are always included, exactly.

    Parameters
    ----------
    values : array_like, shape (n,)
        The series, one value per step.
    max_points : int
        The most pairs to return (at least 8).

    Returns
    -------
    steps, values : ndarray
        The points to draw.
    """
    return Envelope(max_points)(values)


def _bin_size(n: int, max_points: int) -> int:
    bins = (max_points - 4) // 2
    return 1 << math.ceil(math.log2(n / bins))


class Envelope:
    """:func:`envelope` for a series that grows between calls, reusing the bins it has done.

    A run's history only grows, and the bins it is cut into stay put, so only the bins
    finished since the last call are new (and when the bin length doubles, pairs of old
    bins merge). The envelope of a run of 10⁷ steps then costs a tenth of a millisecond
    a frame instead of fifteen. A series that is not the last one grown (a new run) is
    told apart by its first value and the extremes of the bins kept, which are checked
    in place; then everything is measured again.

    Parameters
    ----------
    max_points : int
        The most pairs to return (at least 8).
    """

    def __init__(self, max_points: int = MAX_POINTS) -> None:
        self.max_points = max_points
        self._forget()

    def _forget(self) -> None:
        self._first = math.nan
        self._size = 0  # the bin length of the kept bins
        self._lows = np.empty(0)
        self._highs = np.empty(0)
        self._low_at = np.empty(0, dtype=np.intp)  # where each kept extreme is, to check
        self._high_at = np.empty(0, dtype=np.intp)

    def __call__(self, values: ArrayLike) -> tuple[NDArray, NDArray]:
        """Return the envelope of ``values``, as :func:`envelope` does."""
        y = np.asarray(values, dtype=np.float64).ravel()
        n = len(y)
        if n <= self.max_points:
            return np.arange(n, dtype=np.float64), y
        size = _bin_size(n, self.max_points)
        full = n // size * size
        self._update(y, size, full)
        low, high = self._lows, self._highs
        start = np.arange(0, full, size, dtype=np.float64)
        if full < n:  # the unfinished last bin
            tail = y[full:]
            low = np.append(low, tail.min())
            high = np.append(high, tail.max())
            start = np.append(start, float(full))
        steps = np.empty(2 * len(start) + 2)
        out = np.empty_like(steps)
        steps[0], out[0] = 0.0, y[0]
        steps[1:-1:2], steps[2:-1:2] = start, start
        out[1:-1:2], out[2:-1:2] = low, high
        steps[-1], out[-1] = n - 1, y[-1]
        return steps, out

    def _update(self, y: NDArray[np.float64], size: int, full: int) -> None:
        """Bring the kept bins up to the ``full // size`` finished bins of ``y``."""
        if not self._still_holds(y, size):
            self._forget()
        if self._size != size:
            self._merge(size)
        done = len(self._lows) * size
        if done > full:  # a shorter series of the same run would need bins dropped
            self._forget()
            self._size, done = size, 0
        if done == full:
            return
        blocks = y[done:full].reshape(-1, size)
        rows = np.arange(len(blocks))
        offsets = done + rows * size
        low_at = offsets + blocks.argmin(axis=1)
        high_at = offsets + blocks.argmax(axis=1)
        self._low_at = np.concatenate([self._low_at, low_at])
        self._high_at = np.concatenate([self._high_at, high_at])
        self._lows = np.concatenate([self._lows, y[low_at]])
        self._highs = np.concatenate([self._highs, y[high_at]])
        self._first = float(y[0])

    def _still_holds(self, y: NDArray[np.float64], size: int) -> bool:
        if not len(self._lows):
            return True
        last = max(self._low_at.max(), self._high_at.max())
        if size < self._size or len(y) <= last or y[0] != self._first:
            return False
        return bool(
            np.array_equal(y[self._low_at], self._lows, equal_nan=True)
            and np.array_equal(y[self._high_at], self._highs, equal_nan=True)
        )

    def _merge(self, size: int) -> None:
        """Turn the kept bins into bins of length ``size`` (a power of two longer)."""
        if not len(self._lows) or size % self._size:
            self._forget()
            self._size = size
            return
        while self._size < size:
            pairs = len(self._lows) // 2
            self._lows, self._low_at = _pick(self._lows, self._low_at, pairs, np.less)
            self._highs, self._high_at = _pick(self._highs, self._high_at, pairs, np.greater)
            self._size *= 2


def _pick(
    values: NDArray[np.float64], where: NDArray[np.intp], pairs: int, better: np.ufunc
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Return the better value of each of the first ``pairs`` pairs, and where it was.

    A NaN wins, as it does in ``min`` and ``max``.
    """
    first, second = values[0 : 2 * pairs : 2], values[1 : 2 * pairs : 2]
    take = better(second, first) | (np.isnan(second) & ~np.isnan(first))
    return (
        np.where(take, second, first),
        np.where(take, where[1 : 2 * pairs : 2], where[0 : 2 * pairs : 2]),
    )


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def format_number(value: float) -> str:
    """Return ``value`` with 4 significant digits, a true minus sign and a short exponent.

    Parameters
    ----------
    value : float
        The number.

    Returns
    -------
    str
        E.g. ``"0.8448"``, ``"−5.033e−5"``, ``"5.476e7"``.
    """
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "\N{MINUS SIGN}")


class LogAxis(ReadableAxis):
    """A log axis that labels only 1, 2 and 5 times a power of ten, in plain numbers."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Return a label for each tick at ``10**value`` (blank for the unlabelled ones).

        Parameters
        ----------
        values : list of float
            Tick positions, as powers of ten.
        scale : float
            Ignored (the SI prefix is off).
        spacing : float
            Ignored.

        Returns
        -------
        list of str
            One label per tick.
        """
        labels = []
        for power in values:
            decade = math.floor(power + 1e-9)
            mantissa = round(10.0 ** (power - decade), 6)
            if mantissa not in (1.0, 2.0, 5.0):
                labels.append("")
            elif -3 <= decade <= 4:
                labels.append(f"{mantissa * 10.0**decade:g}")
            else:
                ten = "10" + str(decade).translate(_SUPERSCRIPT)
                labels.append(ten if mantissa == 1.0 else f"{mantissa:g}·{ten}")
        return labels


class HistoryView(pg.PlotWidget):
    """Cost per step on a log axis, with the optimum's cost as a dashed line.

    Passive: ``set_history`` only draws.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    curve : pg.PlotDataItem
        The cost per step (its displayed y data are log10 of the drawn costs); faint
        when some of them are only the loss of the rows a step used.
    exact_curve : pg.PlotDataItem
        The exact costs, as a line with dots, shown only beside such losses.
    optimum_line : pg.InfiniteLine
        The optimum's cost.
    floor : float
        The floor costs were clamped to in the last update, or 0 if none were.
    run_curves : list of pg.PlotCurveItem
        One per run slot: the cost curve of each run that is not the selected one (its
        data are log10 of the drawn costs, as the selected run's displayed data are).
    run_exact_curves : list of pg.PlotDataItem
        One per run slot: the exact-cost dots beside batch losses of
        each run that is not the selected one, under the selected run's; hidden for
        the selected slot and unused slots.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            background=style.current_theme().background,
            axisItems={"left": LogAxis("left")},
        )
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("cost at each step, log scale")
        style.style_plot(self, "step", Y_LABEL)
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.setLogMode(x=False, y=True)
        self._optimum: float | None = None
        self.floor = 0.0
        # What the plot states (the optimum's cost, where a cost of 0 is drawn) goes in
        # the title line above the plot: inside it, a label sat on the end of the curve.
        self._note_text = ""
        self._optimum_text = ""
        self._envelope = Envelope()
        self._shown: tuple[float | None, float] | None = None
        self._steps = np.empty(0)
        self._values = np.empty(0)
        self._marker_scale = 1.0
        self._theme = style.current_theme()
        self.curve = pg.PlotDataItem(pen=pg.mkPen(style.FIT, width=LINE_WIDTH))
        self.exact_curve = pg.PlotDataItem(symbol="o")
        self.exact_curve.setVisible(False)
        self._run_slot = 0
        # Plain curves given their logarithms: lighter to update than a PlotDataItem.
        self.run_curves = [pg.PlotCurveItem() for _ in range(MAX_RUNS)]
        self.run_exact_curves = [pg.PlotDataItem(symbol="o") for _ in range(MAX_RUNS)]
        self._run_envelopes = [Envelope(OTHER_POINTS) for _ in range(MAX_RUNS)]
        self._run_mixed = [False] * MAX_RUNS
        self._run_shown: list[tuple[object, ...] | None] = [None] * MAX_RUNS
        self._others_values: list[NDArray[np.float64]] = []  # counted in the zero floor
        self._line: float | None = None
        self._mixed = False
        self._fit_note = ""
        self._mode = COST
        #: Subtracted from every cost drawn: f* in the GAP mode, else 0.
        self._offset = 0.0
        self._function_note = ""
        # The view frames the steps so far and the costs, with room to the right: a
        # growing history moves the axes now and then, not at every step.
        self._frame = ViewFrame(headroom=(X_HEADROOM, Y_HEADROOM))
        self.addItem(self._frame)
        for item in (*self.run_curves, *self.run_exact_curves):
            item.setVisible(False)
            self.addItem(item, ignoreBounds=True)
        self.addItem(self.curve, ignoreBounds=True)
        self.addItem(self.exact_curve, ignoreBounds=True)
        self.optimum_line = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen(style.OPTIMUM, width=LINE_WIDTH, style=Qt.PenStyle.DashLine),
        )
        self.optimum_line.setVisible(False)
        self.addItem(self.optimum_line, ignoreBounds=True)
        self.apply_theme(style.current_theme())

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the plot, the curve, the optimum's line and the labels."""
        style.theme_plot(self, theme)
        self._theme = theme
        self._style_lines()
        self._show_title()

    def set_marker_scale(self, factor: float) -> None:
        """Draw the cost line and the optimum's line ``factor`` times their base width.

        Relative to the base widths, so 2 twice is still 2 and 1 restores them.

        Parameters
        ----------
        factor : float
            The scale; the presentation zoom passes its own.
        """
        factor = float(factor)
        if factor != self._marker_scale:
            self._marker_scale = factor
            self._style_lines()

    @property
    def marker_scale(self) -> float:
        """Return the factor the lines are drawn at."""
        return self._marker_scale

    def _style_lines(self) -> None:
        theme, k = self._theme, self._marker_scale
        colour = style.run_colour(self._run_slot, theme)
        _style_curves(self.curve, self.exact_curve, colour, self._mixed, k)
        for slot in range(MAX_RUNS):
            self._style_run(slot)
        self.optimum_line.setPen(
            pg.mkPen(theme.optimum, width=LINE_WIDTH * k, style=Qt.PenStyle.DashLine)
        )

    def _style_run(self, slot: int) -> None:
        _style_curves(
            self.run_curves[slot],
            self.run_exact_curves[slot],
            style.run_colour(slot, self._theme),
            self._run_mixed[slot],
            self._marker_scale,
        )

    def set_fit(self, fit: Fit) -> None:
        """Say above the plot when the optimum is not a unique exact minimum, and why.

        Parameters
        ----------
        fit : Fit
            The reference fit of the problem shown (its message is the tooltip).
        """
        if not fit.exists:
            note = "no finite optimum"
        elif not fit.unique:
            note = "slope undetermined"
        else:
            note = ""
        self.setToolTip(fit.message if note else "")
        if note != self._fit_note:
            self._fit_note = note
            self._show_title()

    @property
    def title_text(self) -> str:
        """Return what the line above the plot says, as plain text ("" when hidden)."""
        return " — ".join(self._title_parts())

    def _title_parts(self) -> list[str]:
        mixed = self._mixed or any(self._run_mixed)
        # On a function (no rows) a cost not exact is one past the doubles or undefined.
        parts = [MIXED_TITLE] if mixed and self._mode == COST else []
        note = self._fit_note if self._mode == COST else self._function_note
        if note:
            parts.append(note)
        if self._optimum_text:
            parts.append(self._optimum_text)
        if self._note_text:
            parts.append(self._note_text)
        return parts

    def _show_title(self) -> None:
        wordings = []
        for short in (False, True):
            parts = []
            for part in self._title_parts():
                if part == self._optimum_text:
                    if short:  # a narrow plot or large text: the number, still in its colour
                        part = part.removeprefix(OPTIMUM_PREFIX)
                    # In the dashed line's colour, so the words point at the line they name.
                    text = html.escape(part)
                    text = f'<span style="color:{self._theme.optimum_text};">{text}</span>'
                else:
                    text = html.escape(part)
                parts.append(text)
            wordings.append(" — ".join(parts))
        # A title that wraps onto lines takes the plot's height: a short one first.
        fit_title(
            self.getPlotItem(),
            wordings if wordings[0] else [],
            **style.text_style(size=f"{style.BASE_POINT_SIZE}pt"),
        )

    def _show_exact(
        self, cost: NDArray[np.float64], exact: ArrayLike | None, floor: float
    ) -> None:
        """Draw the exact costs apart when the others are only batch losses."""
        flags = None if exact is None else np.asarray(exact, dtype=bool)
        mixed = flags is not None and len(flags) == len(cost) and not bool(flags.all())
        if mixed != self._mixed:
            self._mixed = mixed
            self._style_lines()
            self._show_title()
        self.exact_curve.setVisible(mixed)
        if not mixed or flags is None:
            return
        where = np.flatnonzero(flags)
        if len(where) > MAX_POINTS:
            # Evenly thinned; the newest stays, as it is the one the ball sits on.
            keep = np.linspace(0, len(where) - 1, MAX_POINTS).round().astype(np.intp)
            where = where[keep]
        values = cost[where] - self._offset
        if floor:
            values = np.maximum(values, floor)
        self.exact_curve.setData(where.astype(np.float64), values)

    def set_history(
        self,
        cost: ArrayLike,
        optimum_cost: float | None = None,
        exact: ArrayLike | None = None,
    ) -> None:
        """Draw the cost at each step, and the optimum's cost if there is one.

        Parameters
        ----------
        cost : array_like, shape (k,)
            The cost at steps 0 (the start) to k − 1.
        optimum_cost : float, optional
            The exact minimum of the cost; None when no finite optimum exists.
        exact : array_like of bool, shape (k,), optional
            Which costs are exact (``Trajectory.cost_exact``); the others, the loss of
            the rows a step used, are then drawn faint under the exact ones. None:
            every cost is exact.
        """
        costs = np.asarray(cost, dtype=np.float64).ravel()
        steps, values = self._envelope(costs)
        if self._offset:
            # After the envelope: subtracting a constant keeps each bin's extremes.
            values = values - self._offset
        optimum = None if optimum_cost is None else float(optimum_cost)
        floor = (
            0.0
            if self._mode == VALUE
            else self._zero_floor(np.concatenate([values, *self._others_values]), optimum)
        )
        self._show_exact(costs, exact, floor)
        if floor:
            values = np.maximum(values, floor)
        shown = (optimum, floor)
        if (
            shown == self._shown
            and np.array_equal(steps, self._steps)
            and np.array_equal(values, self._values)
        ):
            return  # the same picture: a paused run, or no new step since the last frame
        # A copy: a short history is drawn straight from the caller's buffer.
        self._shown, self._steps, self._values = shown, steps, values.copy()
        self.curve.setData(steps, values)
        self.floor = floor
        self._show_note(
            f"{ZERO_NAMES[self._mode]} is drawn at {format_number(floor)}" if floor else ""
        )
        self.optimum_line.setVisible(optimum is not None)
        line = None
        if optimum is not None:
            # InfiniteLine knows nothing of log mode: it takes the log itself.
            line = math.log10(max(optimum, floor))
            self.optimum_line.setValue(line)
            self._optimum = optimum
        self._show_optimum(optimum)
        self._line = line
        self._frame_view(steps, values, line)

    def show_scene(self, scene: Scene) -> None:
        """Draw the cost of every run of ``scene`` in its colour, and the optimum's once.

        The selected run's curve is drawn as :meth:`set_history` draws it, on top;
        each other run's under it, with its exact costs apart from its batch losses as
        for the selected run. Costs of 0 are drawn at one floor for all runs.

        Parameters
        ----------
        scene : Scene
            What to draw; ``scene.fit.cost`` is the optimum's cost.
        """
        current = scene.current
        self._follow_kind(scene)
        if current.slot != self._run_slot:
            self._run_slot = current.slot
            self._style_lines()
        others = {t.slot: t for t in scene.others()}
        was_mixed = any(self._run_mixed)
        envelopes = {
            slot: self._run_envelopes[slot](np.asarray(t.cost, dtype=np.float64).ravel())
            for slot, t in others.items()
        }
        if self._offset:
            envelopes = {k: (steps, v - self._offset) for k, (steps, v) in envelopes.items()}
        self._others_values = [values for _, values in envelopes.values()]
        optimum = scene.fit.cost if self._mode == COST else None
        self.set_history(current.cost, optimum, current.exact)
        self._others_values = []
        frames = []
        for slot in range(MAX_RUNS):
            trace = others.get(slot)
            if trace is None:
                self._hide_run(slot)
                continue
            frames.append(self._draw_run(slot, trace, *envelopes[slot]))
        if frames:
            steps = np.concatenate([self._steps, *(s for s, _ in frames)])
            values = np.concatenate([self._values, *(v for _, v in frames)])
            self._frame_view(steps, values, self._line)
        if any(self._run_mixed) != was_mixed:
            self._show_title()

    @property
    def mode(self) -> str:
        """Return what is plotted: ``"cost"``, ``"gap"`` (f − f*) or ``"value"`` (f)."""
        return self._mode

    def _follow_kind(self, scene: Scene) -> None:
        """Plot the cost, f − f* or f, as the scene's problem allows."""
        fit = scene.fit
        if scene.kind != "function":
            mode, offset, note = COST, 0.0, ""
        elif fit.exists and fit.cost is not None and math.isfinite(fit.cost):
            mode, offset = GAP, float(fit.cost)
            note = f"f* = {format_number(offset)}, the lowest minimum"
        else:
            mode, offset, note = VALUE, 0.0, "no minimum: f itself"
        if (mode, offset, note) == (self._mode, self._offset, self._function_note):
            return
        self._mode, self._offset, self._function_note = mode, offset, note
        self.setLogMode(x=False, y=mode != VALUE)
        style.label_axis(self, "left", Y_LABELS[mode])
        self.setAccessibleName(
            {COST: "cost at each step, log scale", GAP: "f minus f* at each step, log scale"}.get(
                mode, "f at each step"
            )
        )
        # Every drawn value changes meaning: draw them all again.
        self._shown = None
        self._run_shown = [None] * MAX_RUNS
        self._show_title()

    def _hide_run(self, slot: int) -> None:
        # Visible with nothing recorded: drawn before the plot changed what it shows.
        if self._run_shown[slot] is not None or self.run_curves[slot].isVisible():
            self._run_shown[slot] = None
            self.run_curves[slot].setData([], [])
            self.run_curves[slot].setVisible(False)
            self.run_exact_curves[slot].setVisible(False)
        self._run_mixed[slot] = False

    def _draw_run(
        self,
        slot: int,
        trace: RunTrace,
        steps: NDArray[np.float64],
        values: NDArray[np.float64],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Draw another run's costs in slot ``slot``; return the points drawn."""
        floor = self.floor
        if floor:
            values = np.maximum(values, floor)
        costs = np.asarray(trace.cost, dtype=np.float64).ravel()
        flags = np.asarray(trace.exact, dtype=bool)
        mixed = len(flags) == len(costs) and not bool(flags.all())
        if mixed != self._run_mixed[slot]:
            self._run_mixed[slot] = mixed
            self._style_run(slot)
        key = (floor, len(costs), values.tobytes(), mixed)
        if key == self._run_shown[slot]:
            return steps, values
        self._run_shown[slot] = key
        if self._mode == VALUE:
            logs = np.clip(values, -LIMIT, LIMIT)  # a linear axis: the values themselves
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                logs = np.log10(values)
        keep = np.isfinite(logs)
        self.run_curves[slot].setData(steps[keep], logs[keep])
        self.run_curves[slot].setVisible(True)
        exact = self.run_exact_curves[slot]
        exact.setVisible(mixed)
        if mixed:
            where = np.flatnonzero(flags)
            if len(where) > OTHER_POINTS:
                keep = np.linspace(0, len(where) - 1, OTHER_POINTS).round().astype(np.intp)
                where = where[keep]
            dots = costs[where] - self._offset
            exact.setData(where.astype(np.float64), np.maximum(dots, floor) if floor else dots)
        return steps, values

    def _frame_view(
        self, steps: NDArray[np.float64], values: NDArray[np.float64], line: float | None
    ) -> None:
        """Frame every step and the costs (on the log axis) with the optimum's line."""
        # At least the first ten steps, so a lone starting point sits at the left edge.
        x = (0.0, max(float(steps.max()), MIN_STEPS_SHOWN)) if len(steps) else None
        if self._mode == VALUE:
            logs = np.clip(values, -LIMIT, LIMIT)  # a linear axis: the values themselves
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                logs = np.log10(values[values > 0.0])
        logs = logs[np.isfinite(logs)]
        y = (float(logs.min()), float(logs.max())) if len(logs) else None
        if line is not None:
            y = (line, line) if y is None else (min(y[0], line), max(y[1], line))
        self._frame.follow(x, y)

    @staticmethod
    def _zero_floor(values: NDArray[np.float64], optimum: float | None) -> float:
        """Return where to draw costs ≤ 0 (none below zero exist), or 0 if there are none."""
        candidates = values if optimum is None else np.append(values, optimum)
        if not len(candidates) or candidates.min() > 0.0:
            return 0.0
        positive = candidates[candidates > 0.0]
        return float(positive.min()) / ZERO_BELOW if len(positive) else 1.0

    def _show_note(self, text: str) -> None:
        if text != self._note_text:
            self._note_text = text
            self._show_title()

    def _show_optimum(self, optimum: float | None) -> None:
        text = "" if optimum is None else f"{OPTIMUM_PREFIX}J* = {format_number(optimum)}"
        if text != self._optimum_text:
            self._optimum_text = text
            self._show_title()


def _style_curves(
    curve: pg.PlotDataItem | pg.PlotCurveItem,
    exact: pg.PlotDataItem,
    colour: object,
    mixed: bool,
    k: float,
) -> None:
    """Give a run's cost line its colour (faint beside exact dots) and the dots theirs."""
    faint = pg.mkColor(colour)
    if mixed:
        faint.setAlpha(FAINT_ALPHA)
    curve.setPen(pg.mkPen(faint, width=LINE_WIDTH * k))
    exact.setPen(pg.mkPen(colour, width=LINE_WIDTH * k))
    exact.setSymbolPen(pg.mkPen(colour))
    exact.setSymbolBrush(pg.mkBrush(colour))
    exact.setSymbolSize(DOT_SIZE * k)
