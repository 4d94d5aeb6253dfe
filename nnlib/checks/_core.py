"""The machinery every exercise check shares: run, compare, recognise a mistake, say one line.

A check runs the learner's function and nnlib's reference on the same random float64 cases
(several shapes, so that a transpose or a missing 1/N shows), then prints exactly one line:

    ✓ <name>: matches nnlib on 4 random inputs (worst relative error 2.2e-16)
    ✗ <name>: <what is wrong, in words>
    … <name>: not written yet: replace `raise NotImplementedError` in <function> with your code

To say *what* is wrong, each check carries a list of classic mistakes, each written out as a
function with the learner's signature. When the learner's output agrees with a mistake's
output (and not with the right one), the mistake's message is the diagnosis.
"""
import copy
import inspect

import numpy as np

from .. import gradcheck

# A correct answer differs from nnlib's only by the rounding of a different order of operations:
# about 1e-16 relative for these small float64 computations. Anything past 1e-7 is a real
# difference: the gradient checks' rule.
TOLERANCE = gradcheck.TOLERANCE

# How close the learner's output must be to a mistake's output for the diagnosis to be named.
MISTAKE_TOLERANCE = 1e-6


class Case:
    """One set of arguments for the functions under check, e.g. ``Case(X, W, b)``."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def copy(self):
        """A deep copy: every function gets its own arrays, so mutation can be detected."""
        return copy.deepcopy(self.args), copy.deepcopy(self.kwargs)

    def describe(self, names=None):
        """'X (5, 3), W (3, 4)': the shapes (or values) of the arguments, for messages."""
        names = names or [f"arg{i}" for i in range(len(self.args))]
        parts = [f"{n} {_shape_text(v)}" for n, v in zip(names, self.args)]
        parts += [f"{k}={_shape_text(v)}" for k, v in self.kwargs.items()]
        return ", ".join(parts)


class Mistake:
    """A classic mistake: ``message`` names it; ``fn`` computes what the mistake gives (same
    signature as the learner's function), or ``test(outputs, cases)`` says whether the learner's
    outputs show it (for mistakes that have no single wrong answer, e.g. a shuffle that repeats)."""

    def __init__(self, message, fn=None, test=None):
        if (fn is None) == (test is None):
            raise ValueError("Mistake needs exactly one of fn and test")
        self.message, self.fn, self.test = message, fn, test


def _shape_text(v):
    if isinstance(v, np.ndarray):
        return str(v.shape) if v.ndim else repr(v.item())
    if isinstance(v, (list, tuple)):
        return f"({len(v)} items)"
    return repr(v)


def _pieces(out, names):
    """A function's output as a list of float64 arrays, one per named piece."""
    if len(names) == 1:
        out = (out,)
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        return None
    try:
        return [np.asarray(o, dtype=np.float64) for o in out]
    except (TypeError, ValueError):
        return None


def relative_error(a, b):
    """nnlib's relative error for arrays of one shape; inf for different shapes. Where either
    holds NaN or inf (an overflow, say), 0 if both hold the same non-finite values in the same
    places and close finite ones, else inf: so a mistake that overflows is matched NaN for NaN."""
    if a.shape != b.shape:
        return np.inf
    fa, fb = np.isfinite(a), np.isfinite(b)
    if fa.all() and fb.all():
        return gradcheck.relative_error(a, b)
    same = (np.array_equal(fa, fb) and np.array_equal(a[~fa], b[~fb], equal_nan=True)
            and np.allclose(a[fa], b[fb], rtol=MISTAKE_TOLERANCE, atol=0))
    return 0.0 if same else np.inf


def _call(fn, case):
    """Run ``fn`` on a private copy of ``case``; return (output, copied args) so the caller can
    see whether the function changed its inputs. Floating-point warnings are silenced: an
    overflow is judged by its result (inf or NaN), not by a warning."""
    args, kwargs = case.copy()
    with np.errstate(all="ignore"):
        out = fn(*args, **kwargs)
    return out, (args, kwargs)


def _changed_argument(case, used, arg_names):
    """The name of the first argument the function changed in place, or None."""
    for name, before, after in zip(arg_names, case.args, used[0]):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            return name
    return None


def _arg_names(fn, n):
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    return (names + [f"argument {i + 1}" for i in range(len(names), n)])[:n]


def check(name, fn, reference, cases, mistakes=(), *, outputs=("output",)):
    """Run ``fn`` beside ``reference`` on every case; print one line; return ``fn`` if it
    matches, else ``reference`` (so a notebook carries on with a working piece either way).

    name:      what the learner wrote, e.g. 'sigmoid_derivative'.
    fn:        the learner's function.
    reference: nnlib's answer with the same signature.
    cases:     ``Case`` objects, float64, of several shapes.
    mistakes:  ``Mistake`` objects, tried in order when ``fn`` is wrong.
    outputs:   names of the pieces ``fn`` returns (a tuple of that length), e.g. ('dW', 'db').
    """
    require_function(fn)
    line, passed = diagnose(name, fn, reference, cases, mistakes, outputs)
    if not passed:
        line += " (until it passes, the notebook uses nnlib's version)"
    print(line)
    return fn if passed else reference


def require_function(fn):
    """Refuse anything but a function, by name (a check that wraps ``fn`` calls this first)."""
    if not callable(fn):
        raise TypeError(f"fn must be your function (callable), got {type(fn).__name__}")


def diagnose(name, fn, reference, cases, mistakes, outputs):
    """The one-line verdict and whether ``fn`` passed (see ``check``)."""
    arg_names = _arg_names(fn, max(len(c.args) for c in cases))
    got = []
    for case in cases:
        try:
            out, used = _call(fn, case)
        except NotImplementedError:
            return (f"… {name}: not written yet: replace `raise NotImplementedError` in "
                    f"{getattr(fn, '__name__', name)} with your code"), False
        except Exception as error:  # the learner's bug, reported in their terms
            raised = f"raised {type(error).__name__}: {error}"
            known = _mistake_raising(mistakes, case, error)
            if known is not None:  # e.g. a missing transpose makes the product itself fail
                return f"✗ {name}: {known.message} (it {raised})", False
            return f"✗ {name}: {raised} (inputs: {case.describe(arg_names)})", False
        changed = _changed_argument(case, used, arg_names)
        if changed is not None:
            return (f"✗ {name}: changed the caller's array `{changed}` in place; compute into "
                    f"a new array instead (e.g. `Z = Z - m`, not `Z -= m`)"), False
        if out is None:
            return f"✗ {name}: returned None: is the `return` line missing?", False
        pieces = _pieces(out, outputs)
        if pieces is None:
            wanted = "one array" if len(outputs) == 1 else f"a tuple ({', '.join(outputs)})"
            got = (f"a {type(out).__name__} of {len(out)}" if isinstance(out, (tuple, list))
                   else type(out).__name__)
            return f"✗ {name}: should return {wanted}, got {got}", False
        got.append(pieces)

    right = [_pieces(_call(reference, case)[0], outputs) for case in cases]
    worst = max(relative_error(g, r) for gs, rs in zip(got, right) for g, r in zip(gs, rs))
    if worst <= TOLERANCE:
        return (f"✓ {name}: matches nnlib on {len(cases)} random inputs (worst relative "
                f"error {worst:.1e})"), True
    return _explain(name, got, right, cases, mistakes, outputs, arg_names), False


def _mistake_raising(mistakes, case, error):
    """The first mistake that fails on ``case`` with the same error as the learner's, or None."""
    for mistake in mistakes:
        if mistake.fn is None:
            continue
        try:
            _call(mistake.fn, case)
        except Exception as theirs:
            if type(theirs) is type(error) and str(theirs) == str(error):
                return mistake
    return None


def _explain(name, got, right, cases, mistakes, outputs, arg_names):
    """The diagnosis of a wrong answer: a recognised mistake, else the first difference seen."""
    wrong = [k for k in range(len(outputs))
             if any(relative_error(gs[k], rs[k]) > TOLERANCE for gs, rs in zip(got, right))]
    where = "" if len(outputs) == 1 else f"{', '.join(outputs[k] for k in wrong)}: "
    # First a mistake that explains every piece (right ones included), then one that explains
    # the wrong pieces alone (a learner may make a mistake in one gradient and not the others).
    every = list(range(len(outputs)))
    for pieces in ((every,) if wrong == every else (every, wrong)):
        for mistake in mistakes:
            if _shows(mistake, got, right, cases, pieces, outputs):
                return f"✗ {name}: {where}{mistake.message}"
    for gs, rs, case in zip(got, right, cases):
        for k in wrong:
            if gs[k].shape != rs[k].shape:
                return (f"✗ {name}: {outputs[k]} has shape {gs[k].shape} for inputs "
                        f"{case.describe(arg_names)}; expected {rs[k].shape}")
    k = wrong[0]
    err = max(relative_error(gs[k], rs[k]) for gs, rs in zip(got, right))
    return (f"✗ {name}: {outputs[k]} differs from nnlib's (relative error {err:.1e}) and is "
            f"none of the classic mistakes this check knows; go back to the formula")


def _shows(mistake, got, right, cases, pieces, outputs):
    """True if the learner's ``pieces`` (indices) are exactly what ``mistake`` gives."""
    if mistake.test is not None:
        return bool(mistake.test(got, cases))
    theirs = []
    for gs, case in zip(got, cases):
        try:
            pieces_of_case = _pieces(_call(mistake.fn, case)[0], outputs)
        except Exception:  # a mistake that cannot even run on this case: not this one
            return False
        if pieces_of_case is None or any(relative_error(gs[k], pieces_of_case[k])
                                          > MISTAKE_TOLERANCE for k in pieces):
            return False
        theirs.append(pieces_of_case)
    # A mistake that changes nothing on these cases explains nothing.
    return any(relative_error(t, r) > TOLERANCE
               for ts, rs in zip(theirs, right) for t, r in zip(ts, rs))


def compare_guess(guess, actual, what, fmt="{:.2f}", close=None):
    """Predict, then run: print the learner's guess beside the result; never fails.

    guess:  the learner's number (None while not written).
    actual: what the run gave.
    what:   the quantity in words, e.g. 'validation accuracy'.
    close:  how far off still counts as a good guess (absolute), optional.
    """
    shown = fmt.format(actual)
    if guess is None:
        print(f"No guess written yet. The {what} is {shown}.")
        return
    if isinstance(guess, bool) or not isinstance(guess, (int, float, np.integer, np.floating)):
        print(f"Your guess {guess!r} is not a number; the {what} is {shown}.")
        return
    verdict = ""
    if close is not None:
        verdict = " Close!" if abs(guess - actual) <= close else " Far off: read on for why."
    print(f"Your guess: {fmt.format(guess)}. The {what}: {shown}.{verdict}")
