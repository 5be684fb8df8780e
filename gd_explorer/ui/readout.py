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

#: Pixels between the read-out's columns.
SPACING = 12
#: Point sizes at scale 1.
CAPTION_PT = 11
VALUE_PT = 16
#: Significant digits of every number shown: enough to watch 0.844828 become 0.845011.
DIGITS = 6


def _number(value: float) -> str:
    if math.isnan(value):
        return "undefined"  # f at a point outside its domain (log(x) at x < 0)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{DIGITS}g}"
    if "e" in text:  # 3.2289e+20 as 3.2289e20: shorter, and it still parses
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


class ValueLabel(QLabel):
    """A number of the read-out, always at its one size (readable from the back of a room).

    Its width never sets the window's: a long number (1.23457e-05) in each of six columns
    once pushed a window with the lessons panel open wider than a 1280-pixel screen. The
    read-out puts its fields on more lines instead when they do not fit on one.
    """

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.point_size = float(VALUE_PT)
        self.set_point_size(VALUE_PT)

    def set_point_size(self, points: float) -> None:
        """Draw the number at ``points``."""
        self.point_size = float(points)
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(self.point_size)
        self.setFont(font)

    def width_for(self, text: str) -> float:
        """Return the width in pixels ``text`` takes in this label's font."""
        return QFontMetricsF(self.font()).horizontalAdvance(text)


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
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(SPACING)
        self._grid.setVerticalSpacing(2)
        layout.addLayout(self._grid)
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
        #: The widest text each field has shown, whose room it keeps: the fields move
        #: only when a number needs more room than any before it, not at every step.
        self._widest = dict.fromkeys(self.FIELDS, "")
        self._columns = 0
        self._stretches: list[int] = []
        self._scale = 1.0
        self._theme = style.current_theme()
        self.set_scale(1.0)

    def set_kind(self, kind: str, dimension: int = 2) -> None:
        """Name the numbers for the problem: slope and intercept, or x, y and f(x, y).

        A function of x alone (``dimension`` 1) is f(x), its gradient f′(x).
        """
        names = CAPTIONS.get(kind, {})
        if kind == "function" and dimension == 1:
            names = ONE_VARIABLE
        for caption, field in zip(self.captions, self.FIELDS, strict=True):
            caption.setText(names.get(field, field))
        # Another problem: its numbers may all be short again.
        self._widest = dict.fromkeys(self.FIELDS, "")
        self._arrange()

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
        self._arrange()

    @property
    def columns(self) -> int:
        """Return how many fields stand side by side (six on one line when they fit)."""
        return self._columns

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Put the fields on as few lines as their width allows."""
        super().resizeEvent(event)
        self._arrange()

    def _needs(self) -> list[float]:
        """Return the width each field needs: its caption, its widest and its current text."""
        needs = []
        for caption, name in zip(self.captions, self.FIELDS, strict=True):
            value = self.values[name]
            texts = (self._widest[name], value.text())
            caption_width = QFontMetricsF(caption.font()).horizontalAdvance(caption.text())
            needs.append(max(caption_width, *(value.width_for(t) for t in texts)) + 2.0)
        return needs

    def _arrange(self) -> None:
        """Lay the fields out in the most columns that fit the width, each at its size.

        The numbers keep one size; a narrow read-out (the lessons panel open at 1280
        pixels, large text) takes two or three lines instead of shrinking them.
        """
        needs = self._needs()
        margins = self._grid.contentsMargins()
        room = self.contentsRect().width() - margins.left() - margins.right() - 8
        count = len(self.FIELDS)
        columns, widths = 1, [max(needs)]
        for n in (n for n in range(count, 0, -1) if count % n == 0):  # rows alike: 6, 3, 2, 1
            widths = [max(needs[j::n]) for j in range(n)]
            if sum(widths) + SPACING * (n - 1) <= room or n == 1:
                columns = n
                break
        if columns != self._columns:
            self._columns = columns
            for i, name in enumerate(self.FIELDS):
                row, column = divmod(i, columns)
                self._grid.addWidget(self.captions[i], 2 * row, column)
                self._grid.addWidget(self.values[name], 2 * row + 1, column)
        # Room in proportion to need: every column then gets at least what it needs.
        stretches = [round(widths[c]) if c < columns else 0 for c in range(count)]
        if stretches != self._stretches:  # a new stretch relays the window out: not per frame
            self._stretches = stretches
            for column, stretch in enumerate(stretches):
                self._grid.setColumnStretch(column, stretch)

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
        # The step's room is that of the last step, known from the start of the run.
        self._keep_room({"step": f"{total:,} of {total:,}"})

    def show_status(self, status: str) -> None:
        """Show a new status (paused, running) and keep the numbers of the step shown.

        A sentence (how a run on a function ended) shows its gist; the whole of it is
        the tooltip.
        """
        label = self.values["status"]
        if status in STATUS_TEXT:
            label.setText(STATUS_TEXT[status])
            label.setToolTip("")
        else:
            label.setText(status_words(status)[0])  # as the runs panel says it
            label.setToolTip(status)
        self._keep_room({})

    def _keep_room(self, widest: dict[str, str]) -> None:
        """Keep room for each field's text now (and ``widest``); rearrange if it grew."""
        grew = False
        for name, value in self.values.items():
            for text in (value.text(), widest.get(name, "")):
                if value.width_for(text) > value.width_for(self._widest[name]):
                    self._widest[name] = text
                    grew = True
        if grew:
            self._arrange()

    def show_banner(self, message: str | None) -> None:
        """Show a divergence explanation, or hide the banner with None."""
        if message:
            self.banner.setText(message)
            self.banner.show()
        else:
            self.banner.hide()
