"""The passive views of the main window: each draws what it is given and reports user edits."""

from gd_explorer.ui.views.contour import ContourView
from gd_explorer.ui.views.cost_curve import CostCurveView
from gd_explorer.ui.views.data_view import DataView
from gd_explorer.ui.views.dataset_table import DatasetTable
from gd_explorer.ui.views.history import HistoryView
from gd_explorer.ui.views.sweep import SweepView

__all__ = [
    "ContourView",
    "CostCurveView",
    "DataView",
    "DatasetTable",
    "HistoryView",
    "SweepView",
]
