"""The one drawing path: a :class:`~gd_explorer.scene.Scene` drawn in every view.

Live frames, replay, the start, state changes and each frame of an exported GIF
all come here, so the views cannot disagree about what a step looks like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtWidgets import QWidget

from gd_explorer.scene import RunTrace, Scene
from gd_explorer.ui.runs_panel import RunRow


@dataclass(frozen=True, slots=True)
class Views:
    """The views a scene is drawn in, and the widget a picture of them is taken of."""

    data_view: Any
    cost_curve: Any
    contour: Any
    surface: Any
    history: Any
    readout: Any
    equations: Any
    #: The data table, told about new data (it draws no step).
    table: Any
    #: What a picture of the views shows (the window), and its 3-D view's place in it.
    frame: QWidget
    #: The list of runs (their colour, status, steps, cost), when there is one.
    runs_panel: Any = None
    #: The formulas and the Hessian at the ball of a function problem, when there is one.
    function_panel: Any = None


def run_rows(scene: Scene) -> list[RunRow]:
    """Return the runs panel's row for each run of ``scene``."""
    return [
        RunRow(
            label=trace.label,
            status=trace.status,
            steps=trace.step,
            cost=shown_cost(scene, trace),
            steps_to_optimum=trace.reached,
            slot=trace.slot,
        )
        for trace in scene.traces
    ]


def shown_cost(scene: Scene, trace: RunTrace) -> float:
    """Return the cost to show for the point ``trace`` shows: nan where f is undefined.

    A run from where a function is not defined records the largest double as its
    cost, so that every recorded value stays finite; shown, it would read as f's value.
    """
    cost = trace.current_cost
    problem = scene.problem
    if scene.kind == "function" and problem is not None and not trace.exact[-1]:
        x, y = trace.point
        with np.errstate(all="ignore"):
            value = float(problem.values(x, y))  # type: ignore[attr-defined]
        if math.isnan(value):
            return math.nan
    return cost


def paint(scene: Scene, views: Views) -> None:
    """Draw ``scene`` in every view: every run, and the selected run's numbers and equations."""
    trace = scene.current
    kind, point = scene.kind, trace.point
    for view in (views.data_view, views.cost_curve, views.contour, views.surface, views.history):
        view.show_scene(scene)
    if views.function_panel is not None:
        views.function_panel.show_scene(scene)
    if views.runs_panel is not None:
        views.runs_panel.show_runs(run_rows(scene), scene.selected)
    views.readout.show_step(
        trace.step,
        trace.config.steps,
        shown_cost(scene, trace),
        scene.original(point),
        trace.gradient_norm,
        trace.status,
    )
    before, grad = trace.before, trace.last_gradient
    if before is not None and grad is not None:
        views.equations.show_step(
            kind,
            trace.config,
            trace.step,
            before,
            point,
            grad,
            trace.current_cost,
            trace.rows,
            scene.data,
        )
    else:
        views.equations.show_start(kind, trace.config, point, trace.current_cost)
    if trace.status == "ready":
        views.readout.show_banner(None)
    elif trace.diverged_at is not None and not scene.replaying:
        # From the step it blew up, while the ball may still be flying.
        views.readout.show_banner(trace.message)
