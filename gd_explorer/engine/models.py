"""Cost models: a cost J(m, b) on a dataset, its gradient and curvature.

Each model has a public, array-based face (``cost``, ``gradient``,
``hessian``, ``cost_grid``) and a scalar fast path used by the descent loop,
which runs up to millions of steps and cannot afford an array per step.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine.dataset import Dataset, DatasetError

FloatArray = NDArray[np.float64]
Rows = int | NDArray[np.intp] | None
Theta = Sequence[float] | NDArray[np.float64]

# Rows processed per pass in the logistic sums: small enough that the
# temporaries stay in the CPU cache between numpy passes, and below the size
# (10 000) at which OpenBLAS spreads a dot product over threads, which stalls
# badly when the other core is busy (the GUI thread, another program).
_CHUNK = 1 << 13
# Below this many rows a plain Python loop beats numpy's per-call overhead.
_SMALL = 64
# Values per block of a logistic cost grid: a few hundred kilobytes, cache-sized.
_GRID_BLOCK = 1 << 15


def _theta(theta: Theta) -> tuple[float, float]:
    m, b = (float(v) for v in np.asarray(theta, dtype=np.float64).reshape(2))
    return m, b


class CostModel(ABC):
    """A cost J(m, b) over a dataset, with an optional L2 penalty on the slope."""

    kind: str = ""
    #: Whether the exact cost costs O(1) (from statistics) rather than a pass over the rows.
    cheap_cost: bool = False
    #: How the cost is written, for labels.
    formula: str = ""

    def __init__(self, data: Dataset, l2: float = 0.0) -> None:
        if not isinstance(data, Dataset):
            raise TypeError(f"data must be a Dataset, not {type(data).__name__}")
        l2 = float(l2)
        if not (math.isfinite(l2) and l2 >= 0.0):
            raise ValueError(f"the L2 penalty must be a finite number ≥ 0, got {l2}")
        self.data = data
        self.l2 = l2
        self.n = len(data)
        #: Exact optima found so far, by held parameters (kept by ``reference_fit``).
        self._fits: dict[tuple[tuple[int, float], ...], Any] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.data!r}, l2={self.l2})"

    def __reduce__(self) -> tuple[type, tuple[Dataset, float]]:
        # Rebuilt from its data on the other side (a run in another process):
        # buffers and derived statistics are not worth sending.
        return type(self), (self.data, self.l2)

    # Public, array-based face.

    def cost(self, theta: Theta) -> float:
        """Return J(m, b) for ``theta = (m, b)``."""
        return self._cost(*_theta(theta))

    def gradient(self, theta: Theta, rows: ArrayLike | None = None) -> FloatArray:
        """Return (∂J/∂m, ∂J/∂b), averaged over ``rows`` (all rows by default)."""
        m, b = _theta(theta)
        if rows is None:
            return np.array(self._full_gradient(m, b))
        index = np.asarray(rows)
        if index.dtype.kind not in "iu" or index.size == 0:
            raise ValueError("rows must be a non-empty list of integer row indices")
        if index.min() < 0 or index.max() >= self.n:
            raise ValueError(f"rows must lie in 0 … {self.n - 1}")
        return np.array(self._row_gradient(m, b, index.reshape(-1).astype(np.intp)))

    @abstractmethod
    def hessian(self, theta: Theta) -> FloatArray:
        """Return the 2×2 matrix of second derivatives at ``theta``."""

    @abstractmethod
    def cost_grid(self, m_values: FloatArray, b_values: FloatArray) -> FloatArray:
        """Return ``Z[i, j] = J(m_values[i], b_values[j])``."""

    # Scalar fast path for the descent loop.

    @abstractmethod
    def _cost(self, m: float, b: float) -> float: ...

    @abstractmethod
    def _full_gradient(self, m: float, b: float) -> tuple[float, float]: ...

    @abstractmethod
    def _row_gradient(self, m: float, b: float, rows: NDArray[np.intp]) -> tuple[float, float]: ...

    @abstractmethod
    def _one_row_gradient(self, m: float, b: float, row: int) -> tuple[float, float]: ...

    @abstractmethod
    def _row_loss(self, m: float, b: float, rows: NDArray[np.intp]) -> float:
        """Return the mean loss of ``rows`` at (m, b), penalty included: O(len(rows))."""

    @abstractmethod
    def _one_row_loss(self, m: float, b: float, row: int) -> float:
        """Return the loss of one row at (m, b), penalty included."""

    def _evaluate(self, m: float, b: float) -> tuple[float, float, float]:
        """Return the cost and the full gradient at (m, b), sharing work where possible."""
        gm, gb = self._full_gradient(m, b)
        return self._cost(m, b), gm, gb

    def cost_scale(self) -> float:
        """Return a typical cost for this data, used to judge whether a run blew up."""
        return 1.0


class LinearRegression(CostModel):
    """Least squares: J(m, b) = 1/(2n) Σ (y − (m·x + b))² + (l2/2)·m².

    All full-data quantities come from centred sufficient statistics, so a
    batch step costs O(1) whatever the number of rows, and large offsets in x
    or y do not lose precision to cancellation.
    """

    kind = "linear"
    cheap_cost = True
    formula = "J(m, b) = 1/(2n) Σ (y − (m·x + b))²"

    def __init__(self, data: Dataset, l2: float = 0.0) -> None:
        super().__init__(data, l2)
        x, y = data.x, data.y
        self._x_mean = float(x.mean())
        self._y_mean = float(y.mean())
        dx = x - self._x_mean
        dy = y - self._y_mean
        n = self.n
        self._sxx = float(dx @ dx) / n  # variance of x
        self._sxy = float(dx @ dy) / n  # covariance
        self._syy = float(dy @ dy) / n  # variance of y

    def _mean_residual(self, m: float, b: float) -> float:
        return self._y_mean - m * self._x_mean - b

    def _cost(self, m: float, b: float) -> float:
        c = self._mean_residual(m, b)
        # m·(m·sxx − 2·sxy) rather than m²·sxx − …: a steep slope on narrow x stays finite.
        spread = max(self._syy + m * (m * self._sxx - 2.0 * self._sxy), 0.0)
        return 0.5 * (spread + c * c) + 0.5 * self.l2 * m * m

    def _full_gradient(self, m: float, b: float) -> tuple[float, float]:
        # mean(r·x) = mean(r·(x − x̄)) + x̄·mean(r), with mean(r·(x − x̄)) = sxy − m·sxx.
        c = self._mean_residual(m, b)
        return -(self._sxy - m * self._sxx + self._x_mean * c) + self.l2 * m, -c

    def _row_gradient(self, m: float, b: float, rows: NDArray[np.intp]) -> tuple[float, float]:
        x = self.data.x[rows]
        r = self.data.y[rows] - m * x - b
        k = rows.size
        return -float(r @ x) / k + self.l2 * m, -float(r.sum()) / k

    def _one_row_gradient(self, m: float, b: float, row: int) -> tuple[float, float]:
        x = self.data.x.item(row)
        r = self.data.y.item(row) - m * x - b
        return -r * x + self.l2 * m, -r

    def _row_loss(self, m: float, b: float, rows: NDArray[np.intp]) -> float:
        r = self.data.y[rows] - m * self.data.x[rows] - b
        return 0.5 * float(r @ r) / rows.size + 0.5 * self.l2 * m * m

    def _one_row_loss(self, m: float, b: float, row: int) -> float:
        r = self.data.y.item(row) - m * self.data.x.item(row) - b
        return 0.5 * r * r + 0.5 * self.l2 * m * m

    def hessian(self, theta: Theta | None = None) -> FloatArray:
        """Return the (constant) Hessian of the cost."""
        mean_x2 = self._sxx + self._x_mean * self._x_mean
        return np.array([[mean_x2 + self.l2, self._x_mean], [self._x_mean, 1.0]])

    def cost_grid(self, m_values: FloatArray, b_values: FloatArray) -> FloatArray:
        """Return the cost on a grid in O(grid) time, independent of the number of rows."""
        m = np.asarray(m_values, dtype=np.float64)[:, None]
        b = np.asarray(b_values, dtype=np.float64)[None, :]
        spread = np.maximum(self._syy + m * (m * self._sxx - 2.0 * self._sxy), 0.0)
        c = self._y_mean - m * self._x_mean - b
        return 0.5 * (spread + c * c) + 0.5 * self.l2 * m * m

    def cost_scale(self) -> float:
        """Return the cost of the best horizontal line (the variance of y, halved)."""
        return 0.5 * self._syy

    def direct_gradient(self, theta: Theta) -> FloatArray:
        """Return the gradient by the textbook sum over rows (for checks and baselines)."""
        m, b = _theta(theta)
        r = self.data.y - (m * self.data.x + b)
        return np.array([-np.mean(r * self.data.x) + self.l2 * m, -np.mean(r)])


def _sigmoid(z: float) -> float:
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _sigmoid_array(z: FloatArray) -> FloatArray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


class LogisticRegression(CostModel):
    """Cross-entropy of p = σ(m·x + b) against labels y ∈ {0, 1}, plus (l2/2)·m².

    Each row's loss is softplus(u) with u = m·x + b for class 0 and
    u = −(m·x + b) for class 1, evaluated without overflow for any m, b.
    """

    kind = "logistic"
    formula = "J(m, b) = −1/n Σ [y·log p + (1 − y)·log(1 − p)],  p = σ(m·x + b)"

    def __init__(self, data: Dataset, l2: float = 0.0) -> None:
        super().__init__(data, l2)
        y = data.y
        bad = np.flatnonzero((y != 0.0) & (y != 1.0))
        if bad.size:
            i = int(bad[0])
            raise DatasetError(
                f"logistic regression needs every y to be 0 or 1 (a class label); "
                f"row {i + 1} has y = {y[i]:g}"
                + (f", and {bad.size - 1} more rows are not 0 or 1" if bad.size > 1 else "")
            )
        # Rows split by class, so that u = ±(m·x + b) needs no per-row sign.
        self._x0 = np.ascontiguousarray(data.x[y == 0.0])
        self._x1 = np.ascontiguousarray(data.x[y == 1.0])
        self._signs = 1.0 - 2.0 * y  # u's sign per row: +1 for class 0, −1 for class 1
        size = min(_CHUNK, self.n)
        self._buffers = (np.empty(size), np.empty(size), np.empty(size))
        self._ones = np.ones(size)
        self._class_sums = self._python_sums if self.n <= _SMALL else self._numpy_sums

    @staticmethod
    def _python_sums(m: float, b: float, sign: float, x: FloatArray) -> tuple[float, ...]:
        """Return Σ softplus(u), Σ σ(u)·x, Σ σ(u) for u = sign·(m·x + b), row by row."""
        loss = weighted = total = 0.0
        for xi in x.tolist():
            u = sign * (m * xi + b)
            if u > 0.0:
                e = math.exp(-u)
                loss += u + math.log1p(e)
                s = 1.0 / (1.0 + e)
            else:
                e = math.exp(u)
                loss += math.log1p(e)
                s = e / (1.0 + e)
            weighted += s * xi
            total += s
        return loss, weighted, total

    def _numpy_sums(self, m: float, b: float, sign: float, x: FloatArray) -> tuple[float, ...]:
        """Return the same sums as :meth:`_python_sums`, a cache-sized chunk at a time."""
        loss = weighted = total = 0.0
        u_buf, e_buf, s_buf = self._buffers
        for start in range(0, x.size, _CHUNK):
            xc = x[start : start + _CHUNK]
            k = xc.size
            u, e, s, ones = u_buf[:k], e_buf[:k], s_buf[:k], self._ones[:k]
            np.multiply(xc, sign * m, out=u)
            u += sign * b
            try:
                with np.errstate(over="raise", under="ignore"):
                    np.exp(u, out=e)
            except FloatingPointError:
                # Some row is misclassified by a margin beyond exp's range.
                loss += float(np.logaddexp(0.0, u).sum())
                sig = _sigmoid_array(u)
                weighted += float(sig @ xc)
                total += float(sig.sum())
                continue
            np.add(e, 1.0, out=s)
            np.divide(e, s, out=s)  # σ(u) = e / (1 + e)
            np.log1p(e, out=e)  # softplus(u), exact also when e is tiny
            loss += float(e @ ones)
            weighted += float(s @ xc)
            total += float(s @ ones)
        return loss, weighted, total

    def _numpy_loss(self, m: float, b: float, sign: float, x: FloatArray) -> float:
        """Return Σ softplus(u) alone: the cost without the gradient, in half the passes."""
        loss = 0.0
        u_buf, e_buf, _ = self._buffers
        for start in range(0, x.size, _CHUNK):
            xc = x[start : start + _CHUNK]
            k = xc.size
            u, e = u_buf[:k], e_buf[:k]
            np.multiply(xc, sign * m, out=u)
            u += sign * b
            try:
                with np.errstate(over="raise", under="ignore"):
                    np.exp(u, out=e)
            except FloatingPointError:
                loss += float(np.logaddexp(0.0, u).sum())
                continue
            np.log1p(e, out=e)
            loss += float(e @ self._ones[:k])
        return loss

    def _cost(self, m: float, b: float) -> float:
        if self.n <= _SMALL:
            return self._evaluate(m, b)[0]
        loss = self._numpy_loss(m, b, 1.0, self._x0) + self._numpy_loss(m, b, -1.0, self._x1)
        return loss / self.n + 0.5 * self.l2 * m * m

    def _evaluate(self, m: float, b: float) -> tuple[float, float, float]:
        loss0, wx0, w0 = self._class_sums(m, b, 1.0, self._x0)
        loss1, wx1, w1 = self._class_sums(m, b, -1.0, self._x1)
        n = self.n
        # The residual p − y is +σ(u) for class 0 and −σ(u) for class 1.
        cost = (loss0 + loss1) / n + 0.5 * self.l2 * m * m
        return cost, (wx0 - wx1) / n + self.l2 * m, (w0 - w1) / n

    def _full_gradient(self, m: float, b: float) -> tuple[float, float]:
        _, gm, gb = self._evaluate(m, b)
        return gm, gb

    def _row_gradient(self, m: float, b: float, rows: NDArray[np.intp]) -> tuple[float, float]:
        x = self.data.x[rows]
        r = _sigmoid_array(m * x + b) - self.data.y[rows]
        k = rows.size
        return float(r @ x) / k + self.l2 * m, float(r.sum()) / k

    def _one_row_gradient(self, m: float, b: float, row: int) -> tuple[float, float]:
        x = self.data.x.item(row)
        r = _sigmoid(m * x + b) - self.data.y.item(row)
        return r * x + self.l2 * m, r

    def _row_loss(self, m: float, b: float, rows: NDArray[np.intp]) -> float:
        with np.errstate(over="ignore"):  # a far-out point: the loss is then inf, honestly
            u = m * self.data.x[rows] + b
        # softplus(u) for class 0, softplus(−u) for class 1. On a batch, numpy's cost per
        # call outweighs its speed per row: logaddexp is one call where exp, log1p and
        # the rest are six.
        u *= self._signs[rows]
        loss = np.logaddexp(0.0, u, out=u)
        return float(loss.sum()) / rows.size + 0.5 * self.l2 * m * m

    def _one_row_loss(self, m: float, b: float, row: int) -> float:
        u = m * self.data.x.item(row) + b
        if self.data.y.item(row) == 1.0:
            u = -u
        return max(u, 0.0) + math.log1p(math.exp(-abs(u))) + 0.5 * self.l2 * m * m

    def hessian(self, theta: Theta) -> FloatArray:
        """Return the Hessian at ``theta`` (it depends on where you are)."""
        m, b = _theta(theta)
        x = self.data.x
        with np.errstate(over="ignore"):  # a far-out point: σ saturates, which is exact
            p = _sigmoid_array(m * x + b)
        w = p * (1.0 - p)
        n = self.n
        h_mb = float(w @ x) / n
        return np.array([[float(w @ (x * x)) / n + self.l2, h_mb], [h_mb, float(w.sum()) / n]])

    def global_hessian_bound(self) -> FloatArray:
        """Return a matrix above the Hessian everywhere (σ′ ≤ 1/4)."""
        x = self.data.x
        mean_x = float(x.mean())
        return np.array(
            [[0.25 * float(x @ x) / self.n + self.l2, 0.25 * mean_x], [0.25 * mean_x, 0.25]]
        )

    def cost_grid(self, m_values: FloatArray, b_values: FloatArray) -> FloatArray:
        """Return the cost on a grid, in cache-sized blocks so memory stays bounded."""
        m = np.asarray(m_values, dtype=np.float64)
        b = np.asarray(b_values, dtype=np.float64)
        z = np.zeros((m.size, b.size))
        rows = max(1, _GRID_BLOCK // b.size)  # data rows per block
        u_buf = np.empty((b.size, min(rows, max(self.n, 1))))
        e_buf = np.empty_like(u_buf)
        for sign, x in ((1.0, self._x0), (-1.0, self._x1)):
            for start in range(0, x.size, rows):
                xc = x[start : start + rows]
                u, e = u_buf[:, : xc.size], e_buf[:, : xc.size]
                for i, slope in enumerate(m):
                    # softplus(u) = max(u, 0) + log1p(exp(−|u|)): exact, and numpy's
                    # exp and log1p are vectorised where logaddexp is not (~6× faster).
                    np.add.outer(sign * b, (sign * slope) * xc, out=u)
                    np.abs(u, out=e)
                    np.negative(e, out=e)
                    np.exp(e, out=e)
                    np.log1p(e, out=e)
                    np.maximum(u, 0.0, out=u)
                    u += e
                    z[i] += u.sum(axis=1)
        return z / self.n + (0.5 * self.l2 * m * m)[:, None]

    def cost_scale(self) -> float:
        """Return log 2, the cost of predicting p = 1/2 everywhere."""
        return math.log(2.0)


Problem = CostModel
