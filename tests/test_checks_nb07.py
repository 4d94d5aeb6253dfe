"""The checks of notebook 07's exercises: a right answer passes, a stub is "not written yet",
and each classic mistake, written out as a learner would write it, gets its own diagnosis."""
import inspect

import numpy as np
import pytest

from nnlib import checks
from nnlib.checks import _nb07


def run(check, fn, capsys):
    """The one line a check prints, and the function it hands back."""
    returned = check(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip(), returned


# -- momentum_step -----------------------------------------------------------------------------

def momentum_right(p, g, v, lr, momentum):
    v = momentum * v + g
    return p - lr * v, v


def test_momentum_right_answer_passes(capsys):
    line, returned = run(checks.momentum_step, momentum_right, capsys)
    assert line.startswith("✓ momentum_step: matches nnlib on 3 random inputs")
    assert returned is momentum_right


def test_momentum_reference_is_nnlib_sgd():
    p, g, v = np.ones(3), np.array([1.0, -2.0, 0.5]), np.array([0.2, 0.0, -1.0])
    p_new, v_new = _nb07._momentum_reference(p, g, v, 0.1, 0.9)
    np.testing.assert_allclose(v_new, 0.9 * v + g, rtol=1e-15)
    np.testing.assert_allclose(p_new, p - 0.1 * (0.9 * v + g), rtol=1e-15)
    assert np.array_equal(p, np.ones(3))  # the caller's arrays are left alone


def test_momentum_stub_is_not_written_yet(capsys):
    def momentum_step(p, g, v, lr, momentum):
        raise NotImplementedError  # your code here
    line, returned = run(checks.momentum_step, momentum_step, capsys)
    assert line.startswith("… momentum_step: not written yet")
    assert returned is _nb07._momentum_reference


def uphill(p, g, v, lr, momentum):
    v = momentum * v + g
    return p + lr * v, v


def velocity_sign(p, g, v, lr, momentum):
    v = momentum * v - g
    return p - lr * v, v


def lr_twice(p, g, v, lr, momentum):
    v = momentum * v + lr * g
    return p - lr * v, v


def lr_in_velocity(p, g, v, lr, momentum):
    v = momentum * v + lr * g
    return p - v, v


def no_momentum(p, g, v, lr, momentum):
    return p - lr * g, g


def damped(p, g, v, lr, momentum):
    v = momentum * v + (1 - momentum) * g
    return p - lr * v, v


def old_velocity_step(p, g, v, lr, momentum):
    p_new = p - lr * v
    return p_new, momentum * v + g


def old_velocity_returned(p, g, v, lr, momentum):
    return p - lr * (momentum * v + g), v


@pytest.mark.parametrize("fn, message", [
    (uphill, "p: the step goes uphill"),
    (velocity_sign, "p, v: the velocity has the wrong sign"),
    (lr_twice, "p, v: lr is applied twice"),
    (lr_in_velocity, "p, v: lr is inside the velocity"),
    (no_momentum, "p, v: the momentum is ignored"),
    (damped, "p, v: the gradient is damped by (1 - momentum)"),
    (old_velocity_step, "p: p moved with the old velocity"),
    (old_velocity_returned, "v: the velocity returned is the old one"),
])
def test_momentum_mistakes_are_named(fn, message, capsys):
    line, returned = run(checks.momentum_step, fn, capsys)
    assert line.startswith(f"✗ momentum_step: {message}")
    assert returned is _nb07._momentum_reference


def test_momentum_in_place_change_is_named(capsys):
    def momentum_step(p, g, v, lr, momentum):
        v *= momentum
        v += g
        p -= lr * v
        return p, v
    line, _ = run(checks.momentum_step, momentum_step, capsys)
    assert line.startswith("✗ momentum_step: changed the caller's array `p` in place")


def test_momentum_one_output_only_is_named(capsys):
    def momentum_step(p, g, v, lr, momentum):
        return p - lr * (momentum * v + g)
    line, _ = run(checks.momentum_step, momentum_step, capsys)
    assert line.startswith("✗ momentum_step: should return a tuple (p, v), got ndarray")


def test_momentum_unknown_mistake_gets_the_generic_line(capsys):
    def momentum_step(p, g, v, lr, momentum):
        v = momentum * v + g
        return p - 0.5 * lr * v, v
    line, _ = run(checks.momentum_step, momentum_step, capsys)
    assert line.startswith("✗ momentum_step: p differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- adam_step ---------------------------------------------------------------------------------

def adam_right(p, g, m, v, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_adam_right_answer_passes(capsys):
    line, returned = run(checks.adam_step, adam_right, capsys)
    assert line.startswith("✓ adam_step: matches nnlib on 3 random inputs")
    assert returned is adam_right


def test_adam_reference_is_nnlib_adam():
    rng = np.random.default_rng(1)
    p, g, m = rng.standard_normal((3, 4))
    v = rng.uniform(0.1, 1.0, 4)
    for got, want in zip(_nb07._adam_reference(p, g, m, v, 4, 0.01, 0.9, 0.999, 1e-8),
                         adam_right(p, g, m, v, 4)):
        np.testing.assert_allclose(got, want, rtol=1e-13)


def test_adam_stub_is_not_written_yet(capsys):
    def adam_step(p, g, m, v, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        raise NotImplementedError  # your code here
    line, returned = run(checks.adam_step, adam_step, capsys)
    assert line.startswith("… adam_step: not written yet")
    assert returned is _nb07._adam_reference


def adam_written(correct_m=True, correct_v=True, t_offset=0, root=True, eps_inside=False,
                 swap=False, scale=True, keep=True, square=True, sign=-1):
    """The learner's Adam step, with a switch for each mistake, written in the plain way."""
    def adam_step(p, g, m, v, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        if swap:
            beta1, beta2 = beta2, beta1
        m_new = (beta1 * m if keep else 0) + ((1 - beta1) if scale else 1) * g
        g2 = g**2 if square else g
        v_new = (beta2 * v if keep else 0) + ((1 - beta2) if scale else 1) * g2
        m_hat = m_new / (1 - beta1**(t + t_offset)) if correct_m else m_new
        v_hat = v_new / (1 - beta2**(t + t_offset)) if correct_v else v_new
        if eps_inside:
            step = m_hat / np.sqrt(v_hat + eps)
        elif root:
            step = m_hat / (np.sqrt(v_hat) + eps)
        else:
            step = m_hat / (v_hat + eps)
        return p + sign * lr * step, m_new, v_new
    return adam_step


def test_adam_written_is_right_by_default(capsys):
    line, _ = run(checks.adam_step, adam_written(), capsys)
    assert line.startswith("✓ adam_step")


@pytest.mark.parametrize("switch, message", [
    ({"correct_m": False, "correct_v": False}, "p: no bias correction"),
    ({"correct_v": False}, "p: only m is bias-corrected"),
    ({"correct_m": False}, "p: only v is bias-corrected"),
    ({"t_offset": -1}, "p: the bias corrections count steps from 0"),
    ({"t_offset": 1}, "p: the bias corrections use beta**(t + 1)"),
    ({"root": False}, "p: the square root is missing"),
    ({"eps_inside": True}, "p: eps is inside the square root"),
    ({"swap": True}, "p, m, v: beta1 and beta2 are swapped"),
    ({"scale": False}, "p, m, v: the running averages lack their (1 - beta) factor"),
    ({"keep": False}, "p, m, v: the old m and v are dropped"),
    ({"square": False}, "p, v: v averages g, not g**2"),
    ({"sign": +1}, "p: the step goes uphill"),
])
def test_adam_mistakes_are_named(switch, message, capsys):
    line, returned = run(checks.adam_step, adam_written(**switch), capsys)
    assert line.startswith(f"✗ adam_step: {message}")
    assert returned is _nb07._adam_reference


def test_adam_in_place_change_is_named(capsys):
    def adam_step(p, g, m, v, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        m *= beta1
        m += (1 - beta1) * g
        v_new = beta2 * v + (1 - beta2) * g**2
        return p - lr * (m / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m, v_new
    line, _ = run(checks.adam_step, adam_step, capsys)
    assert line.startswith("✗ adam_step: changed the caller's array `m` in place")


def test_adam_unknown_mistake_gets_the_generic_line(capsys):
    line, _ = run(checks.adam_step, adam_written(correct_m=False, root=False), capsys)
    assert line.startswith("✗ adam_step: p differs from nnlib's")
    assert "none of the classic mistakes" in line


# -- every diagnosis is unambiguous ------------------------------------------------------------

def _outputs(fn, cases):
    with np.errstate(all="ignore"):
        return [[np.asarray(o, dtype=float) for o in fn(*c.copy()[0])] for c in cases]


def _same(a, b):
    return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=0, equal_nan=True)
               for xs, ys in zip(a, b) for x, y in zip(xs, ys))


@pytest.mark.parametrize("mistakes, reference, cases", [
    (_nb07._MOMENTUM_MISTAKES, _nb07._momentum_reference, _nb07._momentum_cases()),
    (_nb07._ADAM_MISTAKES, _nb07._adam_reference, _nb07._adam_cases()),
])
def test_each_mistake_differs_from_the_answer_and_from_the_others(mistakes, reference, cases):
    fns = [m.fn for m in mistakes]
    results = [_outputs(fn, cases) for fn in fns]
    right = _outputs(reference, cases)
    for i, result in enumerate(results):
        assert not _same(result, right), mistakes[i].message
        for j in range(i):
            assert not _same(result, results[j]), (mistakes[i].message, mistakes[j].message)


# -- the reference stands in for the learner's function ----------------------------------------

@pytest.mark.parametrize("reference, right", [
    (_nb07._momentum_reference, momentum_right),
    (_nb07._adam_reference, adam_right),
])
def test_reference_has_the_notebooks_signature(reference, right):
    # A failed check hands the notebook the reference, which the notebook then calls just as it
    # would call the learner's function: same parameter names, same defaults.
    assert inspect.signature(reference) == inspect.signature(right)
