"""Each run slot's colour: distinct, legible and colour-blind-safe in every theme.

Distinct means a CIEDE2000 difference of at least ``PAIR_DE`` between any two slots,
in normal vision and under a full deuteranopia and protanopia (Machado, Oliveira and
Fernandes 2009, severity 1, applied in linear sRGB); of at least ``MARK_DE`` from
the data points, the classes and the optimum, and of ``MAP_DE`` from the colour maps
of the contour and the surface. Legible means a WCAG contrast of at least 3:1 against
the plot background.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pyqtgraph as pg
import pytest

from gd_explorer.scene import MAX_RUNS
from gd_explorer.ui import style
from gd_explorer.ui.views.contour import _colormap

PAIR_DE = 15.0
MARK_DE = 20.0
MAP_DE = 10.0
MIN_CONTRAST = 3.0

MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}
VISIONS = ("normal", *MACHADO)


def _linear(colour: str) -> np.ndarray:
    c = np.array(pg.mkColor(colour).getRgbF()[:3])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _luminance(colour: str) -> float:
    return float(np.dot([0.2126, 0.7152, 0.0722], _linear(colour)))


def _contrast(a: str, b: str) -> float:
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _lab(rgb: np.ndarray) -> tuple[float, float, float]:
    xyz = (
        np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
        @ rgb
    )
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _seen(colour: str, vision: str) -> tuple[float, float, float]:
    rgb = _linear(colour)
    if vision != "normal":
        rgb = np.clip(MACHADO[vision] @ rgb, 0.0, 1.0)
    return _lab(rgb)


def _ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1 = math.degrees(math.atan2(b1, a1p)) % 360
    h2 = math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0
    if c1p * c2p:
        dh = h2 - h1
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh) / 2)
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def _difference(a: str, b: str, vision: str = "normal") -> float:
    return _ciede2000(_seen(a, vision), _seen(b, vision))


def test_the_colour_difference_matches_published_pairs() -> None:
    # Sharma, Wu and Dalal (2005), pairs 1 and 17 of their CIEDE2000 test data.
    assert _ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert _ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


THEMES = list(style.THEMES.values())


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_theme_has_a_colour_per_run(theme: style.Theme) -> None:
    assert len(theme.runs) == MAX_RUNS
    assert len({c.lower() for c in theme.runs}) == MAX_RUNS


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_slot_zero_is_the_single_runs_colour(theme: style.Theme) -> None:
    assert theme.runs[0].lower() == theme.fit.lower()
    assert style.run_colour(0, theme) == pg.mkColor(theme.fit)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_run_colour_reads_on_the_background(theme: style.Theme) -> None:
    for colour in theme.runs:
        assert _contrast(colour, theme.background) >= MIN_CONTRAST, colour


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_run_colours_stay_apart(theme: style.Theme, vision: str) -> None:
    for a, b in itertools.combinations(theme.runs, 2):
        assert _difference(a, b, vision) >= PAIR_DE, (a, b)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_run_colours_stay_clear_of_the_points_and_the_optimum(theme: style.Theme) -> None:
    for colour in theme.runs:
        for mark in (theme.point, theme.class0, theme.optimum):
            assert _difference(colour, mark) >= MARK_DE, (colour, mark)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_run_colours_stay_clear_of_the_cost_maps(theme: style.Theme) -> None:
    # The contour's washed viridis, and the surface's own (paths run on its dark floor).
    stops = [
        pg.mkColor(tuple(int(v) for v in rgb)).name()
        for colormap in (_colormap(), pg.colormap.get("viridis"))
        for rgb in colormap.getLookupTable(0.0, 1.0, 32, alpha=False)
    ]
    for colour in theme.runs:
        nearest = min(_difference(colour, stop) for stop in stops)
        assert nearest >= MAP_DE, colour


def test_run_colour_follows_the_current_theme(qapp: object) -> None:
    before = style.current_theme().name
    try:
        style.set_theme("dark-cb")
        assert style.run_colour(2) == pg.mkColor(style.DARK_CB.runs[2])
    finally:
        style.set_theme(before)
    with pytest.raises(IndexError):
        style.run_colour(MAX_RUNS)
