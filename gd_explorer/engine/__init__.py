"""The numerical core: datasets, cost models, descent and analysis.

Pure numpy; never imports Qt, so it runs and is tested without a display.
"""

from gd_explorer.engine.analysis import Fit, Stability, cost_grid, reference_fit, stability
from gd_explorer.engine.basins import Basins, basins, grid_starts, random_starts
from gd_explorer.engine.dataset import (
    ARTICLE_CLASSES,
    MAX_MAGNITUDE,
    Dataset,
    DatasetError,
    article_dataset,
)
from gd_explorer.engine.descent import (
    EXACT_BUDGET,
    MAX_BATCH_SIZE,
    MAX_LEARNING_RATE,
    MAX_NOISE,
    MAX_SEED,
    MAX_STEPS,
    MIN_LEARNING_RATE,
    VARIANTS,
    Chunk,
    Descent,
    DescentConfig,
    Trajectory,
    descend,
    format_rate,
)
from gd_explorer.engine.functions import (
    SURFACE_INFO,
    SURFACES,
    FunctionProblem,
    Surface,
    bowl,
    function_problem,
)
from gd_explorer.engine.models import CostModel, LinearRegression, LogisticRegression
from gd_explorer.engine.optimizers import OPTIMIZERS, Choice, Option, Options
from gd_explorer.engine.scaling import Scaling, ScalingReport, compare_scaling, standardise
from gd_explorer.engine.schedules import SCHEDULES
from gd_explorer.engine.sweep import Sweep, learning_rate_sweep, steps_to_reach, sweep_rates

__all__ = [
    "ARTICLE_CLASSES",
    "EXACT_BUDGET",
    "MAX_BATCH_SIZE",
    "MAX_LEARNING_RATE",
    "MAX_MAGNITUDE",
    "MAX_NOISE",
    "MAX_SEED",
    "MAX_STEPS",
    "MIN_LEARNING_RATE",
    "OPTIMIZERS",
    "SCHEDULES",
    "SURFACES",
    "SURFACE_INFO",
    "VARIANTS",
    "Basins",
    "Choice",
    "Chunk",
    "CostModel",
    "Dataset",
    "DatasetError",
    "Descent",
    "DescentConfig",
    "Fit",
    "FunctionProblem",
    "LinearRegression",
    "LogisticRegression",
    "Option",
    "Options",
    "Scaling",
    "ScalingReport",
    "Stability",
    "Surface",
    "Sweep",
    "Trajectory",
    "article_dataset",
    "basins",
    "bowl",
    "compare_scaling",
    "cost_grid",
    "descend",
    "format_rate",
    "function_problem",
    "grid_starts",
    "learning_rate_sweep",
    "random_starts",
    "reference_fit",
    "stability",
    "standardise",
    "steps_to_reach",
    "sweep_rates",
]
