"""The basins of attraction on the contour: every start coloured by the minimum it reached.

Passive: :meth:`BasinsOverlay.show` draws a finished ``engine.Basins`` and
:meth:`BasinsOverlay.clear` takes it away. Starts on a grid become a semi-transparent
picture on the colour map, under the contour lines (``ContourView.set_overlay``);
scattered starts become dots. One colour per minimum, grey for a start that reached
none within its steps, dark grey for one that diverged or left the domain; a line above
the map says which colour is which minimum (numbered as the runs panel numbers them),
and the map's tooltip names each with its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtGui import QColor

from gd_explorer.ui.views.contour import ContourView

#: One colour per minimum (Okabe–Ito's, then a few more), repeated past the last.
BASIN_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#7f3c8d",
)
#: A start that reached no minimum within its steps.
NONE_COLOUR = "#b3b3b3"
#: A start that diverged or left the domain.
DIVERGED_COLOUR = "#4d4d4d"
#: Opacity of the picture on the colour map (of 255): the map and its lines show through.
ALPHA = 165
#: Dots of scattered starts, in pixels.
DOT_SIZE = 7
#: Most minima the legend names one by one; the rest are counted.
LEGEND_MINIMA = 6


def basin_colour(index: int) -> QColor:
    """Return the colour of minimum ``index`` (0 is the first), -1 none, -2 diverged."""
    if index == -2:
        return QColor(DIVERGED_COLOUR)
    if index < 0:
        return QColor(NONE_COLOUR)
    return QColor(BASIN_COLOURS[index % len(BASIN_COLOURS)])


def basin_codes(result: Any) -> NDArray[np.int64]:
    """Return each start's basin: the minimum's index, -1 for none, -2 for diverged."""
    codes: NDArray[np.int64] = np.where(result.diverged, -2, result.minimum).astype(np.int64)
    return codes


def basins_image(result: Any, alpha: int = ALPHA) -> NDArray[np.uint8]:
    """Return the RGBA picture of a grid's basins, shape (points along x, along y, 4)."""
    if result.shape is None:
        raise ValueError("only starts on a grid make a picture")
    codes = basin_codes(result)
    count = max(len(result.minima), 1)
    table = np.array(
        [basin_colour(code).getRgb() for code in range(-2, count)], dtype=np.uint8
    ).reshape(-1, 4)
    table[:, 3] = alpha
    image: NDArray[np.uint8] = table[codes + 2].reshape(*result.shape, 4)
    return image


def _number(value: float) -> str:
    return f"{value:.3g}".replace("-", "−")


def legend_rows(result: Any, steps: int | None = None) -> list[tuple[int, str]]:
    """Return the legend's rows as (basin code, text), e.g. (0, "minimum 1 (3, 2) 25 %")."""
    codes = basin_codes(result)
    total = max(codes.size, 1)
    rows: list[tuple[int, str]] = []
    reached = [i for i in range(len(result.minima)) if np.any(codes == i)]
    # Many minima (Rastrigin's 121) share colours: name the lowest few, count the rest.
    named = reached if len(reached) <= LEGEND_MINIMA else reached[: LEGEND_MINIMA - 2]
    for index in named:
        x, y = result.minima[index]
        share = 100.0 * np.count_nonzero(codes == index) / total
        rows.append((index, f"minimum {index + 1} ({_number(x)}, {_number(y)}) {share:.0f} %"))
    if len(named) < len(reached):
        more = len(reached) - len(named)
        rows.append((reached[len(named)], f"… {more} more minima (colours repeat)"))
    within = f" in {steps:,} steps" if steps else ""
    for code, text in ((-1, f"no minimum{within}"), (-2, "diverged or left")):
        count = np.count_nonzero(codes == code)
        if count:
            rows.append((code, f"{text} {100.0 * count / total:.0f} %"))
    return rows


class BasinsOverlay:
    """Draws the basins of a map on a :class:`ContourView`, with a legend.

    Parameters
    ----------
    contour : ContourView
        Where to draw (its ``set_overlay`` takes the grid's picture).

    Attributes
    ----------
    dots : pg.ScatterPlotItem
        The scattered starts, coloured by basin (empty for a grid).
    legend : pg.LegendItem
        Which colour is which minimum.
    result : Basins or None
        The map shown, None when nothing is.
    """

    def __init__(self, contour: ContourView) -> None:
        self.contour = contour
        self.result: Any = None
        self.problem: Any = None
        self.dots = pg.ScatterPlotItem(size=DOT_SIZE, pen=None, symbol="o")
        self.dots.setVisible(False)
        contour.addItem(self.dots, ignoreBounds=True)
        # Under the paths and balls (added before it), over the colour map.
        self.dots.setZValue(contour.image.zValue() + 0.5)
        #: The legend's lines (the caption first), shown above the map and in its tooltip.
        self._legend: list[str] = []

    @property
    def shown(self) -> bool:
        """Return whether a map is drawn."""
        return self.result is not None

    def show(self, result: Any, problem: Any = None, caption: str = "", steps: int = 0) -> None:
        """Draw ``result`` (an ``engine.Basins``) of ``problem``; ``caption`` heads the legend."""
        self.result, self.problem = result, problem
        codes = basin_codes(result)
        if result.shape is not None and result.domain is not None:
            # The grid's starts sit at the centres of the domain's cells: the overlay is
            # placed by its first and last pixel centres.
            nx, ny = result.shape
            x0, x1, y0, y1 = result.domain
            dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
            centres = (x0 + dx / 2, x1 - dx / 2, y0 + dy / 2, y1 - dy / 2)
            self.contour.set_overlay(basins_image(result), centres)
            self.dots.setData(x=[], y=[])
            self.dots.setVisible(False)
        else:
            self.contour.clear_overlay()
            brushes = {code: pg.mkBrush(basin_colour(int(code))) for code in np.unique(codes)}
            # Fewer, larger dots read as points; thousands as a speckled map.
            size = DOT_SIZE if len(codes) <= 500 else 5 if len(codes) <= 5000 else 3
            self.dots.setData(
                size=size,
                x=result.starts[:, 0],
                y=result.starts[:, 1],
                brush=[brushes[code] for code in codes],
            )
            self.dots.setVisible(True)
        self._fill_legend(caption, legend_rows(result, steps))

    def clear(self) -> None:
        """Take the map away (the problem changed)."""
        self.result = self.problem = None
        self.contour.clear_overlay()
        self.dots.setData(x=[], y=[])
        self.dots.setVisible(False)
        self._legend = []
        self.contour.set_note(None)

    @property
    def legend_shown(self) -> bool:
        """Return whether the map's legend is shown above it."""
        return bool(self._legend)

    def legend_texts(self) -> list[str]:
        """Return the legend's lines (the caption first)."""
        return list(self._legend)

    def _fill_legend(self, caption: str, rows: Sequence[tuple[int, str]]) -> None:
        # Above the map, one line: a swatch and the number of each minimum's basin
        # ("■1 ■2"); the whole legend, each minimum with its place and share, in the
        # map's tooltip.
        self._legend = ([caption] if caption else []) + [text for _, text in rows]
        parts = []
        for code, text in rows:
            colour = basin_colour(code).name()
            share = text.rsplit(" ", 2)[-2] + "%" if text.endswith("%") else ""
            if code >= 0 and text.startswith("minimum "):
                words = f"{code + 1}"  # its share is in the tooltip: the line must fit
            elif text.startswith("…"):
                words = "…"
            else:
                words = f"{'none' if code == -1 else 'diverged'} {share}"
            parts.append(f'<span style="color:{colour}">■</span>{words}')
        self.contour.set_note("basins " + "  ".join(parts), "\n".join(self._legend))
