"""The checks of notebook 02's exercises: each classic mistake, written as a learner would write
it, gets its own diagnosis; a right answer (in any correct form) gets ✓; an unwritten one gets
"not written yet"."""
import numpy as np
import pytest

import nnlib
from nnlib import checks


def verdict(capsys, check, fn):
    """Run a check; return what it hands back and the one line it printed."""
    returned = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one line
    return returned, out.strip()


def stub(*args):
    raise NotImplementedError


# -- the three slopes ------------------------------------------------------------------------
def naive_sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


SLOPES = {  # check -> (right through A, right through Z alone, [(mistake, message), ...])
    "sigmoid_derivative": (
        lambda Z, A: A * (1 - A),
        lambda Z, A: naive_sigmoid(Z) * (1 - naive_sigmoid(Z)),  # exp overflows to 0: fine
        [(lambda Z, A: Z * (1 - Z), "used Z in the output form A (1 - A)"),
         (lambda Z, A: naive_sigmoid(A) * (1 - naive_sigmoid(A)), "evaluated at the output"),
         (lambda Z, A: A, "a factor is missing"),
         (lambda Z, A: 1 - A, "a factor is missing"),
         (lambda Z, A: A * (A - 1), "the wrong sign"),
         (lambda Z, A: np.exp(-Z) / (1 + np.exp(-Z)) ** 2, "overflow: NaN or inf at large |z|"),
         (lambda Z, A: (A * (1 - A)).ravel(), "f'(Z) has shape (15,) for inputs Z (5, 3), "
                                              "A (5, 3); expected (5, 3)"),
         (lambda Z, A: 0.5 * A * (1 - A), "none of the classic mistakes")]),
    "tanh_derivative": (
        lambda Z, A: 1 - A ** 2,
        lambda Z, A: 1 / np.cosh(Z) ** 2,
        [(lambda Z, A: 1 - Z ** 2, "used Z in the output form 1 - A**2"),
         (lambda Z, A: 1 - np.tanh(A) ** 2, "evaluated at the output"),
         (lambda Z, A: 1 - A, "the square is missing"),
         (lambda Z, A: A ** 2 - 1, "the wrong sign"),
         (lambda Z, A: 1 - ((np.exp(2 * Z) - 1) / (np.exp(2 * Z) + 1)) ** 2,
          "overflow: NaN or inf at large |z|"),
         (lambda Z, A: 1 - A ** 3, "none of the classic mistakes")]),
}


@pytest.mark.parametrize("name", SLOPES)
def test_slope_right_forms_pass_and_are_returned(capsys, name):
    for right in SLOPES[name][:2]:
        returned, line = verdict(capsys, getattr(checks, name), right)
        assert line.startswith(f"✓ {name}: matches nnlib on 4 random inputs"), line
        assert returned is right


@pytest.mark.parametrize("name", SLOPES)
def test_slope_stub_is_not_written_yet_and_nnlib_takes_over(capsys, name):
    returned, line = verdict(capsys, getattr(checks, name), stub)
    assert line.startswith(f"… {name}: not written yet")
    act = nnlib.get_activation(name.split("_")[0])
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(returned(Z, act.forward(Z)), act.derivative(Z), rtol=1e-15)


@pytest.mark.parametrize("name, fn, message", [
    (name, fn, message) for name, (_, _, mistakes) in SLOPES.items() for fn, message in mistakes])
def test_slope_mistakes_are_named(capsys, name, fn, message):
    returned, line = verdict(capsys, getattr(checks, name), fn)
    assert line.startswith(f"✗ {name}: ")
    assert message in line
    assert returned is not fn


def elu_right(Z, A, alpha):
    return np.where(Z > 0, 1.0, A + alpha)


def elu_right_through_exp(Z, A, alpha):
    return np.where(Z >= 0, 1.0, alpha * np.exp(Z))  # exp(1000) = inf lies in the unused branch


def test_elu_right_forms_pass_and_are_returned(capsys):
    for right in (elu_right, elu_right_through_exp):
        returned, line = verdict(capsys, checks.elu_derivative, right)
        assert line.startswith("✓ elu_derivative: matches nnlib on 4 random inputs"), line
        assert returned is right


def test_elu_stub_is_not_written_yet_and_nnlib_takes_over(capsys):
    returned, line = verdict(capsys, checks.elu_derivative, stub)
    assert line.startswith("… elu_derivative: not written yet")
    act = nnlib.get_activation("elu", alpha=0.5)
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(returned(Z, act.forward(Z), 0.5), act.derivative(Z), rtol=1e-15)


def elu_relu_slope(Z, A, alpha):
    return np.where(Z > 0, 1.0, 0.0)


def elu_alpha_forgotten(Z, A, alpha):
    return np.where(Z > 0, 1.0, A)


def elu_one_branch(Z, A, alpha):
    return A + alpha


def elu_z_for_a(Z, A, alpha):
    return np.where(Z > 0, 1.0, Z + alpha)


def elu_at_output(Z, A, alpha):
    return np.where(A > 0, 1.0, alpha * np.exp(A))


def elu_mask_overflow(Z, A, alpha):
    return (Z > 0) * 1.0 + (Z <= 0) * alpha * np.exp(Z)  # inf * 0 = NaN at z = 1000


def elu_unknown(Z, A, alpha):
    return np.where(Z > 0, 1.0, A + 2 * alpha)


@pytest.mark.parametrize("fn, message", [
    (elu_relu_slope, "0 for z <= 0: that is ReLU's slope"),
    (elu_alpha_forgotten, "alpha is missing on the left"),
    (elu_one_branch, "A + alpha is the slope only for z <= 0"),
    (elu_z_for_a, "used Z for A on the left"),
    (elu_at_output, "evaluated at the output: ELU'(A) instead of ELU'(Z)"),
    (elu_mask_overflow, "overflow: NaN or inf at large |z|"),
    (elu_unknown, "none of the classic mistakes"),
])
def test_elu_mistakes_are_named(capsys, fn, message):
    returned, line = verdict(capsys, checks.elu_derivative, fn)
    assert line.startswith("✗ elu_derivative: ")
    assert message in line
    assert returned is not fn


# -- softmax_backward ------------------------------------------------------------------------
def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_right(dA, Z):
    A = softmax_rows(Z)
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


def softmax_through_jacobian(dA, Z):
    J = nnlib.get_activation("softmax").derivative(Z)
    return np.einsum("nij,ni->nj", J, dA)


def softmax_no_max(dA, Z):
    E = np.exp(Z)
    A = E / E.sum(axis=1, keepdims=True)
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


def softmax_diagonal_only(dA, Z):
    A = softmax_rows(Z)
    return A * (1 - A) * dA


def softmax_term_missing(dA, Z):
    return softmax_rows(Z) * dA


def softmax_sign(dA, Z):
    A = softmax_rows(Z)
    return A * (np.sum(dA * A, axis=1, keepdims=True) - dA)


def softmax_dot_over_batch(dA, Z):
    A = softmax_rows(Z)
    return A * (dA - np.sum(dA * A, axis=0))


def softmax_columns(dA, Z):
    E = np.exp(Z - Z.max(axis=0))
    A = E / E.sum(axis=0)
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


def softmax_whole_batch(dA, Z):
    E = np.exp(Z - Z.max())
    A = E / E.sum()
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


def softmax_z_for_a(dA, Z):
    return Z * (dA - np.sum(dA * Z, axis=1, keepdims=True))


def softmax_no_keepdims(dA, Z):
    A = softmax_rows(Z)
    return A * (dA - np.sum(dA * A, axis=1))  # (N, K) - (N,): NumPy refuses when N != K


def softmax_unknown(dA, Z):
    A = softmax_rows(Z)
    return A * (dA - 0.5 * np.sum(dA * A, axis=1, keepdims=True))


def test_softmax_right_forms_pass_and_are_returned(capsys):
    for right in (softmax_right, softmax_through_jacobian):
        returned, line = verdict(capsys, checks.softmax_backward, right)
        assert line.startswith("✓ softmax_backward: matches nnlib on 4 random inputs"), line
        assert returned is right


def test_softmax_stub_is_not_written_yet_and_nnlib_takes_over(capsys):
    returned, line = verdict(capsys, checks.softmax_backward, stub)
    assert line.startswith("… softmax_backward: not written yet")
    dA, Z = np.array([[1.0, -1.0, 0.5]]), np.array([[0.2, 1000.0, -3.0]])
    np.testing.assert_allclose(returned(dA, Z), softmax_right(dA, Z), rtol=1e-14)


@pytest.mark.parametrize("fn, message", [
    (softmax_no_max, "overflow at large logits (NaN or inf)"),
    (softmax_diagonal_only, "the diagonal of J alone"),
    (softmax_term_missing, "the term - A (dA . A) is missing"),
    (softmax_sign, "the wrong sign"),
    (softmax_dot_over_batch, "summed over the batch (axis 0)"),
    (softmax_columns, "softmax over the wrong axis"),
    (softmax_whole_batch, "softmax normalised over the whole batch"),
    (softmax_z_for_a, "used Z where the probabilities A = softmax(Z) belong"),
    (softmax_no_keepdims, "raised ValueError: operands could not be broadcast together"),
    (softmax_unknown, "none of the classic mistakes"),
])
def test_softmax_mistakes_are_named(capsys, fn, message):
    returned, line = verdict(capsys, checks.softmax_backward, fn)
    assert line.startswith("✗ softmax_backward: ")
    assert message in line
    assert returned is not fn
