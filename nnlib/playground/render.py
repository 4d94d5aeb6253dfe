"""Pictures as RGB arrays and PNG bytes, straight from NumPy: no plotting library in the loop.

An image is an (H, W, 3) uint8 array, row 0 at the top. The colours are TensorFlow
Playground's: orange for class 0 (or -1), blue for class 1 (or +1), near-white in between.
"""
import struct
import zlib

import numpy as np

ORANGE, WHITE, BLUE = (245, 147, 34), (232, 234, 235), (8, 119, 189)
# Classes 0, 1, 2, ...: orange and blue as above, then green, purple, red, brown, grey, olive.
CLASS_COLOURS = np.array([ORANGE, BLUE, (76, 175, 80), (142, 68, 173), (211, 47, 47),
                          (121, 85, 72), (97, 97, 97), (158, 157, 36)], dtype=float)
TRAIN_LINE, TEST_LINE = (51, 51, 51), (160, 160, 160)


def _diverging_table():
    t = np.linspace(-1, 1, 255)[:, None]  # an odd count: 0 falls on the middle entry
    lo, mid, hi = (np.array(c, dtype=float) for c in (ORANGE, WHITE, BLUE))
    rgb = np.where(t < 0, mid + (lo - mid) * -t, mid + (hi - mid) * t)
    return np.round(rgb).astype(np.uint8)


DIVERGING = _diverging_table()


def diverging(values):
    """Values in [-1, 1] (clipped), any shape S -> colours S + (3,): orange, white, blue."""
    idx = np.clip(np.rint((np.asarray(values) + 1) * 127), 0, 254).astype(np.intp)
    return DIVERGING[idx]


def class_colours(P, discretize=False):
    """Class probabilities (G, G, K) -> (G, G, 3): the likeliest class's colour, fading to
    white where the network is unsure (all K equally likely); full colour when discretized."""
    K = P.shape[2]
    best = P.argmax(axis=2)
    sure = np.ones(best.shape) if discretize else (P.max(axis=2) - 1 / K) / (1 - 1 / K)
    colour = CLASS_COLOURS[best % len(CLASS_COLOURS)]
    white = np.array(WHITE, dtype=float)
    return np.round(white + (colour - white) * sure[..., None]).astype(np.uint8)


def output_image(values, n_classes, discretize=False, scale=1.0):
    """The output picture (G, G, 3) from ``Engine.output_map`` values.

    Two classes: p(class 1) in [0, 1]; K classes: probabilities (G, G, K); regression: values
    divided by ``scale`` (the largest |y| of the training targets) so they fill [-1, 1].
    """
    if n_classes > 2:
        return class_colours(values, discretize)
    v = 2 * values - 1 if n_classes == 2 else values / scale
    return diverging(np.sign(v) if discretize else v)


def unit_image(A):
    """One unit's activations over the grid (G, G) -> (G, G, 3); values beyond +-1 are scaled
    down so that the largest is +-1 (ReLU and linear units are unbounded)."""
    return diverging(A / max(1.0, float(np.abs(A).max())))


def point_colours(y, n_classes, scale=1.0):
    """A colour per point, (N, 3): its class's, or for regression its value's."""
    if n_classes:
        return CLASS_COLOURS[np.asarray(y) % len(CLASS_COLOURS)].astype(np.uint8)
    return diverging(np.asarray(y) / scale)


def _disk(radius):
    r = int(np.ceil(radius))
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    inside = dx**2 + dy**2 <= radius**2
    return dy[inside], dx[inside]


def draw_points(image, X, colours, extent, radius=3.0, ring=(255, 255, 255)):
    """Draw points X (N, 2) on ``image`` (H, W, 3) in place: a disk of its colour (N, 3) in a
    one-pixel ``ring``. ``extent = (lo, hi)`` is the square the image shows."""
    H, W, _ = image.shape
    lo, hi = extent
    cols = np.rint((X[:, 0] - lo) / (hi - lo) * (W - 1)).astype(np.intp)
    rows = np.rint((hi - X[:, 1]) / (hi - lo) * (H - 1)).astype(np.intp)
    for r, paint in ((radius + 1, np.broadcast_to(np.asarray(ring, np.uint8), colours.shape)),
                     (radius, colours)):
        dy, dx = _disk(r)
        R, C = rows[:, None] + dy, cols[:, None] + dx
        ok = (R >= 0) & (R < H) & (C >= 0) & (C < W)
        image[R[ok], C[ok]] = np.broadcast_to(paint[:, None, :], R.shape + (3,))[ok]
    return image


def enlarge(image, factor):
    """Each pixel repeated ``factor`` times in both directions."""
    return image.repeat(factor, axis=0).repeat(factor, axis=1)


def stack(images, gap=4, background=255):
    """Equal-sized images (h, w, 3) one above the other with ``gap`` pixels between."""
    h, w, _ = images[0].shape
    out = np.full((len(images) * (h + gap) - gap, w, 3), background, dtype=np.uint8)
    for i, im in enumerate(images):
        out[i * (h + gap):i * (h + gap) + h] = im
    return out


def curves_image(series, width=300, height=90, colours=(TRAIN_LINE, TEST_LINE)):
    """Line chart of one or more series (each a list, index = epoch) from 0 to their largest
    value, all sharing the x axis; a 2-pixel line for each. Returns (height, width, 3)."""
    out = np.full((height, width, 3), 255, dtype=np.uint8)
    n = max(len(s) for s in series)
    top = max(max(s) for s in series if len(s))
    if n < 2 or not top > 0:
        return out
    cols = np.arange(width)
    rows = np.arange(height)[:, None]
    for values, colour in zip(series, colours):
        v = np.interp(cols * (n - 1) / (width - 1), np.arange(len(values)), values)
        r = (height - 2) - v / top * (height - 3)           # row of each column's value
        a, b = np.minimum(r, np.roll(r, -1)), np.maximum(r, np.roll(r, -1))
        b[-1] = a[-1] = r[-1]
        mask = (rows >= np.floor(a) - 1) & (rows <= np.ceil(b))  # joins column to column
        out[mask] = colour
    return out


def png(image):
    """PNG bytes of an (H, W, 3) uint8 image (no metadata: the same pixels, the same bytes)."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    H, W, _ = image.shape
    raw = np.zeros((H, 1 + 3 * W), dtype=np.uint8)  # each row: filter type 0, then the pixels
    raw[:, 1:] = image.reshape(H, 3 * W)

    def chunk(tag, body):
        return (struct.pack(">I", len(body)) + tag + body
                + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + chunk(b"IEND", b""))
