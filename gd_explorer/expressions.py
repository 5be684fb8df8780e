"""A safe parser for a function of x typed by a learner, compiled to numpy.

The text is parsed with :func:`ast.parse` and only a small whitelist of nodes is turned
into numpy calls; nothing is ever passed to ``eval`` or ``exec``, so a name such as
``__import__`` is just an unknown function.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
_Node = Callable[[FloatArray], FloatArray]

#: Longer text than this is refused before parsing (deep nesting can exhaust the parser).
MAX_LENGTH = 200
#: Literals larger than this in size are refused: they only make the plot useless.
MAX_LITERAL = 1e12
#: A constant exponent larger than this in size is refused (x ** 1000 overflows anyway).
MAX_EXPONENT = 100.0

FUNCTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
}
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY: dict[type[ast.operator], tuple[str, Callable[[FloatArray, FloatArray], FloatArray]]] = {
    ast.Add: ("+", np.add),
    ast.Sub: ("-", np.subtract),
    ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.divide),
    ast.Pow: ("**", np.power),
}
_OPERATOR_NAMES = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitXor: "^"}
_ALLOWED_HINT = "use numbers, x, pi, e, + - * / **, brackets and " + ", ".join(FUNCTIONS)
# "2x", "3(x+1)", ")(": a number or bracket directly followed by a name or bracket.
_IMPLICIT_PRODUCT = re.compile(r"(\d|\))\s*([A-Za-z_(])")


class ExpressionError(ValueError):
    """The typed text is not a function of x this program can draw.

    Parameters
    ----------
    message : str
        What is wrong and where, in words a learner can act on.
    column : int, optional
        The 1-based column of the problem, when it has one.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


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
    source = text.strip()
    offset = len(text) - len(text.lstrip())
    if not source:
        raise ExpressionError("Type a function of x, for example x**2 - 3*x.")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"That is too long: keep it under {MAX_LENGTH} characters.")
    caret = source.find("^")
    if caret >= 0:
        raise ExpressionError(
            f"Column {caret + 1 + offset}: write powers with ** (x**2), not ^.", caret + 1 + offset
        )
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        column = (error.offset or 1) + offset
        hint = "check the brackets and operators"
        if _IMPLICIT_PRODUCT.search(source):
            hint = "write products with * (2*x, not 2x)"
        raise ExpressionError(
            f"Column {column}: this is not a formula ({hint}).", column
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("That is nested too deeply: simplify it.") from None
    try:
        return Expression(source, _Compiler(text, offset).compile(tree.body))
    except RecursionError:
        raise ExpressionError("That is nested too deeply: simplify it.") from None


class _Compiler:
    """Turns whitelisted AST nodes into numpy closures; refuses everything else."""

    def __init__(self, text: str, offset: int) -> None:
        self._source = text
        self._offset = offset

    def _refuse(
        self, node: ast.AST, what: str, hint: bool = True, column: int | None = None
    ) -> ExpressionError:
        if column is None:
            column = getattr(node, "col_offset", 0) + 1 + self._offset
        message = f"Column {column}: {what}" + (f" ({_ALLOWED_HINT})." if hint else ".")
        return ExpressionError(message, column)

    def compile(self, node: ast.expr) -> _Node:
        """Return the numpy function computing ``node``."""
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd | ast.USub):
                operand = self.compile(node.operand)
                if isinstance(node.op, ast.USub):
                    return lambda x: np.negative(operand(x))
                return operand
            raise self._refuse(node, "only + and - can stand before a value")
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise self._refuse(node, f"{_describe(node)} is not allowed")

    def _constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._refuse(node, f"{value!r} is not a number")
        if not math.isfinite(value) or abs(value) > MAX_LITERAL:
            start, end = node.col_offset + self._offset, (node.end_col_offset or 0) + self._offset
            value = self._source[start:end]
            raise self._refuse(
                node, f"the number {value} is too large (at most {MAX_LITERAL:g})", hint=False
            )
        number = float(value)
        return lambda x: np.full_like(x, number)

    def _name(self, node: ast.Name) -> _Node:
        if node.id == "x":
            return lambda x: x
        if node.id in CONSTANTS:
            number = CONSTANTS[node.id]
            return lambda x: np.full_like(x, number)
        if node.id in FUNCTIONS:
            raise self._refuse(node, f"{node.id} needs brackets, e.g. {node.id}(x)", hint=False)
        raise self._refuse(node, f"unknown name {node.id!r}: the only variable is x")

    def _binary(self, node: ast.BinOp) -> _Node:
        kind = type(node.op)
        if kind not in _BINARY:
            symbol = _OPERATOR_NAMES.get(kind, kind.__name__)
            # The node starts at its left operand: point at the operator itself.
            start = (node.left.end_col_offset or 0) + self._offset
            column = self._source.find(symbol, start) + 1 or None
            raise self._refuse(node, f"the operator {symbol} is not allowed", column=column)
        if kind is ast.Pow:
            exponent = _constant_value(node.right)
            if exponent is not None and abs(exponent) > MAX_EXPONENT:
                raise self._refuse(
                    node.right,
                    f"the power {exponent:g} is too large (at most {MAX_EXPONENT:g})",
                    hint=False,
                )
        left, right = self.compile(node.left), self.compile(node.right)
        operation = _BINARY[kind][1]
        return lambda x: operation(left(x), right(x))

    def _call(self, node: ast.Call) -> _Node:
        if not isinstance(node.func, ast.Name):
            raise self._refuse(node, f"{_describe(node.func)} cannot be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise self._refuse(node, f"unknown function {name!r}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self._refuse(node, f"{name} takes exactly one value, e.g. {name}(x)", hint=False)
        argument = self.compile(node.args[0])
        function = FUNCTIONS[name]
        return lambda x: function(argument(x))


def _constant_value(node: ast.expr) -> float | None:
    """Return the value of a (possibly negated) numeric literal, else None."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign *= -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if not isinstance(node.value, bool):
            return sign * float(node.value)
    return None


def _describe(node: ast.AST) -> str:
    """Name a refused node in a learner's words."""
    names = {
        ast.Attribute: "a dot (attribute)",
        ast.Subscript: "square brackets",
        ast.Compare: "a comparison",
        ast.BoolOp: "and / or",
        ast.Lambda: "lambda",
        ast.IfExp: "if / else",
        ast.Tuple: "a comma",
        ast.List: "a list",
        ast.Dict: "braces",
        ast.Set: "braces",
        ast.JoinedStr: "a string",
        ast.NamedExpr: ":=",
    }
    for kind, words in names.items():
        if isinstance(node, kind):
            return words
    return type(node).__name__
