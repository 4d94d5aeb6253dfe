"""The playground's pictures of an ``Engine``, as RGB arrays (H, W, 3): what the widget shows
and what a notebook can show with ``plt.imshow`` when there is no widget."""
import numpy as np

from . import render

GRID = 100        # the output picture is computed on a GRID x GRID grid ...
ENLARGE = 3       # ... and shown ENLARGE times larger: 300 x 300 pixels
THUMB = 2         # a hidden unit's picture takes every THUMB-th grid point: 50 x 50 pixels
FEATURE_GRID = 40


def regression_scale(engine):
    """The largest |y| of the training targets: regression colours span [-scale, scale]."""
    return max(1e-12, float(np.abs(engine.data.y_train).max()))


def output_picture(engine, maps=None):
    """The output over the square with the training points (and the test points, ringed in
    black, when ``show_test``), (GRID * ENLARGE, GRID * ENLARGE, 3). ``maps``: the engine's
    ``layer_maps(GRID)`` if the caller has them."""
    s, d, k = engine.settings, engine.data, engine.n_classes
    out = (engine.layer_maps(GRID) if maps is None else maps)[-1]
    scale = regression_scale(engine)
    values = out if k > 2 else out[:, :, 0]
    picture = render.enlarge(render.output_image(values, k, s.discretize, scale), ENLARGE)
    # Lighter behind the points, so that a point of either colour stands out.
    picture = (picture * 0.75 + 255 * 0.25).astype(np.uint8)
    render.draw_points(picture, d.X_train, render.point_colours(d.y_train, k, scale), d.extent)
    if s.show_test:
        render.draw_points(picture, d.X_test, render.point_colours(d.y_test, k, scale),
                           d.extent, ring=(0, 0, 0))
    return picture


def layer_pictures(engine, maps=None):
    """A picture per hidden layer: its units' maps stacked top to bottom, each 50 x 50."""
    maps = engine.layer_maps(GRID) if maps is None else maps
    pictures = []
    for A in maps[:-1]:
        units = A[::THUMB, ::THUMB]
        pictures.append(render.stack([render.unit_image(units[:, :, j])
                                      for j in range(units.shape[2])]))
    return pictures


def curves_picture(engine, width=GRID * ENLARGE, height=90):
    """Training (dark) and test (light) loss against the epoch, from 0 to their largest value."""
    h = engine.history
    return render.curves_image([h["train_loss"], h["test_loss"]], width, height)


def feature_pictures(engine):
    """{name: (FEATURE_GRID, FEATURE_GRID, 3)} for every feature; unused ones greyed out."""
    out = {}
    for name, values in engine.feature_maps(FEATURE_GRID).items():
        picture = render.unit_image(values / max(1e-12, np.abs(values).max()))
        if name not in engine.settings.features:
            picture = (picture * 0.3 + 255 * 0.7).astype(np.uint8)
        out[name] = picture
    return out
