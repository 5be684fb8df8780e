"""A safe parser for a function of x typed by a learner, compiled to numpy.

The text is parsed with :func:`ast.parse` and only a small whitelist of nodes is turned
into numpy calls; nothing is ever passed to ``eval`` or ``exec``, so a name such as
``__import__`` is just an unknown function. Hostile text is bounded before it reaches
the parser (length, characters), constant parts are computed once at parse time in
floating point (``9**9**9`` is refused, never computed as an integer), and every
refusal is an :class:`ExpressionError` whose column counts characters.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
#: Characters commonly typed for an operator or constant, and what to write instead.
_LOOK_ALIKES = {
    "²": "write powers with ** (x**2), not ²",
    "³": "write powers with ** (x**3), not ³",
    "^": "write powers with ** (x**2), not ^",
    "×": "write products with * (2*x), not ×",
    "·": "write products with * (2*x), not ·",
    "⋅": "write products with * (2*x), not ⋅",
    "÷": "write division with / (x/2), not ÷",
    "−": "write minus as -, not −",
    "–": "write minus as -, not –",
    "π": "write pi, not π",
}

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
    # Any whitespace (tab, newline, no-break space) is a space: the formula stays on
    # one line, so the parser's columns are columns of the text, and none move.
    source = "".join(" " if character.isspace() else character for character in source)
    text = " " * offset + source
    _check_characters(source, offset)
    # From here the text is printable ASCII: the parser's byte offsets are characters.
    try:
        # "2for" warns of an invalid literal on stderr: the user sees the error instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
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
    except (RecursionError, MemoryError):
        raise ExpressionError("That is nested too deeply: simplify it.") from None


def _check_characters(source: str, offset: int) -> None:
    """Refuse any character outside printable ASCII, naming it and its column."""
    for index, character in enumerate(source):
        if character in _LOOK_ALIKES:
            hint = _LOOK_ALIKES[character]
        elif " " <= character <= "~":
            continue
        else:
            shown = repr(character)[1:-1]
            hint = f"the character '{shown}' cannot be used ({_ALLOWED_HINT})"
        column = index + 1 + offset
        raise ExpressionError(f"Column {column}: {hint}.", column)


class _Compiler:
    """Turns whitelisted AST nodes into numpy closures; refuses everything else.

    Parts without x are computed here, once: their value is known at parse time, so
    an exponent such as ``(2*60)`` is checked like ``120`` and an overflow such as
    ``9**9**9`` is refused with a message instead of drawing nothing.
    """

    def __init__(self, text: str, offset: int) -> None:
        self._source = text
        self._offset = offset
        self._values: dict[ast.AST, float] = {}

    def _refuse(
        self, node: ast.AST, what: str, hint: bool = True, column: int | None = None
    ) -> ExpressionError:
        if column is None:
            column = getattr(node, "col_offset", 0) + 1 + self._offset
        message = f"Column {column}: {what}" + (f" ({_ALLOWED_HINT})." if hint else ".")
        return ExpressionError(message, column)

    def _text(self, node: ast.expr) -> str:
        start, end = node.col_offset + self._offset, (node.end_col_offset or 0) + self._offset
        return self._source[start:end]

    def compile(self, node: ast.expr) -> _Node:
        """Return the numpy function computing ``node``."""
        function = self._compile(node)
        if node not in self._values:
            return function
        number = self._values[node]
        return lambda x: np.full_like(x, number)

    def _compile(self, node: ast.expr) -> _Node:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd | ast.USub):
                operand = self.compile(node.operand)
                if node.operand in self._values:
                    value = self._values[node.operand]
                    self._values[node] = -value if isinstance(node.op, ast.USub) else value
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
        # An int is compared as it is: a float of hundreds of digits would overflow.
        if abs(value) > MAX_LITERAL or not math.isfinite(value):
            raise self._refuse(
                node,
                f"the number {self._text(node)} is too large (at most {MAX_LITERAL:g})",
                hint=False,
            )
        self._values[node] = float(value)
        return lambda x: x  # replaced by the constant in compile()

    def _name(self, node: ast.Name) -> _Node:
        if node.id == "x":
            return lambda x: x
        if node.id in CONSTANTS:
            self._values[node] = CONSTANTS[node.id]
            return lambda x: x  # replaced by the constant in compile()
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
        left, right = self.compile(node.left), self.compile(node.right)
        if kind is ast.Pow and node.right in self._values:
            exponent = self._values[node.right]
            if abs(exponent) > MAX_EXPONENT:
                raise self._refuse(
                    node.right,
                    f"the power {exponent:g} is too large (at most {MAX_EXPONENT:g})",
                    hint=False,
                )
        operation = _BINARY[kind][1]
        self._fold(node, operation, node.left, node.right)
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
        self._fold(node, function, node.args[0])
        return lambda x: function(argument(x))

    def _fold(self, node: ast.expr, operation: Callable[..., Any], *operands: ast.expr) -> None:
        """Compute ``node`` now if its operands are known; refuse it if that overflows."""
        if not all(operand in self._values for operand in operands):
            return
        values = [np.float64(self._values[operand]) for operand in operands]
        # Only overflow is refused: 1/0 or log(-1) are points outside the domain (nan).
        with np.errstate(over="raise", divide="ignore", invalid="ignore"):
            try:
                self._values[node] = float(operation(*values))
            except FloatingPointError:
                raise self._refuse(
                    node,
                    f"{self._text(node)} is too large to compute (more than 1.8e308)",
                    hint=False,
                ) from None


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
        ast.ListComp: "a loop (for ... in ...)",
        ast.SetComp: "a loop (for ... in ...)",
        ast.DictComp: "a loop (for ... in ...)",
        ast.GeneratorExp: "a loop (for ... in ...)",
        ast.Starred: "a star (*)",
        ast.Await: "await",
    }
    for kind, words in names.items():
        if isinstance(node, kind):
            return words
    return type(node).__name__
