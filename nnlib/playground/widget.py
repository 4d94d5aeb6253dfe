"""The playground's user interface in JupyterLab: ipywidgets around an ``Engine``.

``Playground(lesson)`` shows the controls and pictures; ``play`` trains epoch after epoch in the
kernel's event loop (so the kernel still answers every click) and redraws every picture in
place: each is an ``ipywidgets.Image`` whose PNG bytes are replaced, never a new output.
"""
import asyncio
import functools
import html
import time
from pathlib import Path

import ipywidgets as w

from .._checks import positive_float, positive_int
from . import render
from .controls import (button, dataset_options, feature_toggles, heading, image,
                       make_controls, tagged)
from .engine import Engine
from .features import FEATURES
from .lesson import Lesson
from .pictures import (ENLARGE, FEATURE_GRID, GRID, THUMB, curves_picture, feature_pictures,
                       layer_pictures, output_picture)
from .settings import CUSTOM, MAX_LAYERS, MAX_WIDTH, Settings

SPEEDS = (1, 2, 5, 10)  # epochs per frame


def _as_lesson(lesson, data):
    """A Lesson from None, a Lesson, a Settings or the path of a lesson file."""
    if isinstance(lesson, Lesson):
        if data is not None:
            raise ValueError("data must be None when a Lesson is given (it carries its own)")
        return lesson
    if isinstance(lesson, (str, Path)):
        return Lesson.load(lesson)
    if lesson is None or isinstance(lesson, Settings):
        return Lesson(lesson, data=data)
    raise TypeError(f"lesson must be a Lesson, Settings, a lesson file's path or None, "
                    f"got {type(lesson).__name__}")


class Playground:
    """``Playground(lesson=None, *, data=None, epochs_per_frame=1, fps=20, **changes)``.

    ``lesson``: a ``Lesson``, a lesson file's path, a ``Settings`` or None (the opening lesson);
    ``data = (X, y)``: your own points, X (N, 2), y (N,); ``changes``: settings to override.
    Each frame of ``play`` trains ``epochs_per_frame`` epochs and redraws; ``fps`` caps the
    frame rate.
    """

    def __init__(self, lesson=None, *, data=None, epochs_per_frame=1, fps=20, **changes):
        self._lesson = _as_lesson(lesson, data)
        self.engine = Engine(self._lesson.settings.replace(**changes), data=self._lesson.data)
        self.epochs_per_frame = positive_int(epochs_per_frame, "epochs_per_frame")
        self.fps = positive_float(fps, "fps")
        self._task, self._syncing, self.frames = None, False, 0
        self._shown_layers = self._shown_features = None  # nothing drawn yet
        self._build()
        for name in self._lesson.hidden_controls:
            self._boxes[name].layout.display = "none"
        self._sync_controls()
        self._refresh()

    # -- layout -----------------------------------------------------------------------------
    def _build(self):
        s = self.engine.settings
        self.controls = make_controls(s, has_custom=self.engine.data_is_custom)
        for name, control in self.controls.items():
            control.observe(functools.partial(self._on_control, name), names="value")
        self.features = feature_toggles(s.features)
        for name, toggle in self.features.items():
            toggle.observe(self._on_feature, names="value")
        self.feature_images = {n: image(f"thumb-{n}", (FEATURE_GRID, FEATURE_GRID))
                               for n in FEATURES}
        self.play = tagged(w.ToggleButton(description="▶ play", tooltip="train epoch after "
                                          "epoch", layout=w.Layout(width="90px")), "play")
        self.play.observe(self._on_play, names="value")
        self.step_button = button("step", "step", "train one epoch", "80px")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button = button("reset", "⟲ reset", "back to epoch 0 (same seed)", "80px")
        self.reset_button.on_click(lambda _: self._do(self.engine.reset))
        self.regenerate = button("regenerate", "regenerate", "new data (next data seed)",
                                 "110px")
        self.regenerate.on_click(lambda _: self._do(self.engine.regenerate))
        self.speed = tagged(w.Dropdown(options=[(f"{k} epoch{'s' * (k > 1)} / frame", k)
                                                for k in SPEEDS], value=self.epochs_per_frame,
                                       layout=w.Layout(width="150px")), "speed")
        self.speed.observe(lambda c: setattr(self, "epochs_per_frame", c.new), names="value")
        self.epoch_label = tagged(w.HTML(), "epoch")
        self.layer_buttons = w.HBox([button("add-layer", "+", "add a hidden layer", "40px"),
                                     button("remove-layer", "−", "remove the last hidden layer",
                                            "40px")])
        self.layer_buttons.children[0].on_click(lambda _: self._resize_layers(+1))
        self.layer_buttons.children[1].on_click(lambda _: self._resize_layers(-1))
        self.layers_label = w.HTML()
        self.layers_box = w.HBox(layout=w.Layout(align_items="flex-start"))
        self.unit_images = []
        self.output_image = image("output", (GRID * ENLARGE,) * 2)
        self.curve_image = image("curve", (GRID * ENLARGE, 90))
        self.loss_text = tagged(w.HTML(), "scores")
        self.message = tagged(w.HTML(), "message")
        self.maths = tagged(w.HTML(), "maths")
        self.widget = tagged(w.VBox(self._layout()), "root")
        # Count the views the frontend shows: play stops once the last one is gone (the cell
        # was run again or its output cleared), instead of training unseen in the background.
        self.widget._view_count, self._had_view = 0, False

    def _layout(self):
        c = self.controls
        run = w.HBox([self.reset_button, self.play, self.step_button, self.epoch_label,
                      self.speed], layout=w.Layout(align_items="center"))
        top = w.HBox([c[n] for n in ("lr", "activation", "regularization", "reg_rate",
                                     "problem", "optimizer", "loss")],
                      layout=w.Layout(flex_flow="row wrap"))
        data = w.VBox([heading("DATA"), c["dataset"], c["train_percent"], c["noise"],
                       c["batch_size"], w.HBox([self.regenerate, c["seed"]])],
                      layout=w.Layout(width="340px", flex="0 0 auto"))
        self.feature_box = w.VBox([heading("FEATURES")] + [
            w.HBox([self.features[n], self.feature_images[n]],
                   layout=w.Layout(align_items="center")) for n in FEATURES],
            layout=w.Layout(flex="0 0 auto"))
        hidden = w.VBox([heading("HIDDEN LAYERS"),
                         w.HBox([self.layer_buttons, self.layers_label],
                                layout=w.Layout(align_items="center")),
                         self.layers_box], layout=w.Layout(margin="0 12px", flex="0 0 auto"))
        output = w.VBox([heading("OUTPUT"), self.loss_text, self.curve_image,
                         self.output_image, w.HBox([c["show_test"], c["discretize"]]),
                         self.message, self.maths], layout=w.Layout(flex="0 0 auto"))
        self._boxes = {**c, "features": self.feature_box, "hidden_layers": self.layer_buttons,
                       "regenerate": self.regenerate, "maths": self.maths}
        # The output column moves below the others when the page is too narrow for all four.
        columns = w.HBox([data, self.feature_box, hidden, output],
                         layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        return [run, top, columns]

    def _layer_columns(self):
        """A column per hidden layer: its width buttons, its size, and its units' pictures."""
        for column in self.layers_box.children:  # the old columns' widgets are not needed
            for widget in _descendants(column):
                widget.close()
        self.unit_images, columns = [], []
        for i, width in enumerate(self.engine.settings.hidden_layers):
            plus = button(f"add-unit-{i}", "+", f"add a unit to layer {i + 1}", "26px")
            minus = button(f"remove-unit-{i}", "−", f"remove a unit from layer {i + 1}", "26px")
            for b in (plus, minus):
                b.layout.padding = "0"
            plus.on_click(lambda _, i=i: self._resize_layer(i, +1))
            minus.on_click(lambda _, i=i: self._resize_layer(i, -1))
            size = (GRID // THUMB, width * (GRID // THUMB + 4) - 4)
            self.unit_images.append(image(f"units-{i}", size))
            buttons = w.HBox([minus, plus])
            if "hidden_layers" in self._lesson.hidden_controls:
                buttons.layout.display = "none"
            size_label = w.HTML(f"<span style='font-size:0.9em;white-space:nowrap'>{width} "
                                f"unit{'s' * (width > 1)}</span>")
            columns.append(w.VBox([buttons, size_label, self.unit_images[-1]],
                                  layout=w.Layout(margin="0 6px", flex="0 0 auto")))
        self.layers_box.children = columns
        n = len(self.engine.settings.hidden_layers)
        self.layers_label.value = f"&nbsp;{n} hidden layer{'s' * (n != 1)}"

    # -- reacting to the controls ------------------------------------------------------------
    def _on_control(self, name, change):
        if self._syncing:
            return
        changes = {name: change.new}
        if name == "problem":  # a data set and a loss that fit the new problem
            keep_custom = self.engine.settings.dataset == CUSTOM
            changes["dataset"] = CUSTOM if keep_custom else dataset_options(change.new,
                                                                            False)[0][1]
            changes["loss"] = "mse" if change.new == "regression" else "cross_entropy"
        self._apply(**changes)

    def _on_feature(self, change):
        if self._syncing:
            return
        chosen = [n for n, t in self.features.items() if t.value]
        self._apply(features=chosen)

    def _resize_layers(self, delta):
        layers = list(self.engine.settings.hidden_layers)
        if delta > 0 and len(layers) < MAX_LAYERS:
            layers.append(layers[-1] if layers else 2)
        elif delta < 0 and layers:
            layers.pop()
        self._apply(hidden_layers=layers)

    def _resize_layer(self, i, delta):
        layers = list(self.engine.settings.hidden_layers)
        layers[i] = min(MAX_WIDTH, max(1, layers[i] + delta))
        self._apply(hidden_layers=layers)

    def _apply(self, **changes):
        """Pass a change to the engine; a refused one is shown and the controls put back."""
        try:
            self.engine.update(**changes)
        except (ValueError, TypeError) as exc:
            self._sync_controls()
            self.message.value = _note(str(exc))
            return
        self._sync_controls()
        self._refresh()

    def _do(self, action):
        action()
        self._sync_controls()
        self._refresh()

    def _sync_controls(self):
        """Every control shows the engine's current settings (without reacting to itself)."""
        s, c = self.engine.settings, self.controls
        self._syncing = True
        try:
            c["dataset"].options = dataset_options(s.problem, self.engine.data_is_custom)
            for name, control in c.items():
                control.value = getattr(s, name)
            c["loss"].disabled = s.problem == "regression"
            c["noise"].disabled = s.dataset == CUSTOM  # your own points are used as they are
            for name, toggle in self.features.items():
                toggle.value = name in s.features
        finally:
            self._syncing = False

    # -- training ---------------------------------------------------------------------------
    def step(self, epochs=1):
        """Train ``epochs`` epochs and redraw; returns False if training diverged."""
        ok = self.engine.step(epochs)
        self._draw()
        return ok

    def frame(self):
        """One frame of play: ``epochs_per_frame`` epochs, then every picture redrawn."""
        self.frames += 1
        return self.step(self.epochs_per_frame)

    def _on_play(self, change):
        self.play.description = "❚❚ pause" if change.new else "▶ play"
        if not change.new or (self._task is not None and not self._task.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.play.value = False
            self.message.value = _note("play needs a running Jupyter kernel; use step instead")
            return
        self._task = loop.create_task(self._run())

    async def _run(self):
        try:
            while self.play.value and not self._shown_nowhere():
                start = time.perf_counter()
                if not self.frame():
                    self.play.value = False
                # Sleep at least a little: the kernel answers clicks while this task waits.
                await asyncio.sleep(max(0.005, 1 / self.fps - (time.perf_counter() - start)))
        except Exception as exc:  # a task's error would otherwise vanish unseen
            self.message.value = _note(f"stopped: {type(exc).__name__}: {exc}")
        self.play.value = False

    def _shown_nowhere(self):
        """True once every view the frontend showed of this playground is gone."""
        count = self.widget._view_count
        self._had_view = self._had_view or bool(count)
        return self._had_view and count == 0

    def close(self):
        """Stop playing and close every widget of this playground."""
        self.play.value = False
        for widget in _descendants(self.widget):
            widget.close()

    # -- drawing ----------------------------------------------------------------------------
    def _refresh(self):
        # The layer columns and feature thumbnails are rebuilt only when what they show changed
        # (the thumbnails span the data's square: your own data's differs from the built-in one).
        s = self.engine.settings
        features = (s.features, self.engine.data.extent)
        if s.hidden_layers != self._shown_layers:
            self._layer_columns()
            self._shown_layers = s.hidden_layers
        if features != self._shown_features:
            self._draw_features()
            self._shown_features = features
        self._draw()

    def _draw_features(self):
        for name, picture in feature_pictures(self.engine).items():
            self.feature_images[name].value = render.png(picture)

    def _draw(self):
        e = self.engine
        maps = e.layer_maps(GRID)
        for image_widget, picture in zip(self.unit_images, layer_pictures(e, maps)):
            image_widget.value = render.png(picture)
        self.output_image.value = render.png(output_picture(e, maps))
        self.curve_image.value = render.png(curves_picture(e))
        self.epoch_label.value = f"<span style='font-size:1.4em'>Epoch {e.epoch:07,d}</span>"
        self.loss_text.value = self._loss_html()
        self.maths.value = self._maths_html()
        self.message.value = _note(e.message) if e.message else ""

    def _loss_html(self):
        st = self.engine.state()
        text = (f"Test loss <b>{st['test_loss']:.3f}</b> &nbsp; Training loss "
                f"<b>{st['train_loss']:.3f}</b>")
        if "test_accuracy" in st:
            text += (f"<br>Test accuracy <b>{st['test_accuracy']:.1%}</b> &nbsp; Training "
                     f"accuracy <b>{st['train_accuracy']:.1%}</b>")
        legend = ("<br><span style='color:#333'>━ training</span> &nbsp; "
                  "<span style='color:#a0a0a0'>━ test</span>")
        return text + legend

    def _maths_html(self):
        e = self.engine
        norms = e.grad_norms or [None] * len(e.model.layers)  # None before the first step
        rows = "".join(f"<tr><td>layer {i + 1} ({l.n_in}→{l.n_out})&nbsp;</td>"
                       f"<td>{'–' if g is None else f'{g:.3g}'}</td></tr>"
                       for i, (l, g) in enumerate(zip(e.model.layers, norms)))
        return (f"<b>The update rule</b><pre style='font-size:0.85em;line-height:1.3'>"
                f"{html.escape(e.update_rule())}</pre><table style='line-height:1.2'><tr>"
                f"<th style='text-align:left'>gradient norm ‖g‖ (last batch)</th><th></th></tr>"
                f"{rows}</table>")

    # -- lessons and display ----------------------------------------------------------------
    def lesson(self, title=None, hidden_controls=None):
        """The current settings as a ``Lesson`` (by default with this one's title and hidden
        controls), ready to ``save``."""
        return Lesson(self.engine.settings,
                      self._lesson.hidden_controls if hidden_controls is None else hidden_controls,
                      self._lesson.title if title is None else title, self.engine.user_data)

    def save_lesson(self, path, title=None, hidden_controls=None):
        """Write ``lesson(title, hidden_controls)`` to ``path`` as JSON; returns the path."""
        return self.lesson(title, hidden_controls).save(path)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # stable text: no widget ids
        return bundle

    def __repr__(self):
        title = f"{self._lesson.title}: " if self._lesson.title else ""
        return f"Playground({title}{self.engine!r})"


def _descendants(widget):
    """``widget`` and every widget inside it, children first."""
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)
    yield widget


def _note(text):
    return f"<div style='color:#b00020;max-width:300px'>{html.escape(text)}</div>"
