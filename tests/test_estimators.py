"""NNClassifier and NNRegressor: scikit-learn's own estimator checks, its tools (clone, pickle,
Pipeline, cross-validation, grid search), labels, output shapes, defaults, the recipe written out
by hand, the early-stopping mapping to scikit-learn, and bad hyperparameters refused by name."""
import inspect
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import nnlib
from nnlib.estimators import NNClassifier, NNRegressor

# Every check passes; none is excused. Two skip themselves unless their extras are present:
# check_array_api_input (SCIPY_ARRAY_API=1) and the *_data_not_an_array checks (pandas, not a
# dependency here); both pass when they run. Most checks fit several times on small data: 50
# epochs is plenty for the ones that score.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks([NNClassifier(max_iter=50), NNRegressor(max_iter=50)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def regression(n_targets=1, seed=0):
    X, y = make_regression(120, 5, n_informative=5, n_targets=n_targets, noise=5.0,
                           random_state=seed)
    return X, y / y.std(axis=0)


# -- what a user sees --------------------------------------------------------------------------
def test_string_labels_come_back_as_given():
    X, y = iris()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = NNClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=100,
                       random_state=0).fit(X, names)
    assert clf.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(X)) == set(names)
    assert clf.score(X, names) > 0.9
    assert clf.model_.output_activation == "softmax" and clf.model_.n_out == 3


def test_binary_classifier_has_one_sigmoid_unit_and_two_probability_columns():
    X, y = iris()
    labels = np.where(y == 2, "virginica", "other")
    clf = NNClassifier(hidden_layer_sizes=(8,), max_iter=40, random_state=0).fit(X, labels)
    assert clf.model_.n_out == 1 and clf.model_.output_activation == "sigmoid"
    P = clf.predict_proba(X)
    assert P.shape == (150, 2)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[:, 1], clf.model_.predict(X)[:, 0])  # p(classes_[1])
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(P, axis=1)])


def test_regressor_output_shapes():
    X, y = regression()
    reg = NNRegressor(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    assert reg.fit(X, y).predict(X).shape == (120,)
    assert reg.fit(X, y[:, None]).predict(X).shape == (120,)  # one target, as scikit-learn
    X3, Y3 = regression(n_targets=3)
    assert reg.fit(X3, Y3).predict(X3).shape == (120, 3)
    assert reg.model_.n_out == 3


def test_fitted_attributes():
    X, y = iris()
    clf = NNClassifier(max_iter=30, random_state=0).fit(X, y)
    assert clf.n_features_in_ == 4 and clf.n_iter_ == len(clf.loss_curve_) == 30
    assert clf.validation_scores_ is None  # no early stopping: the training loss was watched
    assert clf.history_.monitor == "loss" and isinstance(clf.model_, nnlib.Sequential)
    clf = NNClassifier(max_iter=300, early_stopping=True, random_state=0).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == clf.history_.epochs
    assert clf.history_.monitor == "val_accuracy"


def test_float32_is_kept():
    X, y = iris()
    clf = NNClassifier(max_iter=5, dtype="float32", random_state=0).fit(X, y)
    assert clf.model_.dtype == np.float32 and clf.predict_proba(X).dtype == np.float32


def test_max_iter_reached_warns_as_scikit_learn_does():
    X, y = iris()
    with pytest.warns(ConvergenceWarning, match="max_iter=3 epochs reached") as seen:
        NNClassifier(max_iter=3, random_state=0).fit(X, y)
    assert seen[0].filename == __file__  # the caller's line, as for any warning nnlib gives


# -- scikit-learn's tools ----------------------------------------------------------------------
def test_clone_keeps_parameters_and_drops_the_fit():
    X, y = iris()
    clf = NNClassifier(hidden_layer_sizes=(7,), alpha=0.01, max_iter=5, random_state=3).fit(X, y)
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and not hasattr(twin, "model_")


def test_pickle_round_trip_predicts_alike_and_can_train_on():
    X, y = iris()
    clf = NNClassifier(hidden_layer_sizes=(8, 8), max_iter=20, random_state=0).fit(X, y)
    back = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert isinstance(clf.model_, nnlib.Sequential)  # pickling left the original as it was
    # The rebuilt model's layers share one ParameterStore again, so an optimizer moves them.
    model = back.model_
    before = model.predict(X).copy()
    nnlib.fit(model, "cross_entropy", nnlib.Adam(model.parameters(), lr=0.01),
              nnlib.DataLoader(X, y), 2)
    assert not np.allclose(before, model.predict(X))


def test_pipeline_cross_validation_and_grid_search():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), NNClassifier(hidden_layer_sizes=(16,), max_iter=80,
                                                        learning_rate_init=0.01, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    grid = GridSearchCV(pipe, {"nnclassifier__hidden_layer_sizes": [(4,), (16,)],
                               "nnclassifier__learning_rate_init": [1e-3, 1e-2]}, cv=3)
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_[-1].learning_rate_init in (1e-3, 1e-2)


def test_defaults_are_scikit_learns_where_the_names_are_shared():
    ours = NNClassifier().get_params()
    assert ours == NNRegressor().get_params()
    assert ours == {"hidden_layer_sizes": (100,), "activation": "relu", "solver": "adam",
                    "alpha": 0.0001, "batch_size": "auto", "learning_rate_init": 0.001,
                    "max_iter": 200, "tol": 1e-4, "early_stopping": False,
                    "validation_fraction": 0.1, "n_iter_no_change": 10, "momentum": 0.9,
                    "random_state": None, "init": "xavier", "dtype": "float64", "verbose": False}
    theirs = MLPClassifier().get_params()
    shared = set(ours) & set(theirs)
    assert len(shared) == 14
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}


# -- the recipe, written out with nnlib's public pieces ----------------------------------------
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_the_estimator_is_mlp_dataloader_optimizer_and_fit(solver):
    X, y = regression(n_targets=2)
    settings = dict(hidden_layer_sizes=(6, 5), alpha=0.5, batch_size=16, max_iter=30,
                    learning_rate_init=0.01, early_stopping=True, n_iter_no_change=3, tol=1e-3)
    reg = NNRegressor(solver=solver, random_state=7, **settings).fit(X, y)

    weights_rng, shuffle_rng, split_rng = [np.random.default_rng(s) for s in
                                           np.random.SeedSequence(7).spawn(3)]
    model = nnlib.mlp([5, 6, 5, 2], "relu", "identity", init="xavier", rng=weights_rng)
    # alpha / (2 B) ||W||^2 in scikit-learn's units: nnlib's mse over K = 2 outputs is 2 / K
    # times scikit-learn's half squared error, so the decay is 2 alpha / (K B) = alpha / 16.
    decay = 0.5 / 16
    opt = (nnlib.Adam(model.parameters(), lr=0.01, weight_decay=decay) if solver == "adam" else
           nnlib.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=decay))
    history = nnlib.fit(model, "mse", opt,
                        nnlib.DataLoader(X, y, batch_size=16, shuffle=True, rng=shuffle_rng), 30,
                        validation_fraction=0.1, metrics=["r2"], monitor="val_r2", patience=4,
                        min_delta=1e-3, rng=split_rng)
    np.testing.assert_array_equal(reg.predict(X), model.predict(X))
    assert reg.loss_curve_ == history["loss"] and reg.validation_scores_ == history["val_r2"]


# -- early stopping: scikit-learn's n_iter_no_change=k is nnlib's patience=k + 1 -----------------
@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("k", [1, 4])
def test_n_iter_no_change_stops_at_the_same_epoch_as_scikit_learn(k, early_stopping):
    """A learning rate of 1e-300 leaves the weights as they are: the watched number (training
    loss or validation R²) is flat from epoch 1, so both libraries count only epochs without
    gain. scikit-learn stops when its count exceeds k: after epoch k + 2, and so does nnlib."""
    X, y = regression()
    settings = dict(hidden_layer_sizes=(4,), learning_rate_init=1e-300, n_iter_no_change=k,
                    early_stopping=early_stopping, max_iter=50, random_state=0)
    theirs = MLPRegressor(**settings).fit(X, y)
    ours = NNRegressor(**settings).fit(X, y)
    assert theirs.n_iter_ == ours.n_iter_ == k + 2
    assert ours.history_.stopped_early and ours.history_.best_epoch == 1


def test_early_stopping_restores_the_best_validation_epoch():
    X, y = iris()
    clf = NNClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.01, early_stopping=True,
                       n_iter_no_change=5, max_iter=500, random_state=0).fit(X, y)
    best = clf.history_.best_epoch
    assert clf.history_.stopped_early and clf.n_iter_ == best + 5 + 1
    assert clf.validation_scores_[best - 1] == max(clf.validation_scores_)


# -- bad input, refused by name ----------------------------------------------------------------
@pytest.mark.parametrize("params, error, match", [
    (dict(hidden_layer_sizes=(0,)), ValueError, r"hidden_layer_sizes\[0\] must be a positive"),
    (dict(hidden_layer_sizes=(8, 2.5)), TypeError, r"hidden_layer_sizes\[1\] must be a positive"),
    (dict(hidden_layer_sizes="64"), TypeError, r"hidden_layer_sizes must be a tuple"),
    (dict(activation="softplus"), ValueError, r"unknown activation 'softplus'; valid names"),
    (dict(solver="lbfgs"), ValueError, r"unknown solver 'lbfgs'; valid names are: adam, sgd"),
    (dict(alpha=-1.0), ValueError, r"alpha must be a finite number >= 0, got -1.0"),
    (dict(batch_size=0), ValueError, r"batch_size must be a positive integer, got 0"),
    (dict(batch_size="big"), TypeError, r"batch_size must be a positive integer, got 'big'"),
    (dict(learning_rate_init=0.0), ValueError, r"learning_rate_init must be a finite number > 0"),
    (dict(max_iter=0), ValueError, r"max_iter must be a positive integer, got 0"),
    (dict(tol=-1e-3), ValueError, r"tol must be a finite number >= 0"),
    (dict(n_iter_no_change=0), ValueError, r"n_iter_no_change must be a positive integer"),
    (dict(early_stopping="yes"), TypeError, r"early_stopping must be True or False"),
    (dict(early_stopping=True, validation_fraction=1.0), ValueError,
     r"validation_fraction must be a finite number in \(0, 1\), got 1.0"),
    (dict(solver="sgd", momentum=1.0), ValueError, r"momentum must be a finite number in \[0, 1\)"),
    (dict(random_state=-1), ValueError, r"random_state must be None, a seed >= 0"),
    (dict(random_state="x"), TypeError, r"random_state must be None, a seed >= 0"),
    (dict(init="bogus"), ValueError, r"unknown init 'bogus'; valid names"),
    (dict(dtype="int32"), ValueError, r"dtype must be float32 or float64, got int32"),
])
def test_bad_hyperparameters_are_refused_by_name(params, error, match):
    X, y = iris()
    with pytest.raises(error, match=match):
        NNClassifier(**{"max_iter": 2, **params}).fit(X, y)


def test_a_validation_slice_of_one_row_is_refused():
    X, y = iris()
    with pytest.raises(ValueError, match=r"validation_fraction=0.005 holds out 1 of 150 rows: "
                                         r"early stopping needs at least 2 validation rows"):
        NNClassifier(early_stopping=True, validation_fraction=0.005).fit(X, y)


def test_bad_data_is_refused_by_name():
    X, y = iris()
    with pytest.raises(ValueError, match="at least 2 classes to tell apart, got 1 class"):
        NNClassifier().fit(X, np.zeros(150))
    with pytest.raises(ValueError, match="Unknown label type"):
        NNClassifier().fit(X, np.linspace(0, 1, 150))
    clf = NNClassifier(max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but NNClassifier is expecting 4"):
        clf.predict(X[:, :3])


def test_estimators_share_their_constructor():
    assert (inspect.signature(NNClassifier.__init__)
            == inspect.signature(NNRegressor.__init__))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NNRegressor(max_iter=3, tol=1e9, n_iter_no_change=1).fit(*regression())  # stops: silent
