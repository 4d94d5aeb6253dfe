"""The machinery under every exercise check: one line per check, mistakes recognised, the
learner's function returned only when it is right."""
import numpy as np
import pytest

from nnlib import checks
from nnlib.checks import Case, Mistake, _core, check

RNG = np.random.default_rng(0)
CASES = [Case(RNG.normal(size=shape)) for shape in [(3, 4), (5, 2), (2, 3)]]


def reference(Z):
    return 2.0 * Z


MISTAKES = [Mistake("forgot the factor 2", fn=lambda Z: Z),
            Mistake("wrong sign", fn=lambda Z: -2.0 * Z)]


def run(fn, capsys, **kwargs):
    returned = check("double", fn, reference, CASES, MISTAKES, **kwargs)
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one line, always
    return returned, out


def test_right_answer_is_ticked_and_returned(capsys):
    def double(Z):
        return Z + Z

    returned, out = run(double, capsys)
    assert returned is double
    assert out.startswith("✓ double: matches nnlib on 3 random inputs")


def test_stub_is_not_written_yet_and_the_reference_is_used(capsys):
    def double(Z):
        raise NotImplementedError

    returned, out = run(double, capsys)
    assert returned is reference
    assert out.startswith("… double: not written yet")
    assert "nnlib's version" in out


@pytest.mark.parametrize("fn, message", [
    (lambda Z: Z.copy(), "forgot the factor 2"),
    (lambda Z: -(Z + Z), "wrong sign"),
])
def test_a_known_mistake_is_named(capsys, fn, message):
    returned, out = run(fn, capsys)
    assert returned is reference
    assert out.startswith(f"✗ double: {message}")


def test_an_unknown_mistake_gets_the_generic_line(capsys):
    _, out = run(lambda Z: 3 * Z, capsys)
    assert "none of the classic mistakes" in out and "relative error 2.0e-01" in out


def test_shape_exceptions_none_and_mutation_are_reported(capsys):
    assert "expected (3, 4)" in run(lambda Z: 2 * Z.T, capsys)[1]
    assert "raised ValueError: boom" in run(lambda Z: (_ for _ in ()).throw(ValueError("boom")),
                                           capsys)[1]
    assert "returned None" in run(lambda Z: None, capsys)[1]

    def in_place(Z):
        Z *= 2
        return Z

    assert "changed the caller's array `Z` in place" in run(in_place, capsys)[1]


def test_wrong_number_of_pieces(capsys):
    def right(Z):
        return Z, Z

    out = check("pair", lambda Z: (Z, Z, Z), right, CASES, outputs=("a", "b"))
    assert out is right  # the notebook carries on with the reference
    text = capsys.readouterr().out
    assert "should return a tuple (a, b), got a tuple of 3" in text


def test_a_mistake_that_overflows_is_matched_nan_for_nan(capsys):
    big = [Case(np.array([[0.0, 1000.0], [1.0, 2.0]]))]

    def softmax(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    naive = Mistake("no row maximum subtracted: exp overflows",
                    fn=lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))
    check("softmax", lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True), softmax,
          big, [naive])
    assert "exp overflows" in capsys.readouterr().out


def test_not_a_function_is_refused_by_name():
    with pytest.raises(TypeError, match="fn must be your function"):
        check("double", 3, reference, CASES)


def test_mistake_needs_exactly_one_way_to_be_recognised():
    with pytest.raises(ValueError, match="exactly one of fn and test"):
        Mistake("x")


def test_compare_guess_never_fails(capsys):
    checks.compare_guess(None, 0.731, "accuracy")
    checks.compare_guess(0.7, 0.731, "accuracy", close=0.05)
    checks.compare_guess(0.2, 0.731, "accuracy", close=0.05)
    checks.compare_guess("high", 0.731, "accuracy")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["No guess written yet. The accuracy is 0.73.",
                     "Your guess: 0.70. The accuracy: 0.73. Close!",
                     "Your guess: 0.20. The accuracy: 0.73. Far off: read on for why.",
                     "Your guess 'high' is not a number; the accuracy is 0.73."]


def test_a_mistake_that_raises_is_named_by_its_error(capsys):
    cases = [Case(RNG.normal(size=(3, 2)), RNG.normal(size=(3, 4)))]  # X (N, D), E (N, M)
    forgot_transpose = Mistake("X must be transposed: dW = X.T @ E", fn=lambda X, E: X @ E)
    check("dW", lambda X, E: X @ E, lambda X, E: X.T @ E, cases, [forgot_transpose])
    out = capsys.readouterr().out
    assert out.startswith("✗ dW: X must be transposed: dW = X.T @ E (it raised ValueError")


def test_the_mistake_that_explains_every_piece_wins():
    cases = [Case(RNG.normal(size=(4, 3)))]
    right = lambda Z: (2 * Z, 3 * Z)  # noqa: E731
    both_halved = Mistake("both halved", fn=lambda Z: (Z, 1.5 * Z))
    first_halved = Mistake("first halved", fn=lambda Z: (Z, 3 * Z))
    from nnlib.checks._core import diagnose
    line, _ = diagnose("f", lambda Z: (Z, 3 * Z), right, cases, [both_halved, first_halved],
                       ("a", "b"))
    assert line == "✗ f: a: first halved"
    line, _ = diagnose("f", lambda Z: (Z, 3 * Z), right, cases, [both_halved], ("a", "b"))
    assert line == "✗ f: a: both halved"  # the wrong piece alone still gets a name


# -- what every exercise check shares, checked for all of them at once -------------------------
from nnlib.checks import (_nb01, _nb02, _nb03, _nb04, _nb05, _nb06,  # noqa: E402
                          _nb07, _nb08, _nb09)

MODULES = (_nb01, _nb02, _nb03, _nb04, _nb05, _nb06, _nb07, _nb08, _nb09)
EXERCISES = [getattr(m, name) for m in MODULES for name in m.__all__]


def test_every_exercise_check_is_exported_once_under_its_name():
    names = [name for m in MODULES for name in m.__all__]
    assert len(names) == len(set(names)) == 23
    assert all(getattr(checks, name) is ex for name, ex in zip(names, EXERCISES))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda f: f.__name__)
def test_every_check_refuses_a_non_function_by_name(exercise):
    with pytest.raises(TypeError, match=r"fn must be your function \(callable\), got ndarray"):
        exercise(np.zeros(3))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda f: f.__name__)
def test_every_check_says_not_written_yet_to_a_stub_and_hands_back_its_own(exercise, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError

    returned = exercise(stub)
    line = capsys.readouterr().out
    # The line names the learner's function as the notebook calls it (e.g. mse_and_gradients).
    assert line.startswith("… ") and ": not written yet: " in line and line.count("\n") == 1
    assert callable(returned) and returned is not stub


def test_non_finite_outputs_match_only_value_for_value_and_place_for_place():
    inf, nan = np.inf, np.nan
    assert _core.relative_error(np.array([nan, 1.0, inf]), np.array([nan, 1.0, inf])) == 0.0
    assert _core.relative_error(np.array([inf, 1.0, 2.0]), np.array([1.0, inf, 2.0])) == inf
    assert _core.relative_error(np.array([inf, 1.0]), np.array([-inf, 1.0])) == inf
    assert _core.relative_error(np.array([nan, 1.0]), np.array([nan, 2.0])) == inf
