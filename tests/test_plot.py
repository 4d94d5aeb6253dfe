"""The plotting helpers draw what they are given and save reproducible files."""
import matplotlib

matplotlib.use("Agg")  # no screen needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib.plot import decision_map, plot_history, save_figure  # noqa: E402


def test_plot_history_draws_one_line_per_present_key():
    fig, ax = plt.subplots()
    plot_history({"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0]}, ax=ax)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    plt.close(fig)


def test_decision_map_evaluates_the_whole_square():
    fig, ax = plt.subplots()
    seen = []

    def predict(P):
        seen.append(P)
        return (P[:, 0] > 1.0).astype(float)

    decision_map(predict, (0, 2), (0, 4), ax=ax, resolution=11)
    (P,) = seen
    assert P.shape == (121, 2)
    assert P[:, 0].min() == 0 and P[:, 0].max() == 2
    assert P[:, 1].min() == 0 and P[:, 1].max() == 4
    assert ax.get_xlim() == (0, 2)
    plt.close(fig)


def test_save_figure_writes_identical_bytes_twice(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    first = save_figure(fig, "a", directory=tmp_path)
    second = save_figure(fig, "b", directory=tmp_path)
    plt.close(fig)
    assert first == tmp_path / "a.png"
    assert first.read_bytes() == second.read_bytes()


def test_save_figure_goes_where_the_environment_says(tmp_path, monkeypatch):
    """make notebooks sets NNLIB_FIGURES_DIR to figures/; without it nothing tracked is written."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    monkeypatch.setenv("NNLIB_FIGURES_DIR", str(tmp_path / "chosen"))
    assert save_figure(fig, "c") == tmp_path / "chosen" / "c.png"
    monkeypatch.delenv("NNLIB_FIGURES_DIR")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    assert save_figure(fig, "d") == tmp_path / "tmp" / "nnlib-figures" / "d.png"
    plt.close(fig)


def test_save_figure_refuses_a_path_as_name(tmp_path):
    fig = plt.figure()
    with pytest.raises(ValueError, match="name must be a non-empty file name"):
        save_figure(fig, "../escape", directory=tmp_path)
    plt.close(fig)
