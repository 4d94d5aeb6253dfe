"""A TensorFlow-Playground-like lesson in the notebook, driven by nnlib.

``from nnlib.playground import Playground`` gives the ipywidgets user interface (ipywidgets is
imported only then); ``Engine``, ``Settings`` and ``Lesson`` are plain Python and NumPy, and
run the same experiments without any frontend.
"""
from .engine import Engine
from .lesson import Lesson, LessonFileError
from .settings import Settings

__all__ = ["Engine", "Settings", "Lesson", "LessonFileError", "Playground"]


def __getattr__(name):
    # The widget layer needs ipywidgets: import it only when it is asked for.
    if name == "Playground":
        try:
            from .widget import Playground
        except ModuleNotFoundError as exc:
            if exc.name != "ipywidgets":
                raise
            raise ModuleNotFoundError("the playground's widget needs ipywidgets "
                                      "(pip install ipywidgets); Engine works without it",
                                      name="ipywidgets") from None
        return Playground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
