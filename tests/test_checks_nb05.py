"""Notebook 05's checks: each classic mistake, written as a learner would, gets its diagnosis."""
import numpy as np
import pytest

from nnlib import checks
from nnlib import r2_score as nnlib_r2


def verdict(check, fn, capsys):
    """Run a check; return what it handed back and the one line it printed."""
    returned = check(fn)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return returned, lines[0]


def assert_diagnosis(check, fn, capsys, *phrases):
    returned, line = verdict(check, fn, capsys)
    assert line.startswith("✗ "), line
    for phrase in phrases:
        assert phrase in line, line
    assert returned is not fn


# -- standardize ----------------------------------------------------------------------------

def standardize(train, val):
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (val - mean) / std


def test_standardize_correct(capsys):
    returned, line = verdict(checks.standardize, standardize, capsys)
    assert line.startswith("✓ standardize:"), line
    assert returned is standardize


def test_standardize_stub_gets_nnlib_version(capsys, rng):
    def stub(train, val):
        raise NotImplementedError

    returned, line = verdict(checks.standardize, stub, capsys)
    assert line.startswith("… standardize: not written yet"), line
    train, val = rng.standard_normal((6, 2)), rng.standard_normal((3, 2))
    for got, want in zip(returned(train, val), standardize(train, val)):
        np.testing.assert_allclose(got, want, rtol=1e-14)


def own_statistics(train, val):
    train_s = (train - train.mean(axis=0)) / train.std(axis=0)
    val_s = (val - val.mean(axis=0)) / val.std(axis=0)
    return train_s, val_s


def fitted_on_everything(train, val):
    everything = np.vstack([train, val])
    mean, std = everything.mean(axis=0), everything.std(axis=0)
    return (train - mean) / std, (val - mean) / std


def no_axis(train, val):
    return (train - train.mean()) / train.std(), (val - train.mean()) / train.std()


def rows(train, val):
    def scale(a):
        return (a - a.mean(axis=1, keepdims=True)) / a.std(axis=1, keepdims=True)
    return scale(train), scale(val)


def centred(train, val):
    mean = train.mean(axis=0)
    return train - mean, val - mean


def scaled(train, val):
    std = train.std(axis=0)
    return train / std, val / std


def by_variance(train, val):
    mean, var = train.mean(axis=0), train.var(axis=0)
    return (train - mean) / var, (val - mean) / var


def ddof_one(train, val):
    mean, std = np.mean(train, axis=0), np.std(train, axis=0, ddof=1)
    return (train - mean) / std, (val - mean) / std


@pytest.mark.parametrize("fn, phrases", [
    (own_statistics, ["val_s:", "its own mean and standard deviation"]),
    (fitted_on_everything, ["training and validation rows together"]),
    (no_axis, ["one mean and one standard deviation for the whole array"]),
    (rows, ["per row (axis=1)"]),
    (centred, ["centred but not scaled"]),
    (scaled, ["scaled but not centred"]),
    (by_variance, ["divided by the variance"]),
    (ddof_one, ["sample standard deviation (ddof=1)"]),
])
def test_standardize_mistakes(fn, phrases, capsys):
    assert_diagnosis(checks.standardize, fn, capsys, *phrases)


def test_standardize_in_place_is_named(capsys):
    def in_place(train, val):
        mean, std = train.mean(axis=0), train.std(axis=0)
        train -= mean
        train /= std
        return train, (val - mean) / std

    assert_diagnosis(checks.standardize, in_place, capsys, "changed the caller's array `train`")


def test_standardize_unknown_mistake_is_generic(capsys):
    def min_max(train, val):
        low, high = train.min(axis=0), train.max(axis=0)
        return (train - low) / (high - low), (val - low) / (high - low)

    assert_diagnosis(checks.standardize, min_max, capsys, "none of the classic mistakes")


# -- r2_score -------------------------------------------------------------------------------

def r2(y, y_hat):
    ss_res = np.sum((y - y_hat) ** 2)
    ss_tot = np.sum((y - np.mean(y)) ** 2)
    return 1 - ss_res / ss_tot


def test_r2_correct(capsys):
    returned, line = verdict(checks.r2_score, r2, capsys)
    assert line.startswith("✓ r2_score:"), line
    assert returned is r2


def test_r2_stub_gets_nnlib_version(capsys, rng):
    def stub(y, y_hat):
        raise NotImplementedError

    returned, line = verdict(checks.r2_score, stub, capsys)
    assert line.startswith("… r2_score: not written yet"), line
    y = rng.standard_normal(20)
    assert returned(y, 0.5 * y) == pytest.approx(r2(y, 0.5 * y), rel=1e-14)
    assert returned is nnlib_r2


def no_one_minus(y, y_hat):
    return np.sum((y - y_hat) ** 2) / np.sum((y - np.mean(y)) ** 2)


def mean_of_y_hat(y, y_hat):
    return 1 - ((y - y_hat) ** 2).sum() / ((y - y_hat.mean()) ** 2).sum()


def variance_of_y_hat(y, y_hat):
    return 1 - np.mean((y - y_hat) ** 2) / np.var(y_hat)


def correlation_squared(y, y_hat):
    r = np.corrcoef(y.ravel(), y_hat.ravel())[0, 1]
    return r * r


def over_std(y, y_hat):
    return 1 - np.mean((y - y_hat) ** 2) / y.std()


def sum_of_squares(y, y_hat):
    return 1 - np.sum((y - y_hat) ** 2) / np.sum(y * y)


def mse_over_sum(y, y_hat):
    return 1 - np.mean((y - y_hat) ** 2) / np.sum((y - y.mean()) ** 2)


@pytest.mark.parametrize("fn, phrase", [
    (no_one_minus, "the `1 -` is missing"),
    (mean_of_y_hat, "around the mean of y_hat"),
    (variance_of_y_hat, "spread of y_hat"),
    (correlation_squared, "squared correlation"),
    (over_std, "divided by the standard deviation"),
    (sum_of_squares, "sum(y**2) leaves the mean in"),
    (mse_over_sum, "a mean divided by a sum"),
])
def test_r2_mistakes(fn, phrase, capsys):
    assert_diagnosis(checks.r2_score, fn, capsys, phrase)


def test_r2_unknown_mistake_is_generic(capsys):
    def mean_absolute(y, y_hat):
        return 1 - np.mean(np.abs(y - y_hat)) / np.mean(np.abs(y - y.mean()))

    assert_diagnosis(checks.r2_score, mean_absolute, capsys, "none of the classic mistakes")


def test_r2_missing_return_is_named(capsys):
    def no_return(y, y_hat):
        1 - np.sum((y - y_hat) ** 2) / np.sum((y - np.mean(y)) ** 2)

    assert_diagnosis(checks.r2_score, no_return, capsys, "returned None")
