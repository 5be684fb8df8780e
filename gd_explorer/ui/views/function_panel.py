"""The function panel: a problem without data told in formulas, and its curvature at the ball.

On a function the data plot and the table give way to this panel. It shows the
function's name and formula, its gradient written out, the Hessian's formulas and —
every frame, at the selected run's ball — the Hessian's numbers, its eigenvalues and
what they say about the shape there (a bowl, a saddle, a cap, or flat).
"""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gd_explorer.engine import CostModel
from gd_explorer.scene import Scene
from gd_explorer.ui.views.history import format_number

OBJECT_NAME = "functionPanel"

#: Formulas longer than this many characters are cut short (Beale's Hessian is three
#: lines of brackets each); the whole formula is in the label's tooltip.
MAX_FORMULA_CHARS = 110
#: An eigenvalue this small against the largest one counts as zero: flat that way.
FLAT = 1e-9
#: A Hessian entry this small against the largest one is shown as 0 (rounding).
NOISE = 1e-12
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"

#: What the signs of the Hessian's eigenvalues say about the shape at a point.
SHAPES = {
    "minimum": "curves up every way: shaped like the bottom of a bowl (a minimum's shape)",
    "saddle": "curves up one way and down the other: a saddle",
    "maximum": "curves down every way: shaped like a hilltop (a maximum's shape)",
    "flat": "flat in one direction: the curvature cannot tell what is there",
}
#: The same for a function of one variable, from the sign of f″.
SHAPES_1D = {
    "minimum": "f″ > 0: the curve bends up here, like the bottom of a valley",
    "maximum": "f″ < 0: the curve bends down here, like a hilltop",
    "flat": "f″ = 0: no bend here (a flat spot or an inflection)",
}


def shape_of(eigenvalues: tuple[float, ...]) -> str:
    """Return the shape the Hessian's eigenvalues describe.

    Parameters
    ----------
    eigenvalues : tuple of float
        The eigenvalues (one for a function of one variable, else two).

    Returns
    -------
    str
        ``"minimum"``, ``"saddle"``, ``"maximum"`` or ``"flat"`` (also when a value
        is not finite: nothing can be said there).
    """
    values = np.asarray(eigenvalues, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        return "flat"
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    if scale == 0.0 or np.any(np.abs(values) <= FLAT * scale):
        return "flat"
    if np.all(values > 0):
        return "minimum"
    if np.all(values < 0):
        return "maximum"
    return "saddle"


def shortened(text: str, limit: int = MAX_FORMULA_CHARS) -> str:
    """Return ``text`` cut to at most ``limit`` characters, ending in an ellipsis if cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


class FunctionPanel(QScrollArea):
    """A function's formulas, and the Hessian at the selected run's ball, as large text.

    Passive: :meth:`show_scene` only draws. It scrolls up and down only: formulas
    wrap, and very long ones are shortened with the whole text in a tooltip.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    title, formula, hessian_values, eigenvalues, shape, gradient, hessian_formulas : QLabel
        The panel's parts, top to bottom, exposed for tests and screen readers.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("the function, its gradient and its Hessian at the ball")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        # What changes as the ball rolls comes right after the formula, where a small
        # panel still shows it; the longer formulas of the derivatives follow.
        self.title = self._label(layout, "functionTitle")
        self.formula = self._label(layout, "functionFormula")
        self.hessian_values = self._label(layout, "functionHessianValues")
        self.eigenvalues = self._label(layout, "functionEigenvalues")
        self.shape = self._label(layout, "functionShape")
        self.gradient = self._label(layout, "functionGradient")
        self.hessian_formulas = self._label(layout, "functionHessianFormulas")
        layout.addStretch(1)
        self.setWidget(body)
        self._problem: CostModel | None = None
        self._point: tuple[float, float] | None = None
        #: The Hessian at the ball as last shown: ((fxx, fxy), (fxy, fyy)).
        self.hessian: tuple[tuple[float, float], tuple[float, float]] | None = None

    @staticmethod
    def _label(layout: QVBoxLayout, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        # The panel is as wide as its place, whatever the text: a long word must wrap
        # or be cut, never push the panel past its right edge (it has no sideways scroll).
        label.setMinimumWidth(1)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        return label

    @property
    def problem(self) -> CostModel | None:
        """Return the function shown, or None before one was."""
        return self._problem

    def show_scene(self, scene: Scene) -> None:
        """Show the scene's function and the Hessian at its selected run's ball.

        Parameters
        ----------
        scene : Scene
            What to show; a scene of a regression (or without its problem) is ignored.
        """
        problem = scene.problem
        if scene.kind != "function" or problem is None:
            return
        if problem is not self._problem:
            self._problem = problem
            self._point = None
            self._show_formulas(problem)
        point = scene.current.point
        if point != self._point:
            self._point = point
            self._show_curvature(problem, point)

    # The formulas: once per function.

    def _show_formulas(self, problem: CostModel) -> None:
        one = getattr(problem, "dimension", 2) == 1
        # A typed function's title is its text, which the formula shows already.
        title = str(getattr(problem, "title", "")) if getattr(problem, "name", "") else ""
        title = title or "Your function"
        # Bold, not bigger: a name's longest word must fit the narrowest panel.
        self.title.setText(f"<b>{html.escape(title)}</b>")
        self._set_formula(self.formula, "f(x)" if one else "f(x, y)", problem.formula, big=True)
        gx, gy = problem.gradient_text()  # type: ignore[attr-defined]
        (hxx, hxy), (_, hyy) = problem.hessian_text()  # type: ignore[attr-defined]
        if one:
            self._set_lines(self.gradient, [("f′(x)", gx)])
            self._set_lines(self.hessian_formulas, [("f″(x)", hxx)])
        else:
            self._set_lines(self.gradient, [("∂f/∂x", gx), ("∂f/∂y", gy)])
            self._set_lines(
                self.hessian_formulas,
                [("∂²f/∂x²", hxx), ("∂²f/∂x∂y", hxy), ("∂²f/∂y²", hyy)],
                heading="Hessian (second derivatives)",
            )

    @staticmethod
    def _set_formula(label: QLabel, name: str, text: str, big: bool = False) -> None:
        shown = html.escape(shortened(text))
        if big:
            shown = f"<big>{shown}</big>"
        label.setText(f"<b>{html.escape(name)}</b> = {shown}")
        label.setToolTip(f"{name} = {text}" if len(text) > MAX_FORMULA_CHARS else "")

    @staticmethod
    def _set_lines(label: QLabel, lines: list[tuple[str, str]], heading: str = "") -> None:
        rows = [f"<b>{html.escape(n)}</b> = {html.escape(shortened(t))}" for n, t in lines]
        if heading:
            rows.insert(0, f"<i>{html.escape(heading)}</i>")
        label.setText("<br>".join(rows))
        long = any(len(t) > MAX_FORMULA_CHARS for _, t in lines)
        label.setToolTip("\n\n".join(f"{n} = {t}" for n, t in lines) if long else "")

    # The curvature at the ball: every frame the ball moves.

    def _show_curvature(self, problem: CostModel, point: tuple[float, float]) -> None:
        x, y = point
        one = getattr(problem, "dimension", 2) == 1
        with np.errstate(all="ignore"):
            fxx, fxy, fyy = (float(v) for v in problem.second_derivatives(x, y))  # type: ignore[attr-defined]
        self.hessian = ((fxx, fxy), (fxy, fyy))
        n = format_number
        with np.errstate(all="ignore"):
            undefined = math.isnan(float(problem.values(x, y)))  # type: ignore[attr-defined]
        if undefined:
            # The formulas of the derivatives may have values where f has none
            # (log(x) at x < 0 has f″ = −1/x²): a curvature there would be made up.
            where = f"x = {n(x)}" if one else f"(x, y) = ({n(x)}, {n(y)})"
            self.hessian_values.setText(f"At the ball, {where}, f is not defined.")
            self.eigenvalues.setText("")
            self.eigenvalues.setVisible(False)
            self.shape.setText("")
            return
        # The matrix is a table, which cannot wrap: far from the minimum its entries
        # (4.664e10) lose a digit to stay inside the narrowest panel.
        e = _entry
        if one:
            self.hessian_values.setText(f"At the ball, x = {n(x)}:<br><big>f″ = {n(fxx)}</big>")
            self.eigenvalues.setText("")
            self.eigenvalues.setVisible(False)
            self.shape.setText(html.escape(SHAPES_1D[shape_of((fxx,))]))
            return
        self.eigenvalues.setVisible(True)
        # At 4 digits an entry a trillion times below the largest is rounding of the
        # exact formula (sin(x)·sin(y) at y = 1e−20), not curvature: "−3.2e−21" beside
        # "1.165" reads as a number that matters and widens the matrix past the panel.
        size = max(abs(fxx), abs(fxy), abs(fyy))
        fxx, fxy, fyy = (0.0 if abs(v) < NOISE * size else v for v in (fxx, fxy, fyy))
        self.hessian_values.setText(
            f"At the ball, (x, y) = ({n(x)}, {n(y)}), the Hessian H ="
            # A table does not wrap: it is kept as narrow as two numbers of the
            # panel's 4 significant digits, which fit the narrowest panel.
            '<table cellspacing="0" cellpadding="1" style="margin-top:2px">'
            f"<tr><td><big>\N{LEFT SQUARE BRACKET UPPER CORNER}</big></td>"
            f'<td align="right"><big>{e(fxx)}</big></td><td width="8"></td>'
            f'<td align="right"><big>{e(fxy)}</big></td>'
            f"<td><big>\N{RIGHT SQUARE BRACKET UPPER CORNER}</big></td></tr>"
            f"<tr><td><big>\N{LEFT SQUARE BRACKET LOWER CORNER}</big></td>"
            f'<td align="right"><big>{e(fxy)}</big></td><td width="8"></td>'
            f'<td align="right"><big>{e(fyy)}</big></td>'
            f"<td><big>\N{RIGHT SQUARE BRACKET LOWER CORNER}</big></td></tr></table>"
        )
        low, high = _eigenvalues(fxx, fxy, fyy)
        kind = shape_of((low, high))
        text = f"eigenvalues λ₁ = {n(low)}, λ₂ = {n(high)}"
        if kind == "minimum":
            text += f"<br>condition number λ₂/λ₁ = {n(high / low)}"
        self.eigenvalues.setText(text)
        self.shape.setText(f"<b>{html.escape(SHAPES[kind])}</b>")


def _entry(value: float) -> str:
    """Return a Hessian entry for the matrix: 4 significant digits, 3 in exponent form."""
    text = format_number(value)
    return format_number(float(f"{value:.3g}")) if "e" in text else text


def _eigenvalues(fxx: float, fxy: float, fyy: float) -> tuple[float, float]:
    """Return the eigenvalues of the symmetric 2×2 matrix [[fxx, fxy], [fxy, fyy]], low first."""
    if not all(map(math.isfinite, (fxx, fxy, fyy))):
        return math.nan, math.nan
    low, high = np.linalg.eigvalsh(np.array([[fxx, fxy], [fxy, fyy]]))
    return float(low), float(high)
