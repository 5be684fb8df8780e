"""The settings panel: every control, each leaving through one handler as new Settings."""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from gd_explorer.engine.functions import SURFACE_INFO
from gd_explorer.engine.symbolic import MAX_LENGTH
from gd_explorer.settings import (
    CONDITION_RANGE,
    LEARNING_RATE_RANGE,
    MAX_L2,
    MAX_NOISE,
    MAX_STEPS,
    ROTATION_RANGE,
    SPEEDS,
    TYPED,
    Settings,
    options,
    surface_defaults,
)
from gd_explorer.ui import style
from gd_explorer.ui.rules import RULES, SCHEDULES, Choice, Option, allows

MODEL_LABELS = {
    "linear": "Linear (least squares)",
    "logistic": "Logistic (two classes)",
    "function": "Function (no data)",
}
#: The surface picker's last entry: the function typed in the field under it.
TYPED_LABEL = "Your own function…"
#: Why the controls about data do nothing on a function.
NO_DATA_TIPS = {
    "variant": "A function has no data points to sample, so every step uses its exact "
    "gradient. Its stochastic descent is gradient noise (below), as optimisation texts "
    "model it.",
    "scaling": "Standardising rescales the data's x; a function has no data, so there is "
    "nothing to rescale.",
}
#: The L2 penalty's row, as a student reads it, and what it adds to the cost.
L2_LABEL = "L2 penalty \N{GREEK SMALL LETTER LAMDA}"
L2_TIP = (
    "Adds (\N{GREEK SMALL LETTER LAMDA}/2)\N{MIDDLE DOT}m\N{SUPERSCRIPT TWO} to the cost: "
    "J + (\N{GREEK SMALL LETTER LAMDA}/2)\N{MIDDLE DOT}m\N{SUPERSCRIPT TWO}. "
    "A steep slope then costs something, so the fit stays moderate (ridge regression on a "
    "line). On classes that are perfectly separated it gives the cost a bottom: "
    "without it the slope grows for ever. 0: no penalty. Every run shares it."
)
#: Positions of the condition number's log slider per factor of ten.
CONDITION_STEPS_PER_DECADE = 100
#: The most text the function field holds: more than the parser takes, so text too long
#: is refused with a message rather than cut to a formula the user did not write.
FIELD_LENGTH = 4 * MAX_LENGTH
#: The most text of a refused formula shown either side of the column at fault.
ERROR_CONTEXT = 30
VARIANT_LABELS = {
    "batch": "Batch: all points",
    "stochastic": "Stochastic: 1 point",
    "minibatch": "Mini-batch: a few",
}
#: What each rule does, in a learner's words (the combo's tooltip, beside the formula).
RULE_HINTS = {
    "gd": "Steps straight down the slope, further where the slope is steeper.",
    "momentum": "A heavy ball: keeps part of its speed, so it rolls through a long narrow "
    "valley instead of zig-zagging across it.",
    "nesterov": "Momentum that looks where it is heading before it steps, so it overshoots less.",
    "adagrad": "Gives each parameter its own step size, which shrinks as that parameter's "
    "slopes add up.",
    "rmsprop": "Like AdaGrad, but forgets old slopes, so the step size does not shrink for ever.",
    "adam": "Momentum and RMSProp's own step size per parameter together: a common default "
    "for neural networks.",
    "newton": "Uses the curvature as well as the slope: on a least-squares bowl one step at "
    "learning rate 1 lands on the bottom.",
    "linesearch": "Tries a step of the learning rate and halves it until the cost drops "
    "enough, so it never overshoots.",
}
#: A few plain words after each rule's name in the list, where the name alone says little.
RULE_WORDS = {
    "momentum": "heavy ball",
    "nesterov": "looks ahead",
    "adagrad": "shrinking steps",
    "rmsprop": "adaptive steps",
    "adam": "momentum + adaptive steps",
    "newton": "uses curvature",
}
SCHEDULE_HINTS = {
    "constant": "The same learning rate at every step.",
    "step": "Multiplies the rate by a factor every so many steps.",
    "exponential": "Multiplies the rate by a factor at every step.",
    "inverse": "Divides the rate by 1 + decay × step: stochastic descent then settles on the "
    "bottom instead of jittering around it.",
    "cosine": "Lowers the rate along half a cosine wave, from the learning rate down to the "
    "smallest rate at the last step.",
}
SLIDER_STEPS_PER_DECADE = 100


class _Refusing:
    """What the number fields share: typed text is read whole or refused, never cut.

    Any text may be typed; Enter reads it or refuses it with a message, keeping the old
    value, never clamped and never half of it. A field defines ``_read(text)`` (the
    value, or None when refused), ``_kind`` (what it takes, for the message) and
    ``_show(value)``.
    """

    _name: str
    _kind: str
    rejected: Any

    def _read(self, text: str) -> Any:
        raise NotImplementedError

    def _show(self, value: Any) -> str:
        raise NotImplementedError

    def valueFromText(self, text: str) -> Any:  # noqa: N802 - Qt's name
        """Read the typed text; an unreadable one keeps the value."""
        value = self._read(text)
        return self.value() if value is None else value  # type: ignore[attr-defined]

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """Accept readable values in range; anything else stays editable until Enter."""
        ok = self._read(text) is not None
        state = QValidator.State.Acceptable if ok else QValidator.State.Intermediate
        return (state, text, pos)

    def fixup(self, text: str) -> str:
        """Refuse text that cannot be read, with a message."""
        low, high = self.minimum(), self.maximum()  # type: ignore[attr-defined]
        value = self.value()  # type: ignore[attr-defined]
        self.rejected.emit(
            f"{self._name}: {text.strip()!r} is not {self._kind} between "
            f"{self._show(low)} and {self._show(high)}; kept {self._show(value)}"
        )
        return self.textFromValue(value)  # type: ignore[attr-defined]


class NumberBox(_Refusing, QDoubleSpinBox):
    """A number field that keeps the exact value typed and shows it compactly."""

    rejected = Signal(str)
    _kind = "a number"

    def __init__(self, name: str, low: float, high: float, parent: QWidget | None = None):
        super().__init__(parent)
        self._name = name
        self.setDecimals(15)
        self.setRange(low, high)
        self.setKeyboardTracking(False)  # a value leaves on Enter or focus-out, not per key
        self.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        """Show up to six significant digits."""
        return f"{value:.6g}"

    def _show(self, value: float) -> str:
        return f"{value:g}"

    def _read(self, text: str) -> float | None:
        """Any float notation (1e-3, 0.001), finite and in range."""
        try:
            value = float(text)
        except ValueError:
            return None
        ok = math.isfinite(value) and self.minimum() <= value <= self.maximum()
        return value if ok else None


class CountBox(_Refusing, QSpinBox):
    """A whole-number field (steps, batch size, seed).

    A plain spin box drops each key it cannot take, so ``1e6`` became 16 steps without
    a word. Here ``1e6``, ``4,000`` and ``4 000`` are read whole, or refused.
    """

    rejected = Signal(str)
    _kind = "a whole number"

    def __init__(self, name: str, low: int, high: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._name = name
        self.setRange(low, high)
        self.setGroupSeparatorShown(True)
        self.setKeyboardTracking(False)  # a value leaves on Enter or focus-out, not per key
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def _show(self, value: int) -> str:
        return f"{value:,}"

    def _read(self, text: str) -> int | None:
        cleaned = "".join(text.split()).replace(self.locale().groupSeparator(), "")
        cleaned = cleaned.replace(",", "").replace("_", "")
        try:
            value = float(cleaned)
        except ValueError:
            return None
        if not math.isfinite(value) or value != int(value):
            return None
        number = int(value)
        return number if self.minimum() <= number <= self.maximum() else None


class OptionBox(NumberBox):
    """A field for one option of an update rule or schedule, taking exactly its range.

    Open bounds (β < 1, ε > 0) are refused like any value out of range, with the range
    said in the message.
    """

    def __init__(self, spec: Option, owner: str, parent: QWidget | None = None) -> None:
        low, high = (
            _spin_bound(spec.low, spec.low_open, 1),
            _spin_bound(spec.high, spec.high_open, -1),
        )
        self.spec = spec  # before Qt's set-up, which already reads and shows values
        super().__init__(f"{owner}: {spec.label}", low, high, parent)
        self.setDecimals(323)  # the most Qt keeps: an ε of 1e-20 must not round to 0
        if spec.whole:
            self.setStepType(QDoubleSpinBox.StepType.DefaultStepType)
            self.setSingleStep(1.0)
        self.setValue(spec.default)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Be as wide as the other number fields, whatever the option's bounds."""
        return self._as_wide_as_others(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Be as narrow as the other number fields, whatever the option's bounds."""
        return self._as_wide_as_others(super().minimumSizeHint())

    def _as_wide_as_others(self, hint: QSize) -> QSize:
        # Qt sizes a spin box for the text of its bounds, which for an open or missing
        # bound is 17 digits long; size it for a bound of a million, as the others are.
        metrics = self.fontMetrics()
        used = max(
            metrics.horizontalAdvance(self.textFromValue(v)[:18])
            for v in (self.minimum(), self.maximum())
        )
        hint.setWidth(max(hint.width() - used + metrics.horizontalAdvance("-1e+06"), 1))
        return hint

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        """Show six significant digits, or every digit when six would leave the range."""
        short = f"{value:.6g}"
        return short if allows(self.spec, float(short)) else repr(value)

    def _read(self, text: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            return None
        return value if allows(self.spec, value) else None

    def fixup(self, text: str) -> str:
        """Refuse text out of the option's range, saying what the range is."""
        value = self.value()
        self.rejected.emit(
            f"{self._name}: {text.strip()!r} is not {self.spec.describe_range()}; "
            f"kept {self.textFromValue(value)}"
        )
        return self.textFromValue(value)


def _spin_bound(bound: float, open_: bool, inward: int) -> float:
    """Return the spin box's limit for an option bound: finite, and inside an open bound."""
    if math.isinf(bound):
        return -inward * sys.float_info.max
    if not open_:
        return bound
    if bound == 0.0:
        return inward * 1e-323  # the smallest step the spin box's 323 decimals keep
    return math.nextafter(bound, inward * math.inf)


def _formula_text(settings: Settings) -> str:
    """Return the function ``settings`` name as text to edit ("" if it has none).

    The bowl's own text carries twelve-digit sines and cosines: offered rounded.
    """
    if settings.surface == "bowl":
        angle = math.radians(settings.rotation)
        c, s = (round(v, 4) + 0.0 for v in (math.cos(angle), math.sin(angle)))
        u, v = _linear(c, s), _linear(-s, c)
        return f"0.5*({u}**2 + {settings.condition:g}*{v}**2)"
    info = SURFACE_INFO.get(settings.surface)
    return info.expression if info is not None else ""


def _linear(a: float, b: float) -> str:
    """Return a·x + b·y as text, without terms of 0 or factors of 1."""
    terms: list[str] = []
    for coefficient, name in ((a, "x"), (b, "y")):
        if coefficient == 0:
            continue
        size = abs(coefficient)
        term = name if size == 1 else f"{size:g}*{name}"
        sign = "-" if coefficient < 0 else "+"
        terms.append(f"{sign} {term}" if terms else ("-" if sign == "-" else "") + term)
    return "(" + " ".join(terms) + ")"


def _pair(point: tuple[float, float]) -> str:
    """Return a point as a person writes it, with true minus signs."""
    return f"({point[0]:g}, {point[1]:g})".replace("-", "\N{MINUS SIGN}")


def _object_name(*words: str) -> str:
    """Return ``words`` joined in camel case, as the fixed object names are spelled."""
    parts = [part for word in words for part in word.split("_")]
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:]) + "Input"


def _row_label(label: str) -> str:
    return label[:1].upper() + label[1:] if label[:1].isascii() else label


SLIDER_TIP = "Drag to change the learning rate (a log scale: 1e-6 … 10)."


def _choice_combo(
    name: str,
    table: Mapping[str, Choice],
    words: Mapping[str, str],
    hints: Mapping[str, str],
    tip: str,
) -> QComboBox:
    """Return a combo offering each choice by its label (and a few words), hinted in full."""
    labels = {
        key: f"{choice.label} ({words[key]})" if key in words else choice.label
        for key, choice in table.items()
    }
    box = _combo(name, labels, tip)
    for index, (key, choice) in enumerate(table.items()):
        hint = hints.get(key, "")
        box.setItemData(
            index, f"{hint}\n{choice.description}".strip(), Qt.ItemDataRole.ToolTipRole
        )
    return box


def _option_boxes(table: Mapping[str, Choice], kind: str) -> dict[str, dict[str, OptionBox]]:
    """Return a field for each option of each choice in ``table``, named for tests."""
    fields: dict[str, dict[str, OptionBox]] = {}
    for key, choice in table.items():
        fields[key] = {}
        for spec in choice.specs:
            box = OptionBox(spec, choice.label)
            box.setObjectName(
                _object_name(key, kind.lower(), spec.name)
                if kind
                else _object_name(key, spec.name)
            )
            box.setToolTip(
                f"{choice.label}: {spec.label}, {spec.describe_range()}.\n{choice.description}"
            )
            fields[key][spec.name] = box
    return fields


def _combo(name: str, labels: dict[str, str], tip: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    # Shrink with the panel instead of pushing it wider than the window allows.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)
    for key, label in labels.items():
        box.addItem(label, key)
    box.setToolTip(tip)
    return box


#: The learning-rate bands, slowest first: name (also the label), Okabe–Ito colour (safe for
#: the common colour-vision deficiencies) and a fill pattern, so colour is never all that
#: tells them apart.
BANDS = (
    ("smooth", "#009E73", Qt.BrushStyle.SolidPattern),
    ("oscillating", "#E69F00", Qt.BrushStyle.BDiagPattern),
    ("diverging", "#D55E00", Qt.BrushStyle.DiagCrossPattern),
)


def band_fill(colour: str, dark: bool, strength: float = 1.0) -> QColor:
    """Return a band's translucent fill: stronger on a dark background, where it fades.

    ``strength`` scales the opacity (a plot behind data wants less than a strip).
    """
    fill = QColor(colour)
    fill.setAlpha(round((120 if dark else 80) * strength))
    return fill


def rate_text(rate: float) -> str:
    """Return a learning rate as a person reads it: three digits, ∞ for no limit."""
    return "∞" if math.isinf(rate) else f"{rate:.3g}"


def bands_text(one_over_l: float, two_over_l: float, local: bool) -> str:
    """Return the bands in words, for the caption, tooltips and screen readers."""
    where = "Local, at the current point: smooth" if local else "Smooth"
    return (
        f"{where} up to {rate_text(one_over_l)} (1/\N{WORD JOINER}L) · oscillating up to "
        f"{rate_text(two_over_l)} (2/\N{WORD JOINER}L) · diverging above"
    )


class RateBands(QWidget):
    """A strip under the learning-rate slider: smooth, oscillating and diverging rates.

    Edges are slider positions (floats); the strip draws them under the slider's handle
    positions, labelled in words where a band is wide enough, patterned everywhere.
    """

    def __init__(self, slider: QSlider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learningRateBands")
        self._slider = slider
        self._edges: tuple[float, float] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 6)

    @property
    def edges(self) -> tuple[float, float] | None:
        """(float, float) or None: the slider positions of 1/L and 2/L, as drawn."""
        return self._edges

    def set_edges(self, edges: tuple[float, float] | None) -> None:
        """Draw the bands with edges at these slider positions (None: no bands)."""
        self._edges = edges
        self.update()

    def slider_x(self, position: float) -> float:
        """Return the x, in the slider's own pixels, of the handle's centre at ``position``."""
        slider = self._slider
        option = QStyleOptionSlider()
        slider.initStyleOption(option)
        control = QStyle.ComplexControl.CC_Slider
        groove = slider.style().subControlRect(
            control, option, QStyle.SubControl.SC_SliderGroove, slider
        )
        handle = slider.style().subControlRect(
            control, option, QStyle.SubControl.SC_SliderHandle, slider
        )
        low, high = slider.minimum(), slider.maximum()
        share = (position - low) / (high - low) if high > low else 0.0
        span = groove.width() - handle.width()
        return groove.x() + handle.width() / 2 + share * span

    def edge_pixels(self) -> tuple[float, float] | None:
        """Return where the edges fall on the slider, in its pixels (None: no bands)."""
        if self._edges is None:
            return None
        return self.slider_x(self._edges[0]), self.slider_x(self._edges[1])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Draw each band filled, patterned and, where it fits, named."""
        if self._edges is None:
            return
        origin = self.mapTo(self.window(), QPoint(0, 0)).x()
        shift = self._slider.mapTo(self.window(), QPoint(0, 0)).x() - origin
        ends = (self._slider.minimum(), *self._edges, self._slider.maximum())
        xs = [round(self.slider_x(p) + shift) for p in ends]
        theme = style.current_theme()
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        height = self.height()
        for (name, colour, pattern), left, right in zip(BANDS, xs, xs[1:], strict=False):
            if right <= left:
                continue
            rect = QRect(left, 0, right - left, height)
            painter.fillRect(rect, band_fill(colour, theme.dark))
            if pattern != Qt.BrushStyle.SolidPattern:
                painter.fillRect(rect, QBrush(QColor(colour), pattern))
            label = next(
                (t for t in (name, name[0]) if metrics.horizontalAdvance(t) + 4 <= rect.width()),
                "",
            )
            painter.setPen(QColor(theme.foreground))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.setPen(QPen(QColor(theme.foreground), 1))
        for x in xs[1:3]:
            painter.drawLine(x, 0, x, height)
        painter.end()


class ControlsPanel(QWidget):
    """All settings. ``set_settings`` only shows; user edits leave as ``settingsEdited``."""

    settingsEdited = Signal(object)  # Settings
    rejected = Signal(str)  # a refused entry, for the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = Settings()
        self._rows = 1  # points in the data (the largest batch), set with the settings
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A row too wide for the panel puts its field under its label instead of being cut
        # off at the panel's edge (the panel scrolls up and down only).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setContentsMargins(0, 0, 0, 0)  # whoever holds the panel gives it margins

        self.model = _combo(
            "modelInput",
            MODEL_LABELS,
            "What the model predicts: a straight line through the points (linear), or the "
            "probability that a point is class 1 (logistic). Or no data at all: a function "
            "of x and y to minimise (your data is kept for when you come back).",
        )
        self.surface = QComboBox()
        self.surface.setObjectName("surfaceInput")
        self.surface.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.surface.setMinimumContentsLength(12)
        for name, info in SURFACE_INFO.items():
            self.surface.addItem(info.title, name)
            self.surface.setItemData(
                self.surface.count() - 1,
                f"{info.note}.\nStarts at {_pair(info.start)} with learning rate "
                f"{info.learning_rate:g}.",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.surface.addItem(TYPED_LABEL, TYPED)
        self.surface.setItemData(
            self.surface.count() - 1,
            "Type a formula in x and y in the field below; its gradient and Hessian are "
            "worked out exactly.",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.surface.setToolTip(
            "The function to minimise: a classic test surface, or your own. Choosing one "
            "puts the start and the learning rate where it behaves."
        )
        self.expression = QLineEdit()
        self.expression.setObjectName("expressionInput")
        self.expression.setPlaceholderText("e.g. x**2 + 3*y**2")
        self.expression.setToolTip(
            "A formula in x and y: + − * / ** and brackets, numbers, pi and e, and sin, "
            "cos, tan, exp, log, sqrt, abs, tanh … Press Enter to use it."
        )
        self.expression.setAccessibleName("Your own function f(x, y)")
        # Qt's default cap (32,767 characters) took 0.2 s to paste and lay out a megabyte;
        # anything past the parser's limit is refused anyway, with a message.
        self.expression.setMaxLength(FIELD_LENGTH)
        self.expression_error = QLabel()
        self.expression_error.setObjectName("expressionError")
        self.expression_error.setWordWrap(True)
        self.expression_error.setTextFormat(Qt.TextFormat.RichText)
        error_policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        error_policy.setHeightForWidth(True)
        self.expression_error.setSizePolicy(error_policy)
        self._shown_expression: str | None = None  # what the state said, last shown
        low_k, high_k = CONDITION_RANGE
        self.condition = NumberBox("condition number", low_k, high_k)
        self.condition.setObjectName("conditionInput")
        self.condition.setToolTip(
            "How much steeper the bowl is across its valley than along it (1: round, "
            "1000: a long narrow trough). Plain gradient descent needs about this many "
            "steps for each factor e it gets closer."
        )
        self.condition_slider = QSlider(Qt.Orientation.Horizontal)
        self.condition_slider.setObjectName("conditionSlider")
        self.condition_slider.setRange(
            0, round(math.log10(high_k / low_k) * CONDITION_STEPS_PER_DECADE)
        )
        self.condition_slider.setToolTip("Drag to change the condition number (a log scale).")
        condition_row = QWidget()
        condition_layout = QGridLayout(condition_row)
        condition_layout.setContentsMargins(0, 0, 0, 0)
        condition_layout.addWidget(self.condition, 0, 0)
        condition_layout.addWidget(self.condition_slider, 0, 1)
        condition_layout.setColumnStretch(1, 1)
        self._condition_row = condition_row
        self.rotation = NumberBox("rotation (degrees)", *ROTATION_RANGE)
        self.rotation.setObjectName("rotationInput")
        self.rotation.setToolTip("How far the bowl's valley is turned, in degrees.")
        self.noise = NumberBox("gradient noise", 0.0, MAX_NOISE)
        self.noise.setObjectName("noiseInput")
        self.noise.setToolTip(
            "Noisy gradient: Gaussian noise of this standard deviation is added to each "
            "gradient (0: none), as optimisation texts model stochastic descent. The "
            "run's random seed draws it, so the same seed repeats the run."
        )
        self.variant = _combo(
            "variantInput",
            VARIANT_LABELS,
            "How many points each step looks at: all of them (batch), one picked at random "
            "(stochastic) or a few picked at random (mini-batch).",
        )
        self.optimizer = _choice_combo(
            "optimizerInput",
            RULES,
            RULE_WORDS,
            RULE_HINTS,
            "The rule that turns the slope of the cost into a step.",
        )
        self.schedule = _choice_combo(
            "scheduleInput",
            SCHEDULES,
            {},
            SCHEDULE_HINTS,
            "How the learning rate changes from step to step.",
        )
        self.scaling = QCheckBox("Standardise x")
        self.scaling.setObjectName("scalingInput")
        self.scaling.setToolTip(
            "Shift and scale x to mean 0 and standard deviation 1 before descending, so the "
            "cost's long narrow valley becomes a round bowl. Results are shown back in the "
            "data's own units."
        )
        self.l2 = NumberBox("L2 penalty \N{GREEK SMALL LETTER LAMDA}", 0.0, MAX_L2)
        self.l2.setObjectName("l2Input")
        self.l2.setToolTip(L2_TIP)
        self.l2.setAccessibleName(L2_LABEL)
        # One field per option of each rule and schedule, shown only while it is chosen.
        self.rule_options = _option_boxes(RULES, "")
        self.schedule_options = _option_boxes(SCHEDULES, "Schedule")
        low, high = LEARNING_RATE_RANGE
        self.rate = NumberBox("learning rate", low, high)
        self.rate.setObjectName("learningRateInput")
        self.rate.setToolTip(
            "How far each step moves, as a multiple of the cost's slope. Too small: slow. "
            "Too large: the ball overshoots the bottom and can fly off."
        )
        self.rate_slider = QSlider(Qt.Orientation.Horizontal)
        self.rate_slider.setObjectName("learningRateSlider")
        decades = math.log10(high / low)
        self.rate_slider.setRange(0, round(decades * SLIDER_STEPS_PER_DECADE))
        self.rate_slider.setToolTip(SLIDER_TIP)
        self.rate_bands = RateBands(self.rate_slider)
        self.band_caption = QLabel()
        self.band_caption.setObjectName("learningRateBandsCaption")
        self.band_caption.setWordWrap(True)
        # Wrap to the panel's width rather than ask for a wider panel.
        caption_policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        caption_policy.setHeightForWidth(True)
        self.band_caption.setSizePolicy(caption_policy)
        # The slider spans the panel under its field: the bands need the room.
        self.rate_scale = QWidget()
        rate_scale = QGridLayout(self.rate_scale)
        rate_scale.setContentsMargins(0, 0, 0, 0)
        rate_scale.setVerticalSpacing(2)
        rate_scale.addWidget(self.rate_slider, 0, 0)
        rate_scale.addWidget(self.rate_bands, 1, 0)
        rate_scale.addWidget(self.band_caption, 2, 0)

        self.steps = CountBox("steps", 1, MAX_STEPS)
        self.steps.setObjectName("stepsInput")
        self.steps.setToolTip("How many steps the run takes at most.")
        self.batch = CountBox("batch size", 1, 1_000_000)
        self.batch.setObjectName("batchSizeInput")
        self.batch.setToolTip("How many random points each mini-batch step averages over.")
        self.seed = CountBox("random seed", 0, 2**31 - 1)
        self.seed.setObjectName("seedInput")
        self.seed.setGroupSeparatorShown(False)  # a name for a run, not a quantity
        self.seed.setToolTip(
            "Picks which random points are used. The same seed gives the same run again."
        )
        self.start_slope = NumberBox("starting slope", -1e6, 1e6)
        self.start_slope.setObjectName("startSlopeInput")
        self.start_slope.setToolTip("Where the ball starts: the slope before the first step.")
        self.start_intercept = NumberBox("starting intercept", -1e6, 1e6)
        self.start_intercept.setObjectName("startInterceptInput")
        self.start_intercept.setToolTip(
            "Where the ball starts: the intercept before the first step."
        )
        self.hold = QCheckBox("hold at")
        self.hold.setObjectName("holdInterceptInput")
        self.hold.setToolTip(
            "Keep the intercept fixed and learn only the slope, so the cost is a curve."
        )
        self.held = NumberBox("held intercept", -1e6, 1e6)
        self.held.setObjectName("heldInterceptInput")
        self.held.setToolTip("The value the intercept is held at.")
        hold_row = QGridLayout()
        hold_row.setContentsMargins(0, 0, 0, 0)
        hold_row.addWidget(self.hold, 0, 0)
        hold_row.addWidget(self.held, 0, 1)
        hold_row.setColumnStretch(1, 1)
        self._hold_row = hold_row
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setObjectName("speedInput")
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setToolTip(
            "How fast the run plays: from one step a second, to narrate each step, "
            "to as fast as the computer can."
        )
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(110)
        speed_row = QGridLayout()
        speed_row.setContentsMargins(0, 0, 0, 0)
        speed_row.addWidget(self.speed, 0, 0)
        speed_row.addWidget(self.speed_label, 0, 1)
        speed_row.setColumnStretch(0, 1)

        self._form = form
        self._option_rows: dict[OptionBox, QWidget] = {}
        self._option_labels: list[QLabel] = []
        form.addRow("Model", self.model)
        form.addRow("Surface", self.surface)
        form.addRow("f(x, y) =", self.expression)
        form.addRow(self.expression_error)
        form.addRow("Condition", condition_row)
        form.addRow("Rotation (°)", self.rotation)
        form.addRow("Scaling", self.scaling)
        form.addRow(L2_LABEL, self.l2)
        l2_label = form.labelForField(self.l2)
        if l2_label is not None:
            l2_label.setToolTip(L2_TIP)
        self.scaling_report = QLabel()
        self.scaling_report.setObjectName("scalingReport")
        self.scaling_report.setWordWrap(True)
        self.scaling_report.setToolTip(
            "How curved the cost is (condition number L/μ) and how many steps plain "
            "gradient descent needs at its best rate 2/(L + μ), with x as it is and "
            "standardised"
        )
        self.scaling_report.hide()
        form.addRow(self.scaling_report)
        form.addRow("Descent", self.variant)
        form.addRow("Gradient noise", self.noise)
        form.addRow("Update rule", self.optimizer)
        for field_box in self._option_fields(self.rule_options):
            form.addRow(self._option_row(field_box))
        form.addRow("Learning rate", self.rate)
        form.addRow(self.rate_scale)
        form.addRow("Schedule", self.schedule)
        for field_box in self._option_fields(self.schedule_options):
            form.addRow(self._option_row(field_box))
        form.addRow("Steps", self.steps)
        form.addRow("Batch size", self.batch)
        form.addRow("Random seed", self.seed)
        form.addRow("Start slope", self.start_slope)
        form.addRow("Start intercept", self.start_intercept)
        form.addRow("Intercept", hold_row)
        form.addRow("Speed", speed_row)

        combos = ((self.model, "model"), (self.variant, "variant"))
        for box, field in combos:
            box.currentIndexChanged.connect(
                lambda _i, box=box, field=field: self._edit(**{field: box.currentData()})
            )
        self.surface.currentIndexChanged.connect(self._surface_chosen)
        self.expression.editingFinished.connect(self._expression_entered)
        self.expression.textEdited.connect(lambda _text: self._show_expression_error(None))
        self.condition.valueChanged.connect(lambda v: self._edit(condition=v))
        self.condition_slider.valueChanged.connect(self._condition_slid)
        self.rotation.valueChanged.connect(lambda v: self._edit(rotation=v))
        self.noise.valueChanged.connect(lambda v: self._edit(noise=v))
        self.l2.valueChanged.connect(lambda v: self._edit(l2=v))
        self.optimizer.currentIndexChanged.connect(self._rule_chosen)
        self.schedule.currentIndexChanged.connect(self._schedule_chosen)
        self.scaling.toggled.connect(lambda on: self._edit(scaling=on))
        for field_box in self._option_fields(self.rule_options):
            field_box.valueChanged.connect(self._rule_option_typed)
            field_box.rejected.connect(self.rejected)
        for field_box in self._option_fields(self.schedule_options):
            field_box.valueChanged.connect(self._schedule_option_typed)
            field_box.rejected.connect(self.rejected)
        self.rate.valueChanged.connect(self._rate_typed)
        self.rate_slider.valueChanged.connect(self._rate_slid)
        self.steps.valueChanged.connect(lambda v: self._edit(steps=v))
        self.batch.valueChanged.connect(lambda v: self._edit(batch_size=v))
        self.seed.valueChanged.connect(lambda v: self._edit(seed=v))
        self.start_slope.valueChanged.connect(lambda v: self._edit(start_slope=v))
        self.start_intercept.valueChanged.connect(lambda v: self._edit(start_intercept=v))
        self.hold.toggled.connect(lambda on: self._edit(hold_intercept=on))
        self.held.valueChanged.connect(lambda v: self._edit(held_intercept=v))
        self.speed.valueChanged.connect(lambda i: self._edit(speed=float(SPEEDS[i])))
        for number in (
            self.rate, self.start_slope, self.start_intercept, self.held,
            self.condition, self.rotation, self.noise, self.l2,
        ):  # fmt: skip
            number.rejected.connect(self.rejected)
        for count in (self.steps, self.batch, self.seed):
            count.rejected.connect(self.rejected)
        self._variant_tip = self.variant.toolTip()
        self._scaling_tip = self.scaling.toolTip()
        self._base_labels = [form.labelForField(w) for w in (self.model, self.steps, self.seed)]
        self._base_labels += [form.labelForField(w) for w in (self.start_intercept, self.rate)]
        self._align_option_fields()
        self.set_bands(None, None, False)
        self.set_settings(self._settings, rows=8)

    def _option_row(self, box: OptionBox) -> QWidget:
        """Return an option's row: its label, indented under its rule, and its field.

        It spans the form, so a long label ("sufficient decrease c") never widens the
        label column, and the whole row hides while its rule is not chosen.
        """
        row = QWidget()
        layout = QFormLayout(row)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        indent = self.fontMetrics().horizontalAdvance("    ")
        layout.setContentsMargins(indent, 0, 0, 0)
        label = QLabel(_row_label(box.spec.label))
        self._option_labels.append(label)
        label.setBuddy(box)
        label.setToolTip(box.toolTip())
        layout.addRow(label, box)
        self._option_rows[box] = row
        return row

    def _align_option_fields(self) -> None:
        """Start the options' fields under the other fields, where their labels allow."""
        widest = max(label.sizeHint().width() for label in self._base_labels if label)
        indent = self.fontMetrics().horizontalAdvance("    ")
        for label in self._option_labels:
            label.setMinimumWidth(widest - indent)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Keep the options' fields aligned when the text size changes (the zoom)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_base_labels"):
            # After the labels have taken the new font themselves.
            QTimer.singleShot(0, self, self._align_option_fields)

    @property
    def settings(self) -> Settings:
        """Settings: what the controls show."""
        return self._settings

    def set_settings(self, settings: Settings, rows: int) -> None:
        """Show ``settings`` (for data with ``rows`` points) without emitting edits."""
        self._settings, self._rows = settings, rows
        widgets = (
            self.model, self.variant, self.optimizer, self.rate, self.rate_slider, self.steps,
            self.batch, self.seed, self.start_slope, self.start_intercept, self.hold,
            self.held, self.speed, self.schedule, self.scaling, self.surface, self.expression,
            self.condition, self.condition_slider, self.rotation, self.noise, self.l2,
            *self._option_fields(self.rule_options), *self._option_fields(self.schedule_options),
        )  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        function = settings.model == "function"
        self.model.setCurrentIndex(self.model.findData(settings.model))
        self._show_function(settings)
        self.scaling.setChecked(settings.scaling and not function)
        self.l2.setValue(settings.l2)
        variant = "batch" if function else settings.variant
        self.variant.setCurrentIndex(self.variant.findData(variant))
        self.optimizer.setCurrentIndex(self.optimizer.findData(settings.optimizer))
        self._show_options(self.rule_options, settings.optimizer, settings.optimizer_options)
        self.schedule.setCurrentIndex(self.schedule.findData(settings.schedule))
        self._show_options(self.schedule_options, settings.schedule, settings.schedule_options)
        self.rate.setValue(settings.learning_rate)
        self.rate_slider.setValue(self._slider_position(settings.learning_rate))
        self.steps.setValue(settings.steps)
        self.batch.setMaximum(max(1, rows))
        self.batch.setValue(min(settings.batch_size, max(1, rows)))
        self.batch.setEnabled(settings.variant == "minibatch")
        self.seed.setValue(settings.seed)
        self.seed.setEnabled(settings.noise > 0 if function else settings.variant != "batch")
        self.start_slope.setValue(settings.start_slope)
        self.start_intercept.setValue(settings.start_intercept)
        self.start_intercept.setEnabled(not settings.hold_intercept)
        self.hold.setChecked(settings.hold_intercept)
        self.held.setValue(settings.held_intercept)
        self.held.setEnabled(settings.hold_intercept)
        index = SPEEDS.index(settings.speed) if settings.speed in SPEEDS else len(SPEEDS) - 1
        self.speed.setValue(index)
        self.speed_label.setText(speed_text(SPEEDS[index]))
        del blockers

    def _show_function(self, settings: Settings) -> None:
        """Show the function's controls on a function, the data's otherwise, and name x, y."""
        function = settings.model == "function"
        typed = function and settings.surface == TYPED
        bowl = function and settings.surface == "bowl"
        form = self._form
        form.setRowVisible(self.surface, function)
        form.setRowVisible(self.expression, typed)
        form.setRowVisible(self.expression_error, typed and bool(self.expression_error.text()))
        form.setRowVisible(self._condition_row, bowl)
        form.setRowVisible(self.rotation, bowl)
        form.setRowVisible(self.noise, function)
        form.setRowVisible(self.l2, not function)  # a function has no slope to penalise
        form.setRowVisible(self.batch, not function)
        form.setRowVisible(self._hold_row, not function)
        self.surface.setCurrentIndex(self.surface.findData(settings.surface))
        if settings.expression != self._shown_expression:
            # Only when the state's text changed (undo, a session): a refused draft stays.
            self._shown_expression = settings.expression
            self.expression.setText(settings.expression)
            self._show_expression_error(None)
        self.condition.setValue(settings.condition)
        self.condition_slider.setValue(self._condition_position(settings.condition))
        self.rotation.setValue(settings.rotation)
        self.noise.setValue(settings.noise)
        self.variant.setEnabled(not function)
        self.variant.setToolTip(NO_DATA_TIPS["variant"] if function else self._variant_tip)
        self.scaling.setEnabled(not function)
        self.scaling.setToolTip(NO_DATA_TIPS["scaling"] if function else self._scaling_tip)
        names = ("x", "y") if function else ("slope", "intercept")
        for box, name in zip((self.start_slope, self.start_intercept), names, strict=True):
            label = form.labelForField(box)
            if isinstance(label, QLabel):
                label.setText(f"Start {name}")
            box.setToolTip(f"Where the ball starts: the {name} before the first step.")

    def _surface_chosen(self) -> None:
        name = self.surface.currentData()
        if name != TYPED:
            self._edit(surface=name, **surface_defaults(name))
            return
        # Start from the formula shown, to edit: the problem stays what it was until Enter.
        text = self._settings.expression or _formula_text(self._settings)
        self._edit(surface=TYPED, expression=text)
        self.expression.setFocus()
        self.expression.selectAll()

    def _expression_entered(self) -> None:
        """Use the typed formula, or say what is wrong and where, keeping the text."""
        text = self.expression.text()
        if text == self._settings.expression and not self.expression_error.text():
            return
        try:
            self._settings.replace(surface=TYPED, expression=text).function()
        except ValueError as error:
            self._show_expression_error(str(error), getattr(error, "column", None))
            self.rejected.emit(f"f(x, y): {error}")
            return
        self._show_expression_error(None)
        self._shown_expression = text
        self._edit(surface=TYPED, expression=text)

    def _show_expression_error(self, message: str | None, column: int | None = None) -> None:
        """Show what is wrong with the typed formula under it, the column marked."""
        label, field = self.expression_error, self.expression
        if not message:
            if label.text():
                label.clear()
                field.setStyleSheet("")
                self._form.setRowVisible(label, False)
            return
        error = style.current_theme().error
        text = field.text()
        shown = html.escape(message)
        if column is not None and 1 <= column <= len(text) + 1:
            index = column - 1
            start = max(0, index - ERROR_CONTEXT)
            before = html.escape(text[start:index])
            at = html.escape(text[index : index + 1]) or "&nbsp;"
            after = html.escape(text[index + 1 : index + 1 + ERROR_CONTEXT])
            more = "…" if start > 0 else ""
            rest = "…" if index + 1 + ERROR_CONTEXT < len(text) else ""
            shown += (
                f'<br><span style="font-family: monospace; white-space: pre;">{more}{before}'
                f'<u style="color: {error}; background: {error}33;">{at}</u>{after}{rest}</span>'
            )
            field.setCursorPosition(index)
            if index < len(text):
                field.setSelection(index, 1)
        label.setText(f'<span style="color: {error};">{shown}</span>')
        field.setStyleSheet(f"QLineEdit {{ border: 2px solid {error}; }}")
        self._form.setRowVisible(label, True)

    def _condition_position(self, condition: float) -> int:
        low = CONDITION_RANGE[0]
        return round(math.log10(max(condition, low) / low) * CONDITION_STEPS_PER_DECADE)

    def _condition_slid(self, position: int) -> None:
        low = CONDITION_RANGE[0]
        condition = low * 10 ** (position / CONDITION_STEPS_PER_DECADE)
        self._edit(condition=float(f"{condition:.3g}"))

    def set_scaling_report(self, text: str | None) -> None:
        """Show what standardising x does to this data (None hides the comparison)."""
        self.scaling_report.setText(text or "")
        self.scaling_report.setVisible(bool(text))

    def set_bands(
        self, one_over_l: float | None, two_over_l: float | None, local: bool = False
    ) -> None:
        """Show the smooth, oscillating and diverging learning rates under the slider.

        Parameters
        ----------
        one_over_l, two_over_l : float or None
            The rates 1/L and 2/L; None (or not a number) hides the bands. Rates beyond the
            slider's ends put the edge at that end.
        local : bool
            Whether they hold only near the current point (logistic), which the caption says.
        """
        known = (
            one_over_l is not None
            and two_over_l is not None
            and not math.isnan(one_over_l)
            and not math.isnan(two_over_l)
        )
        if not known:
            self.rate_bands.set_edges(None)
            self.rate_bands.hide()
            self.band_caption.hide()
            self.band_caption.clear()
            self.rate_slider.setToolTip(SLIDER_TIP)
            return
        assert one_over_l is not None and two_over_l is not None  # for the type checker
        one = self._band_position(one_over_l)
        two = max(one, self._band_position(two_over_l))
        self.rate_bands.set_edges((one, two))
        text = bands_text(one_over_l, two_over_l, local)
        self.band_caption.setText(text)
        self.rate_slider.setToolTip(f"{SLIDER_TIP}\n{text}")
        self.rate_bands.setToolTip(text)
        self.rate_bands.setAccessibleDescription(text)
        self.rate_bands.show()
        self.band_caption.show()

    def apply_theme(self, theme: style.Theme) -> None:
        """Redraw the bands in ``theme``'s colours."""
        self.rate_bands.update()

    def _band_position(self, rate: float) -> float:
        top = float(self.rate_slider.maximum())
        if rate <= 0.0:
            return 0.0
        if math.isinf(rate):
            return top
        low = LEARNING_RATE_RANGE[0]
        position = (math.log10(rate) - math.log10(low)) * SLIDER_STEPS_PER_DECADE
        return min(max(position, 0.0), top)

    @staticmethod
    def _option_fields(table: dict[str, dict[str, OptionBox]]) -> list[OptionBox]:
        return [box for boxes in table.values() for box in boxes.values()]

    def _show_options(
        self,
        table: dict[str, dict[str, OptionBox]],
        chosen: str,
        values: tuple[tuple[str, float], ...],
    ) -> None:
        """Show the chosen rule's (or schedule's) fields with its values, hide the rest.

        Hidden fields go back to their defaults, so choosing a rule starts from them.
        """
        given = dict(values)
        for name, boxes in table.items():
            for option, box in boxes.items():
                value = given.get(option, box.spec.default) if name == chosen else box.spec.default
                box.setValue(value)
                self._form.setRowVisible(self._option_rows[box], name == chosen)

    @staticmethod
    def _values(boxes: Mapping[str, OptionBox]) -> tuple[tuple[str, float], ...]:
        return options({name: box.value() for name, box in boxes.items()})

    def _rule_chosen(self) -> None:
        rule = self.optimizer.currentData()
        self._edit(optimizer=rule, optimizer_options=self._values(self.rule_options[rule]))

    def _schedule_chosen(self) -> None:
        name = self.schedule.currentData()
        self._edit(schedule=name, schedule_options=self._values(self.schedule_options[name]))

    def _rule_option_typed(self) -> None:
        boxes = self.rule_options.get(self._settings.optimizer, {})
        self._edit(optimizer_options=self._values(boxes))

    def _schedule_option_typed(self) -> None:
        boxes = self.schedule_options.get(self._settings.schedule, {})
        self._edit(schedule_options=self._values(boxes))

    def _edit(self, **changes: Any) -> None:
        # The panel shows its own edit at once (which inputs apply, which options show):
        # the window does not echo it back.
        settings = self._settings.replace(**changes)
        self.set_settings(settings, self._rows)
        self.settingsEdited.emit(settings)

    def _slider_position(self, rate: float) -> int:
        low = LEARNING_RATE_RANGE[0]
        return round(math.log10(rate / low) * SLIDER_STEPS_PER_DECADE)

    def _rate_slid(self, position: int) -> None:
        rate = LEARNING_RATE_RANGE[0] * 10 ** (position / SLIDER_STEPS_PER_DECADE)
        self._edit(learning_rate=float(f"{rate:.3g}"))

    def _rate_typed(self, rate: float) -> None:
        self._edit(learning_rate=rate)


def speed_text(steps_per_second: float) -> str:
    """Return the speed as a person reads it."""
    if steps_per_second <= 0:
        return "unlimited"
    return (
        f"{steps_per_second:g} step/s"
        if steps_per_second == 1
        else f"{steps_per_second:g} steps/s"
    )
