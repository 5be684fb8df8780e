"""The numbers of the current step, and the banner that explains a divergence."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gd_explorer.ui import style
from gd_explorer.ui.runs_panel import status_words

STATUS_TEXT = {
    "ready": "ready",
    "running": "running",
    "paused": "paused",
    "max_steps": "finished",
    "converged": "converged",
    "diverged": "diverged",
    "failed": "failed",
}

#: The captions that differ from the fields' names, by the problem's kind.
CAPTIONS = {
    "function": {
        "cost": "f(x, y)",
        "slope": "x",
        "intercept": "y",
        "gradient": "|\N{NABLA}f|",
    },
}

ONE_VARIABLE = {"cost": "f(x)", "slope": "x", "intercept": "y (not used)", "gradient": "|f′(x)|"}

#: Point sizes at scale 1.
CAPTION_PT = 11
VALUE_PT = 16
#: Texts as long as the usual step and numbers: the read-out takes two rows when a row
#: has no room for them at :data:`ROW_SHARE` of their size.
STEP_SAMPLE = "1,234 of 10,000"
NUMBER_SAMPLE = "0.0001371"
ROW_SHARE = 0.8


def _number(value: float) -> str:
    if math.isnan(value):
        return "undefined"  # f at a point outside its domain (log(x) at x < 0)
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.4e}"


#: The smallest a number is drawn when its column is narrow, as a share of its size.
SMALLEST_SHARE = 0.4


class ValueLabel(QLabel):
    """A number of the read-out: at its size, or smaller when its column is too narrow.

    Its width never sets the window's: a long number (1.23457e-05) in each of six columns
    once pushed a window with the lessons panel open wider than a 1280-pixel screen.
    """

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.point_size = float(VALUE_PT)  # the size asked for; the drawn one may be smaller
        self._fit()

    def set_point_size(self, points: float) -> None:
        """Draw the number at ``points`` where it fits."""
        self.point_size = float(points)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Show ``text``, shrunk to fit its column if need be."""
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Refit the number to its new width."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(self.point_size)
        room = self.contentsRect().width()
        smallest = self.point_size * SMALLEST_SHARE
        needed = QFontMetricsF(font).horizontalAdvance(self.text())
        # Text width is not quite proportional to the size (hinting): shrink until it fits.
        while room > 0 and needed > room and font.pointSizeF() > smallest:
            font.setPointSizeF(max(font.pointSizeF() * min(room / needed, 0.97), smallest))
            needed = QFontMetricsF(font).horizontalAdvance(self.text())
        if font != self.font():
            self.setFont(font)


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
        self._grid = grid
        self._columns = 0
        self.values: dict[str, ValueLabel] = {}
        self.captions: list[QLabel] = []
        for name in self.FIELDS:
            caption = QLabel(name)
            # Its width never sets the window's either: too narrow, the fields take two rows.
            caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            value = ValueLabel("–")
            value.setObjectName(f"{name}Readout")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            self.captions.append(caption)
        self._arrange(len(self.FIELDS))
        self._scale = 1.0
        self._theme = style.current_theme()
        self.set_scale(1.0)

    def _arrange(self, columns: int) -> None:
        """Lay the fields out in ``columns`` columns (six, three or two to a row)."""
        if columns == self._columns:
            return
        self._columns = columns
        grid = self._grid
        for index, name in enumerate(self.FIELDS):
            row, column = 2 * (index // columns), index % columns
            grid.addWidget(self.captions[index], row, column)  # moves it if placed
            grid.addWidget(self.values[name], row + 1, column)
        for column in range(len(self.FIELDS)):
            # "123,456 of 1,000,000" is the longest: its column gets twice the room.
            stretch = 2 if column == 0 else 1
            grid.setColumnStretch(column, stretch if column < columns else 0)

    def needed_width(self, columns: int, share: float = 1.0) -> int:
        """Return the width the fields need in ``columns`` columns at ``share`` of their size."""
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(VALUE_PT * self._scale * share)
        metrics = QFontMetricsF(font)
        widths = []
        for caption, name in zip(self.captions, self.FIELDS, strict=True):
            sample = STEP_SAMPLE if name == "step" else NUMBER_SAMPLE
            value = metrics.horizontalAdvance(sample)
            widths.append(max(caption.sizeHint().width(), math.ceil(value)))
        per_row = [sum(widths[i : i + columns]) for i in range(0, len(widths), columns)]
        layout = self.layout()
        margins = None if layout is None else layout.contentsMargins()
        spare = 0 if margins is None else margins.left() + margins.right()
        spacing = self._grid.horizontalSpacing() * (columns - 1)
        return max(per_row) + spacing + spare

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Take two rows when one is too narrow for the numbers at their size."""
        super().resizeEvent(event)
        self._rearrange()

    def _rearrange(self) -> None:
        for columns in (6, 3):
            if self.width() >= self.needed_width(columns, ROW_SHARE):
                break
        else:
            columns = 2
        self._arrange(columns)

    def set_kind(self, kind: str, dimension: int = 2) -> None:
        """Name the numbers for the problem: slope and intercept, or x, y and f(x, y).

        A function of x alone (``dimension`` 1) is f(x), its gradient f′(x).
        """
        names = CAPTIONS.get(kind, {})
        if kind == "function" and dimension == 1:
            names = ONE_VARIABLE
        for caption, field in zip(self.captions, self.FIELDS, strict=True):
            caption.setText(names.get(field, field))

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
            value.set_point_size(VALUE_PT * factor)
        self._rearrange()

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
        self.show_status(status)

    def show_status(self, status: str) -> None:
        """Show a new status (paused, running) and keep the numbers of the step shown.

        A sentence (how a run on a function ended) shows its gist; the whole of it is
        the tooltip.
        """
        label = self.values["status"]
        if status in STATUS_TEXT:
            label.setText(STATUS_TEXT[status])
            label.setToolTip("")
            return
        label.setText(status_words(status)[0])  # as the runs panel says it
        label.setToolTip(status)

    def show_banner(self, message: str | None) -> None:
        """Show a divergence explanation, or hide the banner with None."""
        if message:
            self.banner.setText(message)
            self.banner.show()
        else:
            self.banner.hide()
