"""Checks for notebook 05's exercises: standardising with the training set's statistics, and R²
from its definition."""
import numpy as np

from ..metrics import r2_score as _r2_reference
from ._core import Case, Mistake, check

__all__ = ["standardize", "r2_score"]


# -- standardising --------------------------------------------------------------------------

def _standardize_reference(train, val):
    # What sklearn's StandardScaler().fit(train) then .transform does: per column, the training
    # mean and the standard deviation with 1/N (ddof=0).
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (val - mean) / std


def _with(mean, std, train, val):
    return (train - mean) / std, (val - mean) / std


# Each mistake below is written with the learner's signature (train, val).
def _val_own_statistics(train, val):
    return ((train - train.mean(axis=0)) / train.std(axis=0),
            (val - val.mean(axis=0)) / val.std(axis=0))


def _fitted_on_both(train, val):
    both = np.concatenate([train, val])
    return _with(both.mean(axis=0), both.std(axis=0), train, val)


def _one_mean_for_all(train, val):
    return _with(train.mean(), train.std(), train, val)


def _per_row(train, val):
    return ((train - train.mean(axis=1, keepdims=True)) / train.std(axis=1, keepdims=True),
            (val - val.mean(axis=1, keepdims=True)) / val.std(axis=1, keepdims=True))


def _centred_only(train, val):
    return train - train.mean(axis=0), val - train.mean(axis=0)


def _not_centred(train, val):
    return train / train.std(axis=0), val / train.std(axis=0)


def _by_variance(train, val):
    return _with(train.mean(axis=0), train.var(axis=0), train, val)


def _sample_std(train, val):
    return _with(train.mean(axis=0), train.std(axis=0, ddof=1), train, val)


_STANDARDIZE_MISTAKES = [
    Mistake("the validation set is scaled with its own mean and standard deviation: it must "
            "use the training set's, as if it were data not seen yet", fn=_val_own_statistics),
    Mistake("the statistics come from training and validation rows together: fitting on all "
            "the data lets the validation set leak into the preprocessing; use train's only",
            fn=_fitted_on_both),
    Mistake("one mean and one standard deviation for the whole array: each column (feature) "
            "has its own; use train.mean(axis=0) and train.std(axis=0)", fn=_one_mean_for_all),
    Mistake("statistics taken per row (axis=1): a row is a sample, a column a feature; use "
            "axis=0, the mean over the samples of each feature", fn=_per_row),
    Mistake("centred but not scaled: after subtracting the mean, divide by the training "
            "standard deviation too", fn=_centred_only),
    Mistake("scaled but not centred: subtract the training mean before dividing by the "
            "standard deviation", fn=_not_centred),
    Mistake("divided by the variance: divide by the standard deviation, its square root "
            "(train.std(axis=0))", fn=_by_variance),
    Mistake("used the sample standard deviation (ddof=1): StandardScaler, and this notebook, "
            "divide by N (np.std's default, ddof=0)", fn=_sample_std),
]


def standardize(fn):
    """Check your standardising: fn(train (N, D), val (N_val, D)) -> (train_s (N, D),
    val_s (N_val, D)), both scaled with the training set's mean and standard deviation."""
    rng = np.random.default_rng(505)
    cases = []
    for n, n_val, d in [(8, 5, 3), (12, 4, 2), (6, 9, 4), (20, 7, 5)]:
        # Columns with their own centre and spread, so per-column statistics matter.
        centre, spread = rng.uniform(-5, 5, d), rng.uniform(0.5, 4, d)
        cases.append(Case(centre + spread * rng.standard_normal((n, d)),
                          centre + spread * rng.standard_normal((n_val, d))))
    return check("standardize", fn, _standardize_reference, cases, _STANDARDIZE_MISTAKES,
                 outputs=("train_s", "val_s"))


# -- R² ---------------------------------------------------------------------------------------

def _sums(y, y_hat):
    return np.sum((y - y_hat) ** 2), np.sum((y - np.mean(y)) ** 2)


# Each mistake below is written with the learner's signature (y, y_hat).
def _without_one_minus(y, y_hat):
    ss_res, ss_tot = _sums(y, y_hat)
    return ss_res / ss_tot


def _mean_of_prediction(y, y_hat):
    return 1 - np.sum((y - y_hat) ** 2) / np.sum((y - np.mean(y_hat)) ** 2)


def _spread_of_prediction(y, y_hat):
    return 1 - np.sum((y - y_hat) ** 2) / np.sum((y_hat - np.mean(y_hat)) ** 2)


def _squared_correlation(y, y_hat):
    return np.corrcoef(np.ravel(y), np.ravel(y_hat))[0, 1] ** 2


def _by_standard_deviation(y, y_hat):
    return 1 - np.mean((y - y_hat) ** 2) / np.std(y)


def _not_centred_total(y, y_hat):
    return 1 - np.sum((y - y_hat) ** 2) / np.sum(y**2)


def _mean_over_sum(y, y_hat):
    ss_res, ss_tot = _sums(y, y_hat)
    return 1 - ss_res / len(y) / ss_tot


_R2_MISTAKES = [
    Mistake("the `1 -` is missing: SS_res / SS_tot is the fraction of the variance left "
            "unexplained; R² = 1 - SS_res / SS_tot", fn=_without_one_minus),
    Mistake("SS_tot is taken around the mean of y_hat: the baseline is always predicting the "
            "mean of the true y, so SS_tot = sum((y - y.mean())**2)", fn=_mean_of_prediction),
    Mistake("SS_tot measures the spread of y_hat: it is the spread of the true values, "
            "sum((y - y.mean())**2)", fn=_spread_of_prediction),
    Mistake("this is the squared correlation of y and y_hat: it equals R² only for a least-"
            "squares line fitted to these very points, and ignores a shift or a scale in y_hat; "
            "use R² = 1 - SS_res / SS_tot", fn=_squared_correlation),
    Mistake("divided by the standard deviation: MSE / Var(y) = SS_res / SS_tot, so divide "
            "the MSE by the variance, np.var(y)", fn=_by_standard_deviation),
    Mistake("SS_tot = sum(y**2) leaves the mean in: subtract y.mean() first, "
            "SS_tot = sum((y - y.mean())**2)", fn=_not_centred_total),
    Mistake("a mean divided by a sum: SS_res / N over SS_tot is N times too small; take both "
            "as sums (or both as means)", fn=_mean_over_sum),
]


def r2_score(fn):
    """Check your R²: fn(y (N,) or (N, 1), y_hat of the same shape) -> a float."""
    rng = np.random.default_rng(5050)
    cases = []
    for n, column, scale, shift, noise in [(10, False, 0.8, 0.5, 0.3), (25, True, 1.1, -0.4, 0.5),
                                           (7, False, 0.6, 1.5, 1.0), (40, True, 0.9, 0.2, 0.1)]:
        y = 3.0 + 2.0 * rng.standard_normal(n)
        y_hat = scale * y + shift + noise * rng.standard_normal(n)
        cases.append(Case(y[:, None], y_hat[:, None]) if column else Case(y, y_hat))
    return check("r2_score", fn, _r2_reference, cases, _R2_MISTAKES)
