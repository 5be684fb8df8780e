"""The controls for update rules, schedules, scaling and the learning-rate bands, alone."""

import math
import warnings

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QLabel

from gd_explorer.settings import Settings
from gd_explorer.ui.controls import ControlsPanel
from gd_explorer.ui.rules import RULES, SCHEDULES

# DESIGN.md's update rules and schedules: names, options and defaults, to the letter.
DESIGN_RULES = {
    "gd": {},
    "momentum": {"beta": 0.9},
    "nesterov": {"beta": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"rho": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "newton": {},
    "linesearch": {"shrink": 0.5, "c": 1e-4},
}
DESIGN_SCHEDULES = {
    "constant": {},
    "step": {"every": 100, "factor": 0.5},
    "exponential": {"factor": 0.99},
    "inverse": {"decay": 0.01},
    "cosine": {"min_rate": 0.0},
}


@pytest.fixture
def panel(qtbot):
    """A shown panel that takes back what it emits, as the window does."""
    controls = ControlsPanel()
    qtbot.addWidget(controls)
    controls.emitted = []
    controls.messages = []

    def echo(settings):
        controls.emitted.append(settings)
        controls.set_settings(settings, rows=8)

    controls.settingsEdited.connect(echo)
    controls.rejected.connect(controls.messages.append)
    controls.resize(360, 900)
    with qtbot.waitExposed(controls):
        controls.show()
    return controls


def type_into(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def choose(panel, name, value):
    box = panel.findChild(QComboBox, name)
    box.setCurrentIndex(box.findData(value))


def shown_options(panel, table):
    """Return {(owner, option)} of the option fields a user can see now."""
    shown = set()
    for owner, boxes in table.items():
        for option, box in boxes.items():
            label = next(w for w in panel.findChildren(QLabel) if w.buddy() is box)
            assert box.isVisibleTo(panel) == label.isVisibleTo(panel)  # hidden whole
            if box.isVisibleTo(panel):
                shown.add((owner, option))
    return shown


def test_the_tables_mirror_design():
    assert {k: {s.name: s.default for s in c.specs} for k, c in RULES.items()} == DESIGN_RULES
    assert {
        k: {s.name: s.default for s in c.specs} for k, c in SCHEDULES.items()
    } == DESIGN_SCHEDULES


def test_every_rule_is_offered_by_a_label_a_learner_reads(panel):
    box = panel.findChild(QComboBox, "optimizerInput")
    offered = [box.itemData(i) for i in range(box.count())]
    assert offered == list(DESIGN_RULES)
    labels = [box.itemText(i) for i in range(box.count())]
    assert "Gradient descent" in labels and "Newton's method (uses curvature)" in labels
    for i, name in enumerate(offered):
        assert box.itemText(i) != name  # never the bare code name
        assert box.itemData(i, Qt.ItemDataRole.ToolTipRole)  # a hint and the formula


@pytest.mark.parametrize("rule", list(DESIGN_RULES))
def test_choosing_a_rule_shows_its_options_only_and_emits_its_defaults(panel, rule):
    choose(panel, "optimizerInput", rule)
    if rule != "gd":
        assert panel.emitted[-1].optimizer == rule
    assert dict(panel.settings.optimizer_options) == DESIGN_RULES[rule]
    assert shown_options(panel, panel.rule_options) == {(rule, o) for o in DESIGN_RULES[rule]}
    for option, default in DESIGN_RULES[rule].items():
        assert panel.rule_options[rule][option].value() == default


def test_an_option_typed_leaves_as_the_rules_options(qtbot, panel):
    choose(panel, "optimizerInput", "adam")
    type_into(qtbot, panel.findChild(QDoubleSpinBox, "adamBeta2Input"), "0.95")
    assert dict(panel.settings.optimizer_options) == {"beta1": 0.9, "beta2": 0.95, "eps": 1e-8}
    type_into(qtbot, panel.findChild(QDoubleSpinBox, "adamEpsInput"), "1e-20")
    assert dict(panel.settings.optimizer_options)["eps"] == 1e-20  # not rounded to 0


@pytest.mark.parametrize(
    "combo, choice, name, typed, range_words",
    [
        ("optimizerInput", "momentum", "momentumBetaInput", "1", "in [0, 1)"),
        ("optimizerInput", "nesterov", "nesterovBetaInput", "-0.1", "in [0, 1)"),
        ("optimizerInput", "adam", "adamEpsInput", "0", "> 0"),
        ("optimizerInput", "linesearch", "linesearchShrinkInput", "abc", "in (0, 1)"),
        ("scheduleInput", "step", "stepScheduleEveryInput", "2.5", "a whole number ≥ 1"),
        ("scheduleInput", "inverse", "inverseScheduleDecayInput", "inf", "≥ 0"),
    ],
)
def test_an_option_out_of_range_is_refused_with_a_message(
    qtbot, panel, combo, choice, name, typed, range_words
):
    choose(panel, combo, choice)
    box = panel.findChild(QDoubleSpinBox, name)
    before, emitted = box.value(), len(panel.emitted)
    type_into(qtbot, box, typed)
    assert box.value() == before
    assert len(panel.emitted) == emitted  # nothing left, nothing lost
    assert range_words in panel.messages[-1]
    assert f"{typed!r}" in panel.messages[-1] and "kept" in panel.messages[-1]


def test_settings_shown_fill_the_chosen_rules_fields_without_emitting(panel):
    settings = Settings(optimizer="rmsprop", optimizer_options=(("rho", 0.5),))
    panel.set_settings(settings, rows=8)
    assert panel.emitted == []
    assert panel.rule_options["rmsprop"]["rho"].value() == 0.5
    assert panel.rule_options["rmsprop"]["eps"].value() == 1e-8  # not given: its default
    assert shown_options(panel, panel.rule_options) == {("rmsprop", "rho"), ("rmsprop", "eps")}


def test_every_schedule_is_offered_with_its_options_appearing_likewise(qtbot, panel):
    box = panel.findChild(QComboBox, "scheduleInput")
    assert [box.itemData(i) for i in range(box.count())] == list(DESIGN_SCHEDULES)
    assert shown_options(panel, panel.schedule_options) == set()
    for name, defaults in DESIGN_SCHEDULES.items():
        choose(panel, "scheduleInput", name)
        assert panel.settings.schedule == name
        assert dict(panel.settings.schedule_options) == defaults
        assert shown_options(panel, panel.schedule_options) == {(name, o) for o in defaults}
    choose(panel, "scheduleInput", "step")
    type_into(qtbot, panel.findChild(QDoubleSpinBox, "stepScheduleEveryInput"), "250")
    assert dict(panel.settings.schedule_options) == {"every": 250.0, "factor": 0.5}


def test_standardise_x_is_a_checkbox_that_says_what_it_does(qtbot, panel):
    box = panel.findChild(QCheckBox, "scalingInput")
    assert box.text() == "Standardise x"
    assert "mean 0" in box.toolTip() and "standard deviation 1" in box.toolTip()
    box.click()
    assert panel.emitted[-1].scaling is True
    panel.set_settings(Settings(scaling=False), rows=8)
    assert not box.isChecked()
    assert len(panel.emitted) == 1  # showing settings does not echo


# The learning-rate bands under the slider.

SLOPE_ONLY_L = 37.5  # the article's slope-only runs: 1/L = 0.0267, 2/L = 0.0533


def slider_handle_centre(slider, position):
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    slider.setValue(position)
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    return handle.center().x() + 0.5


def test_band_edges_fall_where_the_slider_puts_those_rates(panel):
    panel.set_bands(1 / SLOPE_ONLY_L, 2 / SLOPE_ONLY_L, local=False)
    one, two = panel.rate_bands.edges
    # The slider: 100 positions a decade from 1e-6.
    assert one == pytest.approx((math.log10(1 / SLOPE_ONLY_L) + 6) * 100)
    assert two == pytest.approx((math.log10(2 / SLOPE_ONLY_L) + 6) * 100)
    slider = panel.rate_slider
    pixels = panel.rate_bands.edge_pixels()
    for edge, pixel in zip((one, two), pixels, strict=True):
        assert pixel == pytest.approx(slider_handle_centre(slider, round(edge)), abs=1.5)
    assert pixels[0] < pixels[1]
    assert panel.rate_bands.isVisible()


def test_the_bands_are_named_in_words_and_local_ones_say_so(panel):
    panel.set_bands(1 / SLOPE_ONLY_L, 2 / SLOPE_ONLY_L, local=False)
    caption = panel.findChild(QLabel, "learningRateBandsCaption")
    text = caption.text()
    assert "Smooth up to 0.0267" in text
    assert "oscillating up to 0.0533" in text and "diverging above" in text
    assert caption.isVisible()
    panel.set_bands(0.5, 1.0, local=True)
    assert caption.text().startswith("Local")


def test_no_bands_hides_them(panel):
    panel.set_bands(1 / SLOPE_ONLY_L, 2 / SLOPE_ONLY_L, local=False)
    panel.set_bands(None, None, local=False)
    assert panel.rate_bands.edges is None
    assert not panel.rate_bands.isVisible()
    assert not panel.findChild(QLabel, "learningRateBandsCaption").isVisible()


@pytest.mark.parametrize(
    "one, two, edges",
    [
        (0.0, 0.0, (0.0, 0.0)),
        (math.inf, math.inf, (700.0, 700.0)),
        (1e-300, 2e-300, (0.0, 0.0)),
        (1e300, 2e300, (700.0, 700.0)),
        (5e-324, math.inf, (0.0, 700.0)),
        (-1.0, 0.01, (0.0, 400.0)),
        (0.02, 0.01, (pytest.approx(430.103), pytest.approx(430.103))),  # 2/L never below 1/L
        (math.nan, 1.0, None),
    ],
)
def test_absurd_band_values_are_clamped_to_the_slider_and_never_crash(panel, one, two, edges):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.set_bands(one, two, local=False)
        panel.rate_bands.repaint()
        QApplication.processEvents()
    assert panel.rate_bands.edges == edges


def test_no_rule_schedule_or_band_makes_the_panel_wider_than_plain_descent(panel):
    QApplication.processEvents()
    plain = panel.sizeHint().width(), panel.minimumSizeHint().width()
    panel.set_bands(1 / SLOPE_ONLY_L, 2 / SLOPE_ONLY_L, local=True)
    widths = {}
    for schedule in DESIGN_SCHEDULES:
        for rule in DESIGN_RULES:
            choose(panel, "scheduleInput", schedule)
            choose(panel, "optimizerInput", rule)
            QApplication.processEvents()
            widths[rule, schedule] = panel.sizeHint().width(), panel.minimumSizeHint().width()
    wider = {key: w for key, w in widths.items() if w[0] > plain[0] or w[1] > plain[1]}
    assert not wider, (plain, wider)


@pytest.mark.parametrize("schedule", ["constant", "step"])
def test_in_the_window_at_1280_by_800_no_rule_is_cut_off_at_the_panels_edge(
    qtbot, window, schedule
):
    window.resize(1280, 800)
    controls = window.findChild(ControlsPanel)
    controls.set_bands(1 / SLOPE_ONLY_L, 2 / SLOPE_ONLY_L, local=True)
    for rule in DESIGN_RULES:
        controls.set_settings(Settings(optimizer=rule, schedule=schedule), rows=8)
        QApplication.processEvents()
        shown = controls.visibleRegion().boundingRect()
        assert controls.width() >= controls.minimumSizeHint().width(), rule
        assert shown.left() == 0 and shown.width() == controls.width(), rule  # none hidden
