"""Symbolic checks (the ones notebooks 02 and 03 run): nnlib's derivatives against sympy's.

Each activation's slope is derived by sympy from the definition and compared with nnlib on a grid;
the softmax Jacobian and the backprop matrix formulas of a one-hidden-layer network are proved equal
to sympy's derivatives exactly (simplify(a - b) == 0); the fused output deltas reduce to y_hat - y;
and on numbers, the lambdified symbolic gradient, nnlib's backward and finite differences agree.
"""
import numpy as np
import pytest

import nnlib

sp = pytest.importorskip("sympy")

z = sp.Symbol("z", real=True)
alpha = sp.Symbol("alpha", positive=True)
_sig = 1 / (1 + sp.exp(-z))

# (definition, keyword arguments for nnlib): the derivative is left to sympy.
SYMBOLIC = {
    "identity": (z, {}),
    "sigmoid": (_sig, {}),
    "tanh": (sp.tanh(z), {}),
    "relu": (sp.Piecewise((z, z > 0), (0, True)), {}),
    "leaky_relu": (sp.Piecewise((z, z > 0), (alpha * z, True)), {"alpha": 0.01}),
    "leaky_relu_0.2": (sp.Piecewise((z, z > 0), (alpha * z, True)), {"alpha": 0.2}),
    "elu": (sp.Piecewise((z, z > 0), (alpha * (sp.exp(z) - 1), True)), {"alpha": 1.0}),
    "elu_0.5": (sp.Piecewise((z, z > 0), (alpha * (sp.exp(z) - 1), True)), {"alpha": 0.5}),
    "silu": (z * _sig, {}),
}


def test_every_elementwise_activation_has_a_symbolic_reference():
    covered = {key.split("_0.")[0] for key in SYMBOLIC}
    assert covered == {name for name in nnlib.ACTIVATIONS if name not in ("linear", "softmax")}


@pytest.mark.parametrize("key", list(SYMBOLIC))
def test_activation_derivative_matches_sympy(key):
    expr, kwargs = SYMBOLIC[key]
    act = nnlib.get_activation(key.split("_0.")[0], **kwargs)
    values = {alpha: kwargs["alpha"]} if kwargs else {}
    f_ref = sp.lambdify(z, expr.subs(values), "numpy")
    df_ref = sp.lambdify(z, sp.diff(expr, z).subs(values), "numpy")
    # An even number of points in a symmetric range never hits the kink at exactly 0.
    Z = np.linspace(-6, 6, 240).reshape(-1, 1)
    A = act.forward(Z)
    np.testing.assert_allclose(A, np.broadcast_to(f_ref(Z), Z.shape), rtol=1e-12, atol=1e-14)
    expected = np.broadcast_to(df_ref(Z), Z.shape)
    np.testing.assert_allclose(act.derivative(Z), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(act.derivative(Z, A), expected, rtol=1e-12, atol=1e-14)
    dA = np.linspace(-1, 1, len(Z)).reshape(-1, 1)
    np.testing.assert_allclose(act.backward(dA, Z, A), dA * expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("key", ["relu", "leaky_relu", "elu"])
def test_slope_at_the_kink_is_a_one_sided_derivative(key):
    expr, kwargs = SYMBOLIC[key]
    d = sp.diff(expr, z).subs(alpha, kwargs.get("alpha", 0))
    eps = sp.Symbol("epsilon", positive=True)
    sides = {float(sp.limit(d.subs(z, s * eps), eps, 0)) for s in (-1, 1)}
    at_zero = nnlib.get_activation(key, **kwargs).derivative(np.zeros((1, 1)))[0, 0]
    assert at_zero in sides


@pytest.mark.parametrize("name, identity", [
    ("sigmoid", _sig * (1 - _sig)),
    ("tanh", 1 - sp.tanh(z) ** 2),
    ("silu", _sig * (1 + z * (1 - _sig))),
])
def test_output_based_derivative_formulas_are_exact(name, identity):
    assert sp.simplify(sp.diff(SYMBOLIC[name][0], z) - identity) == 0


def _softmax_symbolic(K):
    zs = sp.symbols(f"z1:{K + 1}", real=True)
    total = sum(sp.exp(zk) for zk in zs)
    return zs, sp.Matrix([sp.exp(zk) / total for zk in zs])


def test_softmax_jacobian_symbolic_and_numeric(rng):
    K = 3
    zs, f = _softmax_symbolic(K)
    J_sym = f.jacobian(zs)
    for i in range(K):
        for j in range(K):
            assert sp.simplify(J_sym[i, j] - f[i] * (int(i == j) - f[j])) == 0
    softmax = nnlib.get_activation("softmax")
    Z = rng.normal(0.0, 2.0, size=(4, K))
    J_lamb = sp.lambdify(zs, J_sym, "numpy")
    J_ref = np.stack([np.array(J_lamb(*row), dtype=float) for row in Z])
    J = softmax.derivative(Z)
    np.testing.assert_allclose(J, J_ref, rtol=1e-12, atol=1e-15)
    h = 1e-6
    for j in range(K):
        E = np.zeros_like(Z)
        E[:, j] = h
        column = (softmax.forward(Z + E) - softmax.forward(Z - E)) / (2 * h)
        np.testing.assert_allclose(J[:, :, j], column, atol=1e-9)
    dA = rng.normal(size=Z.shape)
    np.testing.assert_allclose(softmax.backward(dA, Z, softmax.forward(Z)),
                               np.einsum("nij,ni->nj", J, dA), rtol=1e-12, atol=1e-15)


# ---- a one-hidden-layer network on small symbolic matrices (samples as rows) ----------------
N, D, H, K = 2, 3, 2, 2


def _symbols(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


@pytest.fixture(scope="module")
def net():
    """Symbols, the averaged MSE loss for any activation f, and the backprop matrix formulas."""
    X, Y = _symbols("x", N, D), _symbols("y", N, K)
    W1, W2 = _symbols("v", D, H), _symbols("w", H, K)
    b1, b2 = _symbols("c", 1, H), _symbols("d", 1, K)
    f, s = sp.Function("f"), sp.Symbol("s")
    ones = sp.ones(N, 1)
    Z1 = X * W1 + ones * b1
    A1 = Z1.applyfunc(f)
    Y_hat = A1 * W2 + ones * b2
    L = sum((Y_hat[n, k] - Y[n, k]) ** 2 for n in range(N) for k in range(K)) / (N * K)
    delta2 = 2 * (Y_hat - Y) / (N * K)
    f_prime = Z1.applyfunc(lambda e: sp.diff(f(s), s).subs(s, e))
    delta1 = (delta2 * W2.T).multiply_elementwise(f_prime)
    return {
        "X": X, "Y": Y, "f": f, "L": L,
        "params": {"W1": W1, "b1": b1, "W2": W2, "b2": b2},
        "formulas": {"W1": X.T * delta1, "b1": ones.T * delta1,
                     "W2": A1.T * delta2, "b2": ones.T * delta2},
    }


@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_backprop_matrix_formulas_equal_symbolic_gradient(net, name):
    P, formula = net["params"][name], net["formulas"][name]
    for i in range(P.rows):
        for j in range(P.cols):
            # expand first: both sides are polynomials in the symbols and f, f' values, so
            # expanding to 0 is exact, and simplify on the raw difference is slow
            assert sp.simplify(sp.expand(sp.diff(net["L"], P[i, j]) - formula[i, j])) == 0


def test_sigmoid_with_binary_cross_entropy_reduces_to_y_hat_minus_y():
    y, p = sp.symbols("y p", real=True)
    bce = -(y * sp.log(p) + (1 - y) * sp.log(1 - p))
    assert sp.simplify(sp.diff(bce.subs(p, _sig), z) - (_sig - y)) == 0
    chained = sp.diff(bce, p).subs(p, _sig) * sp.diff(_sig, z)
    assert sp.simplify(chained - (_sig - y)) == 0


def test_softmax_with_cross_entropy_reduces_to_y_hat_minus_y():
    zs, f = _softmax_symbolic(3)
    ys = sp.symbols("y1:4", real=True)
    ce = -sum(yk * sp.log(fk) for yk, fk in zip(ys, f))
    on_simplex = {ys[2]: 1 - ys[0] - ys[1]}  # targets that sum to 1
    for j in range(3):
        difference = (sp.diff(ce, zs[j]) - (f[j] - ys[j])).subs(on_simplex)
        assert sp.simplify(difference) == 0


def test_fused_deltas_are_y_hat_minus_y_over_n(rng):
    Z = rng.normal(size=(5, 3))
    ce = nnlib.get_loss("cross_entropy")
    Y = ce.prepare(rng.integers(0, 3, size=5), 3, np.float64)
    P = nnlib.softmax(Z)
    np.testing.assert_allclose(ce.delta(P, Y), (P - Y) / 5, rtol=1e-15)
    S, B = nnlib.sigmoid(Z), (Z > 0).astype(float)
    np.testing.assert_allclose(nnlib.get_loss("bce").delta(S, B), (S - B) / Z.size, rtol=1e-15)


def _tanh_model(rng):
    model = nnlib.Sequential([nnlib.Dense(D, H, "tanh", rng=0), nnlib.Dense(H, K, rng=1)])
    for layer in model.layers:
        layer.params["b"][:] = rng.normal(size=layer.n_out)  # non-zero biases
    return model


def test_symbolic_equals_backward_equals_finite_differences(net, rng):
    L = net["L"].replace(net["f"], sp.tanh)
    P = net["params"]
    inputs = [*net["X"], *net["Y"], *P["W1"], *P["b1"], *P["W2"], *P["b2"]]
    model = _tanh_model(rng)
    (l1, l2), mse = model.layers, nnlib.get_loss("mse")
    X, Y = rng.normal(size=(N, D)), rng.normal(size=(N, K))
    values = [*X.ravel(), *Y.ravel(), *l1.params["W"].ravel(), *l1.params["b"],
              *l2.params["W"].ravel(), *l2.params["b"]]
    assert np.isclose(sp.lambdify(inputs, L)(*values), model.loss_and_gradients(X, Y, mse),
                      rtol=1e-14)
    numeric = nnlib.check_model_gradients(model, mse, X, Y)
    for name, (layer, key) in {"W1": (l1, "W"), "b1": (l1, "b"),
                               "W2": (l2, "W"), "b2": (l2, "b")}.items():
        grad = sp.Matrix(P[name].rows, P[name].cols, lambda i, j: sp.diff(L, P[name][i, j]))
        symbolic = np.array(sp.lambdify(inputs, grad)(*values), dtype=float)
        model.loss_and_gradients(X, Y, mse)
        assert nnlib.relative_error(symbolic.reshape(layer.params[key].shape),
                                    layer.grads[key]) < 1e-13
    assert max(numeric.values()) < 1e-7


class _SummedGradientMSE(nnlib.MeanSquaredError):
    """Broken on purpose: the value is a mean, but the gradient is summed over the batch."""

    def delta(self, y_hat, Y):
        return 2.0 * (y_hat - Y) / Y.shape[1]


@pytest.mark.parametrize("n", [1, 2, 10])
def test_gradient_check_catches_a_summed_gradient(n, rng):
    model = _tanh_model(rng)
    X, Y = rng.normal(size=(n, D)), rng.normal(size=(n, K))
    errors = nnlib.check_model_gradients(model, _SummedGradientMSE(), X, Y)
    # backward gives N g instead of g: ||N g - g|| / (||N g|| + ||g||) = (N - 1) / (N + 1)
    for err in errors.values():
        assert err == pytest.approx((n - 1) / (n + 1), abs=1e-6)
