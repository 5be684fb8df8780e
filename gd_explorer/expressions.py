"""A safe parser for a function of x typed by a learner, compiled to numpy.

The text is parsed with :func:`ast.parse` and only a small whitelist of nodes is turned
into numpy calls; nothing is ever passed to ``eval`` or ``exec``, so a name such as
``__import__`` is just an unknown function. Hostile text is bounded before it reaches
the parser (length, characters), constant parts are computed once at parse time in
floating point (``9**9**9`` is refused, never computed as an integer), and every
refusal is an :class:`ExpressionError` whose column counts characters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine import symbolic
from gd_explorer.engine.symbolic import CONSTANTS, FUNCTIONS, ExpressionError

FloatArray = NDArray[np.float64]
_Node = Callable[[FloatArray], FloatArray]

#: Longer text than this is refused before parsing (deep nesting can exhaust the parser).
MAX_LENGTH = 200
MAX_LITERAL = symbolic.MAX_LITERAL
MAX_EXPONENT = symbolic.MAX_EXPONENT

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "Expression",
    "ExpressionError",
    "central_difference",
    "parse_expression",
]


@dataclass(frozen=True)
class Expression:
    """A parsed function of x, callable on numbers or arrays.

    Parameters
    ----------
    text : str
        The text as typed (stripped).
    function : callable
        The compiled function of a float64 array.
    """

    text: str
    function: _Node

    def __call__(self, x: ArrayLike) -> FloatArray:
        """Evaluate at ``x``; points outside the domain (or overflowing) give nan.

        Parameters
        ----------
        x : array_like
            Where to evaluate.

        Returns
        -------
        ndarray of float64
            The values, the shape of ``x``; nan where the function is not defined.
        """
        values = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            result = np.broadcast_to(self.function(values), values.shape).astype(np.float64)
        result[~np.isfinite(result)] = np.nan
        return result


def central_difference(function: Callable[[FloatArray], FloatArray], x0: float) -> float:
    """Return the derivative of ``function`` at ``x0`` by a central difference.

    Parameters
    ----------
    function : callable
        A vectorised function of x.
    x0 : float
        Where to differentiate.

    Returns
    -------
    float
        (f(x0 + h) - f(x0 - h)) / 2h with h about 1e-5 relative to x0; nan where the
        function is undefined next to x0.
    """
    h = 1e-5 * max(1.0, abs(x0))
    with np.errstate(all="ignore"):
        ends = function(np.array([x0 + h, x0 - h], dtype=np.float64))
        return float((ends[0] - ends[1]) / (2 * h))


def parse_expression(text: str) -> Expression:
    """Parse ``text`` as a function of x, allowing only a safe arithmetic whitelist.

    The parser is the engine's (:func:`gd_explorer.engine.symbolic.parse`), the one
    typed functions of x and y go through too.

    Parameters
    ----------
    text : str
        E.g. ``"x**2 - 3*x"`` or ``"sin(x) + exp(-x**2)"``.

    Returns
    -------
    Expression
        The compiled function.

    Raises
    ------
    ExpressionError
        For empty or too long text, a syntax error, or anything outside the whitelist;
        the message names what is not allowed and its column.
    """
    formula = symbolic.parse(text, ("x",))
    program = symbolic.compile([formula], ("x",))

    def function(x: FloatArray) -> FloatArray:
        (value,) = program(x)
        return np.asarray(value, dtype=np.float64)

    return Expression(text.strip(), function)
