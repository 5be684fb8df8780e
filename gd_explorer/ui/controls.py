"""The settings panel: every control, each leaving through one handler as new Settings."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QWidget,
)

from gd_explorer.engine import OPTIMIZERS
from gd_explorer.settings import LEARNING_RATE_RANGE, MAX_STEPS, SPEEDS, Settings

MODEL_LABELS = {
    "linear": "Linear (least squares)",
    "logistic": "Logistic (two classes)",
}
VARIANT_LABELS = {
    "batch": "Batch: all points",
    "stochastic": "Stochastic: 1 point",
    "minibatch": "Mini-batch: a few",
}
OPTIMIZER_LABELS = {"gd": "Gradient descent"}
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


class ControlsPanel(QWidget):
    """All settings. ``set_settings`` only shows; user edits leave as ``settingsEdited``."""

    settingsEdited = Signal(object)  # Settings
    rejected = Signal(str)  # a refused entry, for the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = Settings()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.model = _combo(
            "modelInput",
            MODEL_LABELS,
            "What the model predicts: a straight line through the points (linear), or the "
            "probability that a point is class 1 (logistic).",
        )
        self.variant = _combo(
            "variantInput",
            VARIANT_LABELS,
            "How many points each step looks at: all of them (batch), one picked at random "
            "(stochastic) or a few picked at random (mini-batch).",
        )
        self.optimizer = _combo(
            "optimizerInput",
            {k: OPTIMIZER_LABELS.get(k, k) for k in OPTIMIZERS},
            "The rule that turns the slope of the cost into a step.",
        )
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
        self.rate_slider.setToolTip("Drag to change the learning rate (a log scale: 1e-6 … 10).")
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate_slider, 3)
        rate_row.addWidget(self.rate, 2)

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
        hold_row = QHBoxLayout()
        hold_row.addWidget(self.hold)
        hold_row.addWidget(self.held, 1)
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
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed, 1)
        speed_row.addWidget(self.speed_label)

        form.addRow("Model", self.model)
        form.addRow("Descent", self.variant)
        form.addRow("Update rule", self.optimizer)
        form.addRow("Learning rate", rate_row)
        form.addRow("Steps", self.steps)
        form.addRow("Batch size", self.batch)
        form.addRow("Random seed", self.seed)
        form.addRow("Start slope", self.start_slope)
        form.addRow("Start intercept", self.start_intercept)
        form.addRow("Intercept", hold_row)
        form.addRow("Speed", speed_row)

        combos = ((self.model, "model"), (self.variant, "variant"), (self.optimizer, "optimizer"))
        for box, field in combos:
            box.currentIndexChanged.connect(
                lambda _i, box=box, field=field: self._edit(**{field: box.currentData()})
            )
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
        for number in (self.rate, self.start_slope, self.start_intercept, self.held):
            number.rejected.connect(self.rejected)
        for count in (self.steps, self.batch, self.seed):
            count.rejected.connect(self.rejected)
        self.set_settings(self._settings, rows=8)

    @property
    def settings(self) -> Settings:
        """Settings: what the controls show."""
        return self._settings

    def set_settings(self, settings: Settings, rows: int) -> None:
        """Show ``settings`` (for data with ``rows`` points) without emitting edits."""
        self._settings = settings
        widgets = (
            self.model, self.variant, self.optimizer, self.rate, self.rate_slider, self.steps,
            self.batch, self.seed, self.start_slope, self.start_intercept, self.hold,
            self.held, self.speed,
        )  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        self.model.setCurrentIndex(self.model.findData(settings.model))
        self.variant.setCurrentIndex(self.variant.findData(settings.variant))
        self.optimizer.setCurrentIndex(self.optimizer.findData(settings.optimizer))
        self.rate.setValue(settings.learning_rate)
        self.rate_slider.setValue(self._slider_position(settings.learning_rate))
        self.steps.setValue(settings.steps)
        self.batch.setMaximum(max(1, rows))
        self.batch.setValue(min(settings.batch_size, max(1, rows)))
        self.batch.setEnabled(settings.variant == "minibatch")
        self.seed.setValue(settings.seed)
        self.seed.setEnabled(settings.variant != "batch")
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

    def _edit(self, **changes: Any) -> None:
        self.settingsEdited.emit(self._settings.replace(**changes))

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
