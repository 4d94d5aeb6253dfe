"""A lesson: settings, the controls a class should not see, a title, and optionally the data,
saved as a small JSON file so that every learner opens exactly the same starting point."""
import json
from pathlib import Path

import numpy as np

from . import datasets
from .engine import Engine
from .settings import CUSTOM, FIELDS, Settings

FORMAT, VERSION = "nnlib-playground-lesson", 1
# Controls a lesson can hide: every setting the widget shows, the regenerate button and the
# maths panel (update rule and gradient norms).
HIDEABLE = tuple(f for f in FIELDS if f not in ("n_samples", "data_seed")) + ("regenerate",
                                                                               "maths")


class LessonFileError(ValueError):
    """A lesson file that cannot be read: not JSON, another format, or a bad entry."""


def _hidden_controls(value):
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError(f"hidden_controls must be a list of control names, got {value!r}")
    unknown = [v for v in value if v not in HIDEABLE]
    if unknown:
        raise ValueError(f"hidden_controls holds unknown control(s) {unknown}; valid names "
                         f"are: {', '.join(HIDEABLE)}")
    return tuple(c for c in HIDEABLE if c in value)


class Lesson:
    """``Lesson(settings, hidden_controls=(), title='', data=None)``.

    ``data = (X, y)``, X (N, 2) and y (N,), is stored in the file too (lists of numbers), for a
    lesson on your own points; its settings then name the dataset 'custom'.
    """

    def __init__(self, settings=None, hidden_controls=(), title="", data=None):
        settings = Settings() if settings is None else settings
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be a playground Settings, "
                            f"got {type(settings).__name__}")
        if not isinstance(title, str):
            raise TypeError(f"title must be a str, got {type(title).__name__}")
        if data is not None:
            X, y, _ = datasets.check_user_data(data, settings.problem)
            data = (X, y)
            settings = settings.replace(dataset=CUSTOM)
        elif settings.dataset == CUSTOM:
            raise ValueError("data must be given as (X, y) when the dataset is 'custom', "
                             "got None")
        self.settings, self.title, self.data = settings, title, data
        self.hidden_controls = _hidden_controls(hidden_controls)

    def engine(self):
        """A fresh ``Engine`` at this lesson's starting point."""
        return Engine(self.settings, data=self.data)

    def to_dict(self):
        out = {"format": FORMAT, "version": VERSION, "title": self.title,
               "settings": self.settings.to_dict(),
               "hidden_controls": list(self.hidden_controls)}
        if self.data is not None:
            out["data"] = {"X": self.data[0].tolist(), "y": self.data[1].tolist()}
        return out

    def to_json(self):
        """The lesson as JSON text: one setting a line, the data (if any) on one line at the end."""
        d = self.to_dict()
        data = d.pop("data", None)
        text = json.dumps(d, indent=1, ensure_ascii=False)
        if data is not None:
            text = text[:-2] + ',\n "data": ' + json.dumps(data, separators=(",", ":")) + "\n}"
        return text

    @classmethod
    def from_dict(cls, d, source="lesson"):
        """A lesson from ``to_dict()``'s data; ``source`` names it in error messages."""
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise LessonFileError(f"{source} must be a playground lesson (a JSON object with "
                                  f"\"format\": \"{FORMAT}\"), got {_peek(d)}")
        if d.get("version") != VERSION:
            raise LessonFileError(f"{source}: version must be {VERSION}, got {d.get('version')!r}")
        unknown = sorted(set(d) - {"format", "version", "title", "settings", "hidden_controls",
                                   "data"})
        if unknown:
            raise LessonFileError(f"{source}: unknown entries {unknown}")
        settings = d.get("settings", {})
        if not isinstance(settings, dict):
            raise LessonFileError(f"{source}: settings must be an object, got {_peek(settings)}")
        data = d.get("data")
        try:
            if data is not None:
                if not isinstance(data, dict) or set(data) != {"X", "y"}:
                    raise ValueError(f"data must be an object with X and y, got {_peek(data)}")
                data = (np.array(data["X"], dtype=float), np.array(data["y"]))
            return cls(Settings().replace(**settings), d.get("hidden_controls", ()),
                       d.get("title", ""), data)
        except (ValueError, TypeError) as exc:
            raise LessonFileError(f"{source}: {exc}") from None

    @classmethod
    def from_json(cls, text, source="lesson"):
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LessonFileError(f"{source} is not valid JSON: {exc}") from None
        return cls.from_dict(d, source)

    def save(self, path):
        """Write the lesson as JSON to ``path`` (conventionally ``*.json``); returns the path."""
        path = Path(path)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path):
        """Read a lesson written by ``save``."""
        path = Path(path)
        return cls.from_json(path.read_text(encoding="utf-8"), source=f"lesson file {path.name}")

    def __eq__(self, other):
        return isinstance(other, Lesson) and self.to_dict() == other.to_dict()

    def __repr__(self):
        hidden = ", ".join(self.hidden_controls) or "none"
        return f"Lesson({self.title!r}, {self.settings.dataset}, hidden controls: {hidden})"


def _peek(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
