"""Live equations: the current step's update with its numbers, the gradient and the cost.

A passive view, redrawn up to once a frame: it formats numbers it is given and never
computes anything about the descent. The HTML is built with plain string formatting
and handed to the label only when it differs from what is shown.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from gd_explorer.engine import Dataset, DescentConfig, format_rate
from gd_explorer.ui import style

OBJECT_NAME = "equationsPanel"
MINUS = "\u2212"
DASH = "\u2014"
#: Significant digits of every computed number shown.
DIGITS = 4
#: Batches up to this many rows are listed with their (x, y); larger ones are counted.
LISTED_ROWS = 6

# Point sizes at scale 1; presentation mode multiplies them.
HEADING_PT = 11.0
UPDATE_PT = 12.0
FORMULA_PT = 12.0

TEXT = "#111111"
MUTED = "#404040"
RESULT = "#0b3d91"  # dark blue: the new value, the cost
HELD = "#7a4a00"
MONO = "'DejaVu Sans Mono', 'Noto Sans Mono', 'Consolas', 'Menlo', monospace"

Pair = Sequence[float] | NDArray[np.float64]
Rows = int | Sequence[int] | NDArray[np.intp] | None

_FORMULAS = {
    "linear": (
        "\u2202J/\u2202m = \u22121/n \u03a3 (y \u2212 (m\u00b7x + b))\u00b7x",
        "\u2202J/\u2202b = \u22121/n \u03a3 (y \u2212 (m\u00b7x + b))",
        "J = 1/(2n) \u03a3 (y \u2212 (m\u00b7x + b))\u00b2",
        "squared error, with the \u00bd convention",
    ),
    "logistic": (
        "\u2202J/\u2202m = 1/n \u03a3 (\u03c3(m\u00b7x + b) \u2212 y)\u00b7x",
        "\u2202J/\u2202b = 1/n \u03a3 (\u03c3(m\u00b7x + b) \u2212 y)",
        "J = \u22121/n \u03a3 [y\u00b7log p + (1 \u2212 y)\u00b7log(1 \u2212 p)],"
        " p = \u03c3(m\u00b7x + b)",
        "cross-entropy",
    ),
}
_NAMES = (("slope", "m"), ("intercept", "b"))
_FUNCTION_NAMES = (("x", "x"), ("y", "y"))
#: The longest formula written out in full; longer ones end in "…" (a typed function's
#: derivative may run to thousands of characters, laid out again at every frame).
FORMULA_CHARS = 160


def _short(formula: str) -> str:
    """Return ``formula`` escaped for HTML, cut to :data:`FORMULA_CHARS` characters."""
    cut = formula if len(formula) <= FORMULA_CHARS else formula[: FORMULA_CHARS - 1] + "…"
    return html.escape(cut)


def number(value: float) -> str:
    """Return ``value`` with :data:`DIGITS` significant digits and a true minus sign."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "\u221e" if value > 0 else MINUS + "\u221e"
    if value == 0.0:
        return "0"  # also −0.0
    return f"{value:.{DIGITS}g}".replace("-", MINUS)


def _typed(value: float) -> str:
    """Return a value the user typed (learning rate, held value) as they typed it."""
    return format_rate(value).replace("-", MINUS)


def _factor(value: float) -> str:
    """Return a number as a factor: negative ones in parentheses."""
    text = number(value)
    return f"({text})" if text.startswith(MINUS) else text


def _row_list(rows: Rows) -> list[int] | None:
    """Return the rows a step used as a list of indices, or None for all rows."""
    if rows is None:
        return None
    if isinstance(rows, int | np.integer):
        return [int(rows)]
    return [int(r) for r in np.asarray(rows).reshape(-1)]


class EquationsPanel(QWidget):
    """The current step written out: update with numbers, gradient formula, cost formula.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self._scale = 1.0
        self._html = ""
        self._last: tuple | None = None  # the last show_step arguments, for set_scale
        # A function problem's formulas: f, ∂f/∂x, ∂f/∂y, and whether y is used.
        self._function: tuple[str, str, str, bool] | None = None
        self._l2 = 0.0  # the data problem's L2 penalty λ, written into its formulas
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("equationsText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.label)
        self._theme = style.current_theme()
        self.apply_theme(self._theme)

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the panel and redraw the equations shown in ``theme``'s colours."""
        self._theme = theme
        text = TEXT if not theme.dark else theme.foreground
        self.label.setStyleSheet(
            f"QLabel {{ background: {theme.background}; color: {text}; padding: 8px; }}"
        )
        if self._last is not None:
            self.show_step(*self._last)

    # Public face.

    def set_problem(self, problem: Any) -> None:
        """Take a function problem's formulas, or a data problem's L2 penalty λ."""
        if getattr(problem, "kind", "") != "function":
            self._function = None
            self._l2 = float(getattr(problem, "l2", 0.0))
            return
        d_x, d_y = problem.gradient_text()
        self._function = (problem.formula, d_x, d_y, problem.dimension == 2)

    def show_step(
        self,
        kind: str,
        config: DescentConfig,
        step: int,
        theta_before: Pair,
        theta_after: Pair,
        gradient: Pair | None,
        cost_after: float,
        rows: Rows = None,
        data: Dataset | None = None,
    ) -> None:
        """Show step ``step`` (0: the start, before any step).

        Parameters
        ----------
        kind : str
            ``"linear"`` or ``"logistic"`` (the model's ``kind``).
        config : DescentConfig
            The run's settings: learning rate, variant, batch size, held parameter.
        step : int
            The step shown; ``theta_after`` and ``cost_after`` are the point it reached.
        theta_before, theta_after : pair of float
            (slope, intercept) before and after the step.
        gradient : pair of float or None
            The gradient the step used (None or ignored at step 0).
        cost_after : float
            The cost at ``theta_after``.
        rows : int or sequence of int, optional
            The rows the step's gradient averaged over (None: all rows).
        data : Dataset, optional
            The data, to list the (x, y) of a small batch and count the rows.
        """
        self._last = (
            kind,
            config,
            step,
            theta_before,
            theta_after,
            gradient,
            cost_after,
            rows,
            data,
        )
        self._render(
            self._build(
                kind, config, step, theta_before, theta_after, gradient, cost_after, rows, data
            )
        )

    def show_start(self, kind: str, config: DescentConfig, theta: Pair, cost: float) -> None:
        """Show the starting point and the formulas, before any step."""
        self.show_step(kind, config, 0, theta, theta, None, cost)

    def clear(self) -> None:
        """Show nothing."""
        self._last = None
        self._render("")

    def set_scale(self, factor: float) -> None:
        """Scale every font by ``factor`` (presentation mode); 1 is the normal size."""
        factor = float(factor)
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"the scale must be a positive number, got {factor}")
        self._scale = factor
        if self._last is not None:
            self.show_step(*self._last)

    def scale(self) -> float:
        """Return the font scale factor."""
        return self._scale

    def html(self) -> str:
        """Return the HTML shown."""
        return self._html

    def text(self) -> str:
        """Return what is shown as plain text (one line per equation)."""
        if not self._html:
            return ""
        document = QTextDocument()
        document.setHtml(self._html)
        return document.toPlainText()

    # Building the HTML.

    def _render(self, html: str) -> None:
        if html != self._html:
            self._html = html
            self.label.setText(html)

    def _pt(self, size: float) -> str:
        return f"{size * self._scale:.1f}pt"

    def _heading(self, text: str) -> str:
        return (
            f'<p style="margin:6px 0 1px 0; font-size:{self._pt(HEADING_PT)};'
            f' font-weight:bold; color:{self._theme.muted};">{text}</p>'
        )

    def _update(
        self,
        optimizer: str,
        started: bool,
        rate: str,
        before: float,
        after: float,
        gradient: float,
        derivative: str,
    ) -> str:
        """Return one parameter's update with its numbers, e.g. "← 0.6588 − 0.001 × … = …".

        Plain gradient descent shows the step's arithmetic; another rule shows where
        the parameter went and the derivative it was given.
        """
        shown = f'<b style="color:{self._theme.result};">{number(after)}</b>'
        if not started:
            return f"= {number(after)} (start)  \u2190 {DASH}"
        if optimizer == "gd":
            return f"\u2190 {number(before)} {MINUS} {rate} \u00d7 {_factor(gradient)} = {shown}"
        return (
            f"\u2190 {number(before)} \u2192 {shown}"
            f'  <span style="color:{self._theme.muted};">({derivative} ='
            f" {number(gradient)})</span>"
        )

    def _line(self, text: str, size: float, mono: bool = False) -> str:
        family = f" font-family:{MONO};" if mono else ""
        # pre-wrap: aligned in a wide panel, wrapped rather than cut in a narrow one.
        space = " white-space:pre-wrap; font-weight:600;" if mono else ""
        return f'<p style="margin:0; font-size:{self._pt(size)};{family}{space}">{text}</p>'

    def _build(
        self,
        kind: str,
        config: DescentConfig,
        step: int,
        theta_before: Pair,
        theta_after: Pair,
        gradient: Pair | None,
        cost_after: float,
        rows: Rows,
        data: Dataset | None,
    ) -> str:
        if kind == "function" and self._function is not None:
            return self._build_function(
                config, step, theta_before, theta_after, gradient, cost_after
            )
        d_m, d_b, cost_formula, cost_name = _FORMULAS.get(kind, _FORMULAS["linear"])
        if self._l2 > 0:
            # The penalty is part of the cost the steps descend: say so where it is used.
            d_m += " + \u03bb\u00b7m"
            cost_formula += " + (\u03bb/2)\u00b7m\u00b2"
            cost_name += f"; L2 penalty \u03bb = {number(self._l2)}"
        fixed = config.fixed or {}
        rate = _typed(config.learning_rate)
        started = step > 0 and gradient is not None
        grad = (math.nan, math.nan) if gradient is None else gradient
        title = f"Step {step:,}" if started else "Start (no step yet)"
        parts = [
            self._line(
                f'<b>{title}</b><span style="color:{self._theme.muted};"> \u00b7 {config.variant}'
                f" \u00b7 learning rate \u03b1 = {rate}</span>",
                FORMULA_PT,
            ),
            self._heading(
                "Update: new = old \u2212 \u03b1 \u00d7 gradient"
                if config.optimizer == "gd"
                else f"Update ({config.optimizer})"
            ),
        ]
        width = max(len(name) for name, _ in _NAMES)
        for i, (name, symbol) in enumerate(_NAMES):
            padded = name.ljust(width)
            if symbol in fixed:
                parts.append(
                    self._line(
                        f'{padded}   <span style="color:{self._theme.held};">held at'
                        f" {_typed(fixed[symbol])}</span>",
                        UPDATE_PT,
                        mono=True,
                    )
                )
                continue
            body = self._update(
                config.optimizer,
                started,
                rate,
                theta_before[i],
                theta_after[i],
                grad[i],
                f"\u2202J/\u2202{symbol}",
            )
            parts.append(self._line(f"{padded} {body}", UPDATE_PT, mono=True))

        over, pairs = self._rows_text(config, rows, data, started)
        parts.append(self._heading(f"Gradient, {over}"))
        if pairs:
            parts.append(self._line(f"(x, y) = {pairs}", FORMULA_PT, mono=True))
        for i, (formula, (_, symbol)) in enumerate(zip((d_m, d_b), _NAMES, strict=True)):
            if symbol in fixed:
                continue  # its gradient is not used: the panel says it is held
            value = number(grad[i]) if started else DASH
            parts.append(self._line(f"{formula} = <b>{value}</b>", FORMULA_PT))
        parts.append(self._heading(f"Cost ({cost_name})"))
        parts.append(
            self._line(
                f"{cost_formula} = "
                f'<b style="color:{self._theme.result};">{number(cost_after)}</b>',
                FORMULA_PT,
            )
        )
        return "".join(parts)

    def _build_function(
        self,
        config: DescentConfig,
        step: int,
        theta_before: Pair,
        theta_after: Pair,
        gradient: Pair | None,
        value_after: float,
    ) -> str:
        """Write a step on a function: x and y, ∂f/∂x and ∂f/∂y as formulas, and f."""
        assert self._function is not None
        formula, d_x, d_y, uses_y = self._function
        rate = _typed(config.learning_rate)
        started = step > 0 and gradient is not None
        grad = (math.nan, math.nan) if gradient is None else gradient
        noise = config.noise
        muted = self._theme.muted
        how = f"noisy gradient, \u03c3 = {_typed(noise)}" if noise else "exact gradient"
        title = f"Step {step:,}" if started else "Start (no step yet)"
        parts = [
            self._line(
                f'<b>{title}</b><span style="color:{muted};"> \u00b7 {how}'
                f" \u00b7 learning rate \u03b1 = {rate}</span>",
                FORMULA_PT,
            ),
            self._heading(
                "Update: new = old \u2212 \u03b1 \u00d7 gradient"
                if config.optimizer == "gd"
                else f"Update ({config.optimizer})"
            ),
        ]
        for i, (name, _) in enumerate(_FUNCTION_NAMES):
            if i == 1 and not uses_y:
                parts.append(
                    self._line(
                        f'{name}   <span style="color:{self._theme.held};">not used: f depends '
                        "on x alone</span>",
                        UPDATE_PT,
                        mono=True,
                    )
                )
                continue
            body = self._update(
                config.optimizer,
                started,
                rate,
                theta_before[i],
                theta_after[i],
                grad[i],
                f"\u2202f/\u2202{name}",
            )
            parts.append(self._line(f"{name} {body}", UPDATE_PT, mono=True))
        heading = "Gradient, exact (differentiated from the formula)"
        if noise:
            heading = (
                f"Gradient: the formula's, plus Gaussian noise of \u03c3 = {_typed(noise)} "
                "(the values are the noisy ones the step used)"
            )
        parts.append(self._heading(heading))
        for i, (name, derivative) in enumerate(zip(("x", "y"), (d_x, d_y), strict=True)):
            if i == 1 and not uses_y:
                continue
            value = number(grad[i]) if started else DASH
            parts.append(
                self._line(
                    f"\u2202f/\u2202{name} = {_short(derivative)} = <b>{value}</b>", FORMULA_PT
                )
            )
        parts.append(self._heading("The function"))
        which = "f(x, y)" if uses_y else "f(x)"
        parts.append(
            self._line(
                f"{which} = {_short(formula)} = "
                f'<b style="color:{self._theme.result};">{number(value_after)}</b>',
                FORMULA_PT,
            )
        )
        return "".join(parts)

    @staticmethod
    def _rows_text(
        config: DescentConfig, rows: Rows, data: Dataset | None, started: bool
    ) -> tuple[str, str]:
        """Say what the step's gradient averaged over (1-based rows, as in the table).

        Returns the words and, for a small batch, its rows' (x, y) values (else "").
        """
        listed = _row_list(rows) if started else None
        if listed is None:
            if config.variant == "batch" or not started:
                count = f" {len(data)}" if data is not None else ""
                what = f"mean over all{count} rows"
                if config.variant != "batch":
                    size = 1 if config.variant == "stochastic" else config.batch_size
                    what += f" (each step will use {size} random row{'s' * (size != 1)})"
                return what, ""
            return "mean over the rows sampled", ""
        n = len(listed)
        if n > LISTED_ROWS:
            return f"mean over {n:,} random rows (n = {n:,})", ""
        numbers = ", ".join(str(r + 1) for r in listed)
        text = f"mean over row{'s' * (n != 1)} {numbers} (n = {n})"
        if data is None or not all(0 <= r < len(data) for r in listed):
            return text, ""  # the data changed under the run: the rows are not shown
        x, y = data.x, data.y
        return text, ", ".join(f"({number(x.item(r))}, {number(y.item(r))})" for r in listed)
