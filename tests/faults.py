"""Problems that break inside the engine's process on purpose (importable there)."""

from gd_explorer.engine import LinearRegression

#: The slope past which :class:`BreaksPastSlope` raises.
BREAKING_SLOPE = 0.3


class BreaksPastSlope(LinearRegression):
    """The article's cost, raising once the slope passes :data:`BREAKING_SLOPE`.

    It stands for any fault the engine may hit part-way through a run.
    """

    def _cost(self, m: float, b: float) -> float:
        if m > BREAKING_SLOPE:
            raise ArithmeticError(f"planted fault at slope {m:.3f}")
        return super()._cost(m, b)


def exit_at_once(commands: object, frames: object) -> None:
    """Stand in for the engine's process entry: end before serving anything."""
    raise SystemExit(3)
