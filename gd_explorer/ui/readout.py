"""The numbers of the current step, and the banner that explains a divergence."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from gd_explorer.ui import style

STATUS_TEXT = {
    "ready": "ready",
    "running": "running",
    "paused": "paused",
    "max_steps": "finished",
    "converged": "converged",
    "diverged": "diverged",
}

#: Point sizes at scale 1.
CAPTION_PT = 11
VALUE_PT = 16


def _number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.4e}"


class Readout(QWidget):
    """Step k of N, cost, slope, intercept, gradient size and status, in large type."""

    FIELDS = ("step", "cost", "slope", "intercept", "gradient", "status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readout")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.banner = QLabel()
        self.banner.setObjectName("divergenceBanner")
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet(
            "QLabel { background: #b00020; color: white; font-size: 17pt; font-weight: bold;"
            " padding: 8px; border-radius: 4px; }"
        )
        self.banner.hide()
        layout.addWidget(self.banner)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        layout.addLayout(grid)
        self.values: dict[str, QLabel] = {}
        self.captions: list[QLabel] = []
        for column, name in enumerate(self.FIELDS):
            caption = QLabel(name)
            value = QLabel("–")
            value.setObjectName(f"{name}Readout")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
            self.values[name] = value
            self.captions.append(caption)
        self._scale = 1.0
        self._theme = style.current_theme()
        self.set_scale(1.0)

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the captions (the numbers follow the application's palette)."""
        self._theme = theme
        self.set_scale(self._scale)

    def set_scale(self, factor: float) -> None:
        """Scale the numbers and captions by ``factor`` (presentation mode)."""
        self._scale = factor
        for caption in self.captions:
            caption.setStyleSheet(
                f"color: {self._theme.muted}; font-size: {CAPTION_PT * factor:.1f}pt;"
            )
        for value in self.values.values():
            value.setStyleSheet(f"font-size: {VALUE_PT * factor:.1f}pt; font-weight: 600;")

    def show_step(
        self,
        step: int,
        total: int,
        cost: float,
        theta: tuple[float, float],
        gradient_norm: float | None,
        status: str,
    ) -> None:
        """Show the numbers of step ``step`` of ``total``."""
        values = self.values
        values["step"].setText(f"{step:,} of {total:,}")
        values["cost"].setText(_number(cost))
        values["slope"].setText(_number(theta[0]))
        values["intercept"].setText(_number(theta[1]))
        values["gradient"].setText("–" if gradient_norm is None else _number(gradient_norm))
        values["status"].setText(STATUS_TEXT.get(status, status))

    def show_status(self, status: str) -> None:
        """Show a new status (paused, running) and keep the numbers of the step shown."""
        self.values["status"].setText(STATUS_TEXT.get(status, status))

    def show_banner(self, message: str | None) -> None:
        """Show a divergence explanation, or hide the banner with None."""
        if message:
            self.banner.setText(message)
            self.banner.show()
        else:
            self.banner.hide()
