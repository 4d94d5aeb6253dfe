"""Shared fixtures for the unit tests."""
import warnings

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fresh, seeded generator for each test: tests never share or touch global random state."""
    return np.random.default_rng(0)


@pytest.fixture
def no_warnings():
    """Turn every warning raised inside the test into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
