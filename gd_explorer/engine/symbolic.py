"""Formulas typed by a person: a whitelist parser, exact derivatives, printing, evaluation.

The text is parsed with :func:`ast.parse` and only a small whitelist of nodes becomes a
formula (a tree of :class:`Node`); nothing is ever passed to ``eval`` or ``exec``, so a
name such as ``__import__`` is just an unknown function. Hostile text is bounded before
it reaches the parser (length, characters), constant parts are computed at parse time in
floating point (``9**9**9`` is refused, never computed as an integer), and every refusal
is an :class:`ExpressionError` whose column counts characters.

Derivatives are symbolic: :func:`derivative` applies the rules of calculus to the tree
and simplifies as it builds (0·a = 0, 1·a = a, numbers folded), so a gradient or a
Hessian is itself a formula that can be shown, printed as Python and evaluated exactly.
The rule 0·a = 0 holds even where a has no value (∂/∂y of log(x)·y is log(x), and
∂/∂x of log(x) + y² is 1/x, defined at x < 0): a derivative may have a value where
f has none, and f decides where the function is defined (runs stop there, maps
leave it blank). A typed product with a zero keeps its factors, so 0·log(x) has no
value where log(x) has none, as numpy computes it; a**0 is 1 for every a, as numpy
computes it too. The derivative of abs(u) is sign(u), with sign(0) = 0: exactly on a
kink the derivatives take the symmetric value, and an even power of abs is the power
itself (|u|² is u², whose second derivative at 0 is 2).
Formulas are DAGs (a derivative shares subtrees with its function); :func:`compile`
turns several at once into one program that computes each distinct part once.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Longer text than this is refused before parsing (deep nesting can exhaust the parser).
MAX_LENGTH = 400
#: Literals larger than this in size are refused: they only make the plot useless.
MAX_LITERAL = 1e12
#: A constant exponent larger than this in size is refused (x ** 1000 overflows anyway).
MAX_EXPONENT = 100.0
#: A formula (written out as a tree) larger than this is refused: its derivatives would
#: take too long to print and evaluate.
MAX_SIZE = 20_000

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

#: Letters of other alphabets drawn like the Latin ones a formula uses.
_OTHER_ALPHABETS = dict(zip("аеорсухіѕјο", "aeopcyxisjo", strict=True))

#: The functions a formula may call, as numpy functions.
FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
}
# Functions derivatives need but nobody types: the sign of a value (d|u|/du).
_INTERNAL: dict[str, Callable[[Any], Any]] = {"sign": np.sign}
CONSTANTS = {"pi": math.pi, "e": math.e}
_OPERATOR_NAMES = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitXor: "^"}
# "2x", "3(x+1)", ")(": a number or bracket directly followed by a name or bracket.
_IMPLICIT_PRODUCT = re.compile(r"(\d|\))\s*([A-Za-z_(])")


def _allowed_hint(variables: Sequence[str]) -> str:
    names = ", ".join(variables)
    return f"use numbers, {names}, pi, e, + - * / **, brackets and " + ", ".join(FUNCTIONS)


class ExpressionError(ValueError):
    """The typed text is not a formula this program can use.

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


# --------------------------------------------------------------------------- the tree


class Node:
    """A formula: a number, a variable, or an operation on formulas.

    Nodes compare by identity (a deep structural comparison on every step of a
    derivative would cost more than it saves); ``size`` is the number of nodes the
    formula has written out as a tree, shared parts counted each time they occur.
    ``op`` is "num", "var", "+", "-", "*", "/", "**", "neg" or a function's name.
    """

    __slots__ = ("args", "op", "size")
    args: tuple[Node, ...]
    op: str
    size: int

    def __init__(self, op: str, *args: Node) -> None:
        self.op = op
        self.args = args
        self.size = 1 + sum(arg.size for arg in args)

    def __repr__(self) -> str:
        return f"<formula {text(self)}>"


class Num(Node):
    """A number."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        super().__init__("num")
        self.value = float(value)


class Var(Node):
    """A variable, by name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__("var")
        self.name = name


Op = Node  # an operation: Op("+", a, b), Op("sin", a)


ZERO, ONE = Num(0.0), Num(1.0)


def _num(node: Node) -> float | None:
    return node.value if isinstance(node, Num) else None


def _folded(value: float) -> Num | None:
    return Num(value) if math.isfinite(value) else None


def _factors(node: Node) -> tuple[float, list[Node]]:
    """Split a product into its numeric coefficient and its other factors."""
    if isinstance(node, Num):
        return node.value, []
    if node.op == "neg":
        coefficient, rest = _factors(node.args[0])
        return -coefficient, rest
    if node.op == "*":
        c1, f1 = _factors(node.args[0])
        c2, f2 = _factors(node.args[1])
        return c1 * c2, f1 + f2
    return 1.0, [node]


def _rank(node: Node) -> int:
    """Order factors as a textbook does: variables and their powers before brackets."""
    if isinstance(node, Var):
        return 0
    if node.op == "**" and isinstance(node.args[0], Var):
        return 1
    return 2


def add(a: Node, b: Node) -> Node:
    """Return a + b, simplified."""
    va, vb = _num(a), _num(b)
    if va is not None and vb is not None:
        return _folded(va + vb) or Op("+", a, b)
    if va == 0.0:
        return b
    if vb == 0.0:
        return a
    if va is not None:
        return add(b, a)  # y − 1, not −1 + y
    if b.op == "neg":
        return sub(a, b.args[0])
    if vb is not None and vb < 0.0:
        return Op("-", a, Num(-vb))
    coefficient, _ = _factors(b)
    if coefficient < 0.0 and b.op == "*":
        return Op("-", a, neg(b))
    return Op("+", a, b)


def sub(a: Node, b: Node) -> Node:
    """Return a − b, simplified."""
    va, vb = _num(a), _num(b)
    if va is not None and vb is not None:
        return _folded(va - vb) or Op("-", a, b)
    if vb == 0.0:
        return a
    if va == 0.0:
        return neg(b)
    if b.op == "neg":
        return add(a, b.args[0])
    if isinstance(a, Var) and isinstance(b, Var) and a.name == b.name:
        return ZERO
    coefficient, _ = _factors(b)
    if coefficient < 0.0 and b.op == "*":
        return Op("+", a, neg(b))
    return Op("-", a, b)


def neg(a: Node) -> Node:
    """Return −a, simplified."""
    va = _num(a)
    if va is not None:
        return Num(-va)
    if a.op == "neg":
        return a.args[0]
    if a.op == "*":
        return mul(Num(-1.0), a)
    if a.op == "-":
        return sub(a.args[1], a.args[0])
    return Op("neg", a)


def mul(a: Node, b: Node) -> Node:
    """Return a · b, simplified: numbers gathered in front, 0 and 1 dropped."""
    ca, fa = _factors(a)
    cb, fb = _factors(b)
    coefficient = ca * cb
    if not math.isfinite(coefficient):
        return Op("*", a, b)
    if coefficient == 0.0:
        return ZERO
    factors = fa + fb
    divisions = [f for f in factors if f.op == "/"]
    if divisions:
        # a·(n/d) is written (a·n)/d.
        top = [f for f in factors if f.op != "/"] + [f.args[0] for f in divisions]
        bottom: Node = ONE
        for f in divisions:
            bottom = mul(bottom, f.args[1])
        return div(mul(Num(coefficient), _product(top)), bottom)
    factors = _merge_powers(factors)
    if not factors:
        return Num(coefficient)
    if coefficient == 1.0:
        return _product(factors)
    if coefficient == -1.0:
        product = _product(factors)
        # −(a − b) is b − a, as the parser reads it back.
        return Op("neg", product) if product.op == "*" else neg(product)
    return _product([Num(coefficient), *factors])


def _product(factors: list[Node]) -> Node:
    """Return the factors multiplied in order, with no simplification; [] is 1."""
    if not factors:
        return ONE
    product = factors[0]
    for factor in factors[1:]:
        product = Op("*", product, factor)
    return product


def _where_defined(exponent: float) -> frozenset[str]:
    """Return where x**exponent is defined, as signs of x ("-", "0", "+")."""
    if exponent == int(exponent):
        return frozenset("-0+") if exponent >= 0.0 else frozenset("-+")
    return frozenset("0+") if exponent > 0.0 else frozenset("+")


def _merge_powers(factors: list[Node]) -> list[Node]:
    """Gather powers of one variable (x·x² is x³) and put them first, in order of name.

    Powers merge only where the merged power is defined exactly where the product
    was: x**0.5·x**0.5 is not x (it has no value at x < 0), and x**-1·x is not 1 (none
    at 0); such products stay as they are.
    """
    powers: dict[str, list[Node]] = {}
    others: list[Node] = []
    for factor in factors:
        if isinstance(factor, Var):
            powers.setdefault(factor.name, []).append(factor)
        elif (
            factor.op == "**"
            and isinstance(factor.args[0], Var)
            and isinstance(factor.args[1], Num)
        ):
            powers.setdefault(factor.args[0].name, []).append(factor)
        else:
            others.append(factor)
    merged: list[Node] = []
    for name, group in sorted(powers.items()):
        exponents = [1.0 if isinstance(f, Var) else _num(f.args[1]) or 0.0 for f in group]
        total = math.fsum(exponents)
        domain = frozenset("-0+").intersection(*map(_where_defined, exponents))
        if len(group) > 1 and _where_defined(total) != domain:
            merged.extend(group)
            continue
        merged.append(power(Var(name), Num(total)))
    return [f for f in merged if _num(f) != 1.0] + others


def div(a: Node, b: Node) -> Node:
    """Return a / b, simplified."""
    va, vb = _num(a), _num(b)
    if va is not None and vb is not None and vb != 0.0:
        return _folded(va / vb) or Op("/", a, b)
    if vb == 1.0:
        return a
    if va == 0.0 and vb is None:
        return ZERO
    coefficient, _ = _factors(a)
    if coefficient < 0.0:
        return neg(div(neg(a), b))  # −(a/b), not (−a)/b
    if vb is not None and vb != 0.0:
        # Dividing by 2 is multiplying by 0.5; by 3 stays a division (0.333… is not 1/3).
        folded = _folded(1.0 / vb)
        if folded is not None and len(f"{folded.value:.12g}") <= 6:
            return mul(folded, a)
    return Op("/", a, b)


def power(a: Node, b: Node) -> Node:
    """Return a ** b, simplified."""
    va, vb = _num(a), _num(b)
    if va is not None and vb is not None:
        with np.errstate(all="ignore"):
            value = float(np.power(np.float64(va), np.float64(vb)))
        return _folded(value) or Op("**", a, b)
    if vb == 0.0:
        return ONE
    if vb == 1.0:
        return a
    if vb is not None and a.op == "abs" and vb % 2.0 == 0.0:
        # |u|² is u², also where u = 0: there d/du of |u|·sign(u) would give 2·sign(0)² = 0.
        return power(a.args[0], b)
    return Op("**", a, b)


def call(name: str, a: Node) -> Node:
    """Return name(a), folded when a is a number."""
    va = _num(a)
    if va is not None:
        function = FUNCTIONS.get(name) or _INTERNAL[name]
        with np.errstate(all="ignore"):
            value = float(function(np.float64(va)))
        folded = _folded(value)
        if folded is not None:
            return folded
    return Op(name, a)


# --------------------------------------------------------------------------- calculus


def derivative(node: Node, variable: str) -> Node:
    """Return the exact derivative of ``node`` with respect to ``variable``.

    Raises
    ------
    ExpressionError
        If the derivative, written out, would pass :data:`MAX_SIZE` nodes.
    """
    memo: dict[int, Node] = {}

    def d(n: Node) -> Node:
        known = memo.get(id(n))
        if known is not None:
            return known
        result = _rule(n, variable, d)
        if result.size > MAX_SIZE:
            raise ExpressionError(
                "That formula is too complicated to differentiate: its derivative has more "
                f"than {MAX_SIZE:,} parts. Simplify it."
            )
        memo[id(n)] = result
        return result

    return d(node)


def _rule(n: Node, variable: str, d: Callable[[Node], Node]) -> Node:
    op, args = n.op, n.args
    if op == "num":
        return ZERO
    if op == "var":
        return ONE if n.name == variable else ZERO  # type: ignore[attr-defined]
    if op == "neg":
        return neg(d(args[0]))
    if op in ("+", "-"):
        da, db = d(args[0]), d(args[1])
        return add(da, db) if op == "+" else sub(da, db)
    if op == "*":
        a, b = args
        return add(mul(d(a), b), mul(a, d(b)))
    if op == "/":
        a, b = args
        da, db = d(a), d(b)
        if _num(db) == 0.0:
            return div(da, b)
        return div(sub(mul(da, b), mul(a, db)), power(b, Num(2.0)))
    if op == "**":
        a, b = args
        da, db = d(a), d(b)
        exponent = _num(b)
        if exponent is not None:
            # d(a^c) = c·a^(c−1)·a′
            return mul(mul(Num(exponent), power(a, Num(exponent - 1.0))), da)
        # d(a^b) = a^b·(b′·ln a + b·a′/a)
        return mul(n, add(mul(db, call("log", a)), div(mul(b, da), a)))
    (a,) = args
    da = d(a)
    if _num(da) == 0.0:
        return ZERO
    if op == "sin":
        outer: Node = call("cos", a)
    elif op == "cos":
        outer = neg(call("sin", a))
    elif op == "tan":
        outer = add(ONE, power(n, Num(2.0)))
    elif op == "exp":
        outer = n
    elif op == "log":
        return div(da, a)
    elif op == "sqrt":
        return div(da, mul(Num(2.0), n))
    elif op == "abs":
        outer = call("sign", a)
    elif op == "sign":
        return ZERO
    else:  # pragma: no cover - the parser admits no other names
        raise ValueError(f"no derivative for {op}")
    return mul(outer, da)


def gradient(node: Node, variables: Sequence[str]) -> tuple[Node, ...]:
    """Return the derivatives of ``node`` with respect to each of ``variables``."""
    return tuple(derivative(node, v) for v in variables)


def hessian(node: Node, variables: Sequence[str]) -> tuple[tuple[Node, ...], ...]:
    """Return the matrix of second derivatives (symmetric: the lower half is shared)."""
    first = gradient(node, variables)
    rows: list[list[Node]] = [[ZERO] * len(variables) for _ in variables]
    try:
        for i, di in enumerate(first):
            for j in range(i, len(variables)):
                rows[i][j] = rows[j][i] = derivative(di, variables[j])
    except ExpressionError:
        raise ExpressionError(
            "That formula is too complicated to differentiate twice: its second "
            f"derivatives (the Hessian) have more than {MAX_SIZE:,} parts. Simplify it."
        ) from None
    return tuple(tuple(row) for row in rows)


def variables_of(node: Node) -> frozenset[str]:
    """Return the names of the variables ``node`` uses."""
    found: set[str] = set()
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, Var):
            found.add(n.name)
        stack.extend(n.args)
    return frozenset(found)


# --------------------------------------------------------------------------- printing

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def _number(value: float, pretty: bool) -> tuple[str, int]:
    """Return a number's text and its precedence (2π is a product, −1 a negation)."""
    if value == math.e:
        return "e", 5
    ratio = float(f"{value / math.pi:.6g}")
    if value != 0.0 and ratio * math.pi == value:
        # 2π, not 6.28318530718 (written exactly, so it reads back as the same number).
        symbol = "π" if pretty else "pi"
        if ratio == 1.0:
            return symbol, 5
        if ratio == -1.0:
            return ("−" if pretty else "-") + symbol, 3
        multiple = _number(ratio, pretty)[0]
        return multiple + ("" if pretty else "*") + symbol, 2
    if not pretty and abs(value) > MAX_LITERAL:
        # The parser refuses such literals; a mantissa times powers of two reads back
        # exactly (scaling by 2 is exact) within the limits on literals and powers.
        mantissa, exponent = math.frexp(value)
        parts = [repr(mantissa)]
        while exponent > 0:
            parts.append(f"2**{min(exponent, int(MAX_EXPONENT))}")
            exponent -= int(MAX_EXPONENT)
        return "*".join(parts), 2
    if value == int(value) and abs(value) < 1e15:
        shown = str(int(value))
    else:
        shown = f"{value:.6g}" if pretty else repr(value)
    return (shown.replace("-", "−") if pretty else shown), (3 if value < 0 else 5)


def text(node: Node) -> str:
    """Return the formula as Python-style text that :func:`parse` reads back.

    Read back, the text gives the same formula and the same values to the last bit.
    A derivative's text can be longer than :data:`MAX_LENGTH`, the limit on typing.
    """
    return _print(node, pretty=False)


def pretty(node: Node) -> str:
    """Return the formula as a person writes it: x², 2·x, a proper minus sign."""
    return _print(node, pretty=True)


def _print(node: Node, pretty: bool) -> str:
    def show(n: Node) -> tuple[str, int]:
        """Return the text of ``n`` and the precedence of its outermost operation."""
        op = n.op
        if isinstance(n, Num):
            return _number(n.value, pretty)
        if isinstance(n, Var):
            return n.name, 5
        if op in _PRECEDENCE:
            level = _PRECEDENCE[op]
            if op == "neg":
                inner = wrap(n.args[0], level, right=False)
                return ("−" if pretty else "-") + inner, level
            if op == "**":
                base = wrap(n.args[0], level + 1, right=False)
                exponent = n.args[1]
                value = _num(exponent)
                if pretty and value is not None and value == int(value) and abs(value) < 100:
                    return base + _number(value, False)[0].translate(_SUPERSCRIPT), level
                return base + ("^" if pretty else "**") + wrap(exponent, level, right=True), level
            symbol = {"*": "·", "-": " − ", "+": " + ", "/": "/"}[op] if pretty else None
            if symbol is None:
                symbol = {"*": "*", "-": " - ", "+": " + ", "/": "/"}[op]
            left = wrap(n.args[0], level, right=False)
            # Python text keeps the tree's grouping, a + (b + c) included: regrouped,
            # floating point could round differently. A person reads a + b + c.
            right = wrap(n.args[1], level + (op in "-/" or not pretty), right=True)
            return left + symbol + right, level
        return f"{op}({show(n.args[0])[0]})", 5

    def wrap(n: Node, level: int, right: bool) -> str:
        shown, own = show(n)
        if own < level or (own == 3 and level == 3 and right):
            return f"({shown})"
        return shown

    return show(node)[0]


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Program:
    """Formulas compiled together: each distinct part is computed once per call."""

    variables: tuple[str, ...]
    code: tuple[tuple[str, tuple[int, ...], Any], ...]
    outputs: tuple[int, ...]
    _template: tuple[Any, ...] = field(init=False, repr=False, compare=False)
    _inputs: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _steps: tuple[tuple[int, Callable[..., Any], int, int], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # The loop of __call__ runs once per step of a descent: numbers are put in the
        # slots once, here, and each operation is a bound function (no dispatch on op).
        template: list[Any] = [None] * len(self.code)
        inputs: list[tuple[int, int]] = []
        steps: list[tuple[int, Callable[..., Any], int, int]] = []
        for index, (op, args, constant) in enumerate(self.code):
            if op == "num":
                template[index] = constant
            elif op == "var":
                inputs.append((index, self.variables.index(constant)))
            elif op in _BINARY:
                steps.append((index, _BINARY[op], args[0], args[1]))
            else:
                steps.append((index, operator.neg if op == "neg" else constant, args[0], -1))
        object.__setattr__(self, "_template", tuple(template))
        object.__setattr__(self, "_inputs", tuple(inputs))
        object.__setattr__(self, "_steps", tuple(steps))

    def __call__(self, *values: ArrayLike) -> list[Any]:
        """Return each output at ``values`` (numbers or arrays of one shape, by position).

        Arithmetic follows IEEE: 1/0 is inf, log(−1) is nan; the caller decides what a
        value outside the domain means. Floats in, numpy floats out.
        """
        if len(values) != len(self.variables):
            raise ValueError(f"expected values of {self.variables}, got {len(values)}")
        given = [_as_float(v) for v in values]
        slots: list[Any] = list(self._template)
        for index, position in self._inputs:
            slots[index] = given[position]
        with np.errstate(all="ignore"):
            for index, function, a, b in self._steps:
                slots[index] = function(slots[a]) if b < 0 else function(slots[a], slots[b])
        return [slots[i] for i in self.outputs]


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": np.power,
}


def _as_float(value: ArrayLike) -> Any:
    if isinstance(value, float | int):
        return np.float64(value)
    return np.asarray(value, dtype=np.float64)


def compile(formulas: Sequence[Node], variables: Sequence[str]) -> Program:  # noqa: A001
    """Return one program computing all of ``formulas`` from ``variables``."""
    index: dict[int, int] = {}
    code: list[tuple[str, tuple[int, ...], Any]] = []

    def visit(root: Node) -> int:
        # Iterative post-order: a formula of MAX_SIZE nodes may be deeper than the stack.
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            n, ready = stack.pop()
            if id(n) in index:
                continue
            if not ready:
                stack.append((n, True))
                stack.extend((arg, False) for arg in reversed(n.args) if id(arg) not in index)
                continue
            args = tuple(index[id(arg)] for arg in n.args)
            if isinstance(n, Num):
                entry: tuple[str, tuple[int, ...], Any] = ("num", (), np.float64(n.value))
            elif isinstance(n, Var):
                entry = ("var", (), n.name)
            elif n.op in _PRECEDENCE:
                entry = (n.op, args, None)
            else:
                entry = ("call", args, FUNCTIONS.get(n.op) or _INTERNAL[n.op])
            index[id(n)] = len(code)
            code.append(entry)
        return index[id(root)]

    outputs = tuple(visit(formula) for formula in formulas)
    return Program(tuple(variables), tuple(code), outputs)


# --------------------------------------------------------------------------- parsing


def parse(text: str, variables: Sequence[str] = ("x", "y")) -> Node:
    """Parse ``text`` as a formula in ``variables``, allowing only a safe whitelist.

    Parameters
    ----------
    text : str
        E.g. ``"(1 - x)**2 + 100*(y - x**2)**2"``.
    variables : sequence of str
        The names that stand for variables.

    Returns
    -------
    Node
        The formula; numbers in it are already computed.

    Raises
    ------
    ExpressionError
        For empty or too long text, a syntax error, or anything outside the whitelist;
        the message names what is not allowed and its column.
    """
    names = tuple(variables)
    example = "x**2 - 3*x" if names == ("x",) else "x**2 + 3*y**2"
    listed = " and ".join(names) if len(names) > 1 else names[0]
    if not isinstance(text, str):
        raise ExpressionError(f"Type a function of {listed}, for example {example}.")
    source = text.strip()
    offset = len(text) - len(text.lstrip())
    if not source:
        raise ExpressionError(f"Type a function of {listed}, for example {example}.")
    limit = MAX_LENGTH if len(names) > 1 else 200
    if len(source) > limit:
        raise ExpressionError(f"That is too long: keep it under {limit} characters.")
    # Any whitespace (tab, newline, no-break space) is a space: the formula stays on
    # one line, so the parser's columns are columns of the text, and none move.
    source = "".join(" " if character.isspace() else character for character in source)
    padded = " " * offset + source
    _check_characters(source, offset, names)
    # From here the text is printable ASCII: the parser's byte offsets are characters.
    try:
        # "2for" warns of an invalid literal on stderr: the user sees the error instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        column = (error.offset or 1) + offset
        hint = "check the brackets and operators"
        if not error.offset:
            # Python points at no column when the text ends too soon ("x**2 +").
            column = offset + len(source) + 1
            hint = "it ends too soon: something is missing at the end"
        if _IMPLICIT_PRODUCT.search(source):
            hint = "write products with * (2*x, not 2x)"
        raise ExpressionError(
            f"Column {column}: this is not a formula ({hint}).", column
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("That is nested too deeply: simplify it.") from None
    try:
        formula = _Builder(padded, offset, names).build(tree.body)
    except (RecursionError, MemoryError):
        raise ExpressionError("That is nested too deeply: simplify it.") from None
    _check_defined(formula)
    return formula


def _check_defined(formula: Node) -> None:
    """Refuse a formula whose simplification left a part without a value, such as 0/0.

    Typed parts without a value are refused as they are built; this finds those that
    simplifying made, as in (y − 1)·(0/(0·x)): the 0·x below is 0, and the whole has no
    value anywhere.
    """
    seen: set[int] = set()
    stack = [formula]
    while stack:
        n = stack.pop()
        if id(n) in seen or not n.args:
            continue
        seen.add(id(n))
        if all(isinstance(arg, Num) for arg in n.args):
            (value,) = compile([n], ())()
            if not math.isfinite(value):
                raise ExpressionError(
                    f"That formula has no value anywhere: simplified, it has {text(n)} in it."
                )
        stack.extend(n.args)


def _check_characters(source: str, offset: int, variables: Sequence[str]) -> None:
    """Refuse any character outside printable ASCII, naming it and its column."""
    for index, character in enumerate(source):
        if character in _LOOK_ALIKES:
            hint = _LOOK_ALIKES[character]
        elif character == "#":
            # Python would read the rest as a comment and silently drop it.
            hint = "# would start a comment, and a formula has none: remove it"
        elif " " <= character <= "~":
            continue
        elif (meant := _look_alike(character)) is not None:
            hint = f"'{character}' looks like {meant} but is another character: type {meant}"
        else:
            shown = repr(character)[1:-1]
            hint = f"the character '{shown}' cannot be used ({_allowed_hint(variables)})"
        column = index + 1 + offset
        raise ExpressionError(f"Column {column}: {hint}.", column)


def _look_alike(character: str) -> str | None:
    """Return the ASCII character ``character`` is drawn like (ｘ, Cyrillic х), or None."""
    if character in _OTHER_ALPHABETS:
        return _OTHER_ALPHABETS[character]
    plain = unicodedata.normalize("NFKC", character)
    return plain if len(plain) == 1 and "!" <= plain <= "~" else None


class _Builder:
    """Turns whitelisted AST nodes into a formula; refuses everything else.

    Parts without variables are computed here, once: an exponent such as ``(2*60)`` is
    checked like ``120`` and an overflow such as ``9**9**9`` is refused with a message.
    """

    def __init__(self, text: str, offset: int, variables: tuple[str, ...]) -> None:
        self._source = text
        self._offset = offset
        self._variables = variables

    def _refuse(
        self, node: ast.AST, what: str, hint: bool = True, column: int | None = None
    ) -> ExpressionError:
        if column is None:
            column = getattr(node, "col_offset", 0) + 1 + self._offset
        allowed = _allowed_hint(self._variables)
        message = f"Column {column}: {what}" + (f" ({allowed})." if hint else ".")
        return ExpressionError(message, column)

    def _text(self, node: ast.expr) -> str:
        """Return the typed text of ``node``, shortened to fit in a message."""
        start, end = node.col_offset + self._offset, (node.end_col_offset or 0) + self._offset
        typed = self._source[start:end]
        return typed if len(typed) <= 40 else typed[:39] + "…"

    def build(self, node: ast.expr) -> Node:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd | ast.USub):
                operand = self.build(node.operand)
                return neg(operand) if isinstance(node.op, ast.USub) else operand
            raise self._refuse(node, "only + and - can stand before a value")
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise self._refuse(node, f"{_describe(node)} is not allowed")

    def _constant(self, node: ast.Constant) -> Node:
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
        return Num(float(value))

    def _name(self, node: ast.Name) -> Node:
        if node.id in self._variables:
            return Var(node.id)
        if node.id in CONSTANTS:
            return Num(CONSTANTS[node.id])
        if node.id in FUNCTIONS:
            raise self._refuse(node, f"{node.id} needs brackets, e.g. {node.id}(x)", hint=False)
        if len(self._variables) == 1:
            only = f"the only variable is {self._variables[0]}"
        else:
            only = "the variables are " + " and ".join(self._variables)
        raise self._refuse(node, f"unknown name {node.id!r}: {only}")

    def _binary(self, node: ast.BinOp) -> Node:
        kind = type(node.op)
        symbols = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
        if kind not in symbols:
            symbol = _OPERATOR_NAMES.get(kind, kind.__name__)
            # The node starts at its left operand: point at the operator itself.
            start = (node.left.end_col_offset or 0) + self._offset
            column = self._source.find(symbol, start) + 1 or None
            raise self._refuse(node, f"the operator {symbol} is not allowed", column=column)
        left, right = self.build(node.left), self.build(node.right)
        op = symbols[kind]
        if op == "**" and isinstance(right, Num) and abs(right.value) > MAX_EXPONENT:
            raise self._refuse(
                node.right,
                f"the power {right.value:g} is too large (at most {MAX_EXPONENT:g})",
                hint=False,
            )
        if isinstance(left, Num) and isinstance(right, Num):
            return self._fold(node, op, left.value, right.value)
        if op == "/" and _num(right) == 0.0:
            raise self._refuse(
                node, f"{self._text(node)} divides by 0, so it has no value anywhere", hint=False
            )
        if op in "+-/":
            return Op(op, left, right)  # as typed: 20 + x stays 20 + x
        if op == "**":
            return power(left, right)
        coefficient = _factors(left)[0] * _factors(right)[0]
        if not math.isfinite(coefficient):
            raise self._too_large(node)
        if coefficient == 0.0:
            # As typed: 0·log(x) has no value where log(x) has none, as numpy says.
            return Op("*", left, right)
        return mul(left, right)

    def _too_large(self, node: ast.expr) -> ExpressionError:
        return self._refuse(
            node, f"{self._text(node)} is too large to compute (more than 1.8e308)", hint=False
        )

    def _call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self._refuse(node, f"{_describe(node.func)} cannot be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise self._refuse(node, f"unknown function {name!r}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self._refuse(node, f"{name} takes exactly one value, e.g. {name}(x)", hint=False)
        argument = self.build(node.args[0])
        if isinstance(argument, Num):
            return self._fold(node, name, argument.value)
        return Op(name, argument)

    def _fold(self, node: ast.expr, op: str, *values: float) -> Node:
        """Compute a part without variables now; refuse it if it overflows or has no value."""
        numbers = [np.float64(v) for v in values]
        operations: dict[str, Callable[..., Any]] = {
            "+": np.add,
            "-": np.subtract,
            "*": np.multiply,
            "/": np.divide,
            "**": np.power,
        }
        operation = operations.get(op) or FUNCTIONS[op]
        with np.errstate(over="raise", divide="ignore", invalid="ignore"):
            try:
                value = float(operation(*numbers))
            except FloatingPointError:
                raise self._too_large(node) from None
        if not math.isfinite(value):
            # 1/0, log(0), sqrt(-1), (-8)**(1/3): a part with no value leaves the whole
            # formula without one, at every point.
            raise self._refuse(
                node,
                f"{self._text(node)} has no value, so the formula would have none anywhere",
                hint=False,
            )
        return Num(value)


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
