"""Checks for the notebooks' "your turn" exercises: each runs the learner's function beside
nnlib's own on random float64 inputs and prints one line: ✓ with the worst relative error, ✗ with
what is wrong (a missing 1/N, a transposed weight, a wrong sign, ...), or "not written yet".

    from nnlib import checks
    d_sigmoid = checks.sigmoid_derivative(my_sigmoid_derivative)

Each check returns the learner's function when it passes and nnlib's otherwise, so a notebook
runs top to bottom whether or not the exercise is done. ``compare_guess`` serves the "predict,
then run" prompts. Needs only NumPy.
"""
from ._core import TOLERANCE, Case, Mistake, check, compare_guess
from ._nb01 import *  # noqa: F401,F403  (each module's __all__ lists its checks)
from ._nb02 import *  # noqa: F401,F403
from ._nb03 import *  # noqa: F401,F403
from ._nb04 import *  # noqa: F401,F403
from ._nb05 import *  # noqa: F401,F403
from ._nb06 import *  # noqa: F401,F403
from ._nb07 import *  # noqa: F401,F403
from ._nb08 import *  # noqa: F401,F403
from ._nb09 import *  # noqa: F401,F403
from . import _nb01, _nb02, _nb03, _nb04, _nb05, _nb06, _nb07, _nb08, _nb09

__all__ = ["TOLERANCE", "Case", "Mistake", "check", "compare_guess"] + [
    name for module in (_nb01, _nb02, _nb03, _nb04, _nb05, _nb06, _nb07, _nb08, _nb09)
    for name in module.__all__]
