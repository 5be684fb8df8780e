"""Themes: light and dark, colour-blind-safe colours, the system's choice, persistence."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from gd_explorer.ui import style

#: Machado, Oliveira & Fernandes (2009), deuteranopia at severity 1, on linear RGB.
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)


@pytest.fixture(autouse=True)
def light_afterwards():
    yield
    style.set_theme("light")  # the theme is global: later tests expect the default


def _linear(colour: str) -> np.ndarray:
    c = np.array(pg.mkColor(colour).getRgbF()[:3])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _deuteranope_distance(a: str, b: str) -> float:
    """Distance, 0 to 255·√3, between two colours as a deuteranope sees them (sRGB)."""

    def seen(colour: str) -> np.ndarray:
        lin = np.clip(DEUTERANOPIA @ _linear(colour), 0.0, 1.0)
        srgb = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
        return 255 * srgb

    return float(np.linalg.norm(seen(a) - seen(b)))


def _plots(window):
    return [window.data_view.plot, window.cost_curve, window.contour, window.history]


def _corner_luminance(plot) -> float:
    image = plot.grab().toImage()
    rect = plot.getViewBox().sceneBoundingRect()
    # The contour's colour map fills its view box: its background shows at the edge.
    # Clear of the left axis's tick marks, which point into the plot.
    x, y = (3, 3) if plot is plot.window().contour else (rect.left() + 12, rect.top() + 4)
    colour = QColor(image.pixel(int(x), int(y)))
    return 0.2126 * colour.red() + 0.7152 * colour.green() + 0.0722 * colour.blue()


def _text_luminance(label) -> float:
    colour = label.palette().color(label.foregroundRole())
    return 0.2126 * colour.red() + 0.7152 * colour.green() + 0.0722 * colour.blue()


def test_dark_theme_darkens_every_plot_and_lightens_the_text(window, qtbot):
    window.set_theme("dark")
    assert window.findChild(type(window.theme_actions["dark"]), "actionThemeDark").isChecked()
    # Palettes reach the widgets through Qt's events: wait for the pictures to change.
    qtbot.waitUntil(lambda: all(_corner_luminance(plot) < 80 for plot in _plots(window)))
    qtbot.waitUntil(lambda: _text_luminance(window.readout.values["cost"]) > 170)
    assert style.current_theme().dark

    window.set_theme("light")
    qtbot.waitUntil(lambda: all(_corner_luminance(plot) > 200 for plot in _plots(window)))
    qtbot.waitUntil(lambda: _text_luminance(window.readout.values["cost"]) < 90)


def test_the_menu_actions_switch_the_theme(window):
    window.findChild(type(window.action_colour_blind), "actionThemeDark").trigger()
    assert window.theme == ("dark", False)
    window.findChild(type(window.action_colour_blind), "actionColourBlind").trigger()
    assert window.theme == ("dark", True)
    assert style.current_theme().name == "dark-cb"
    window.findChild(type(window.action_colour_blind), "actionThemeSystem").trigger()
    assert window.theme == ("system", True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_blind_colours_are_okabe_ito_and_stay_apart(window, scheme):
    window.set_theme(scheme, colour_blind=True)
    theme = style.current_theme()
    okabe_ito = {v.lower() for v in style.OKABE_ITO.values()}
    for colour in (theme.ball, theme.optimum, theme.point, theme.class0, theme.path):
        assert colour.lower() in okabe_ito
    # The views draw with them.
    brush = window.data_view.class0_item.opts["brush"].color().name()
    assert brush == QColor(theme.class0).name()
    assert window.history.optimum_line.pen.color().name() == QColor(theme.optimum).name()
    for a, b in (
        (theme.ball, theme.optimum),
        (theme.class0, theme.point),
        (theme.path, theme.optimum),
        (theme.fit, theme.optimum),
    ):
        assert _deuteranope_distance(a, b) > 100, (a, b)


def test_the_plain_palette_is_what_colour_blind_mode_fixes():
    # The check above would fail for the plain red ball and green optimum.
    assert _deuteranope_distance(style.LIGHT.ball, style.LIGHT.optimum) < 60


def test_the_choice_persists_to_a_new_window(make_window):
    first = make_window()
    first.set_theme("dark", colour_blind=True)
    first.close()
    style.set_theme("light")
    second = make_window()
    assert second.theme == ("dark", True)
    assert style.current_theme().name == "dark-cb"
    assert second.findChild(type(second.action_colour_blind), "actionColourBlind").isChecked()


def test_following_the_system_picks_dark_when_the_system_is_dark(make_window, monkeypatch):
    monkeypatch.setattr(style, "system_theme", lambda: "dark")
    window = make_window()
    assert window.theme == ("system", False)
    assert style.current_theme().name == "dark"
    assert window.theme_actions["system"].isChecked()
    monkeypatch.setattr(style, "system_theme", lambda: "light")
    window._system_scheme_changed()
    assert style.current_theme().name == "light"
