"""Generated inputs resemble the live ones and reach the edges."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings

from jupyter_optimize.model import Call
from jupyter_optimize.verify.inputs import calls_like


def sample(func, calls, n=300):
    drawn = []

    @seed(1)  # the same draws every run, as the verifier's own search is
    @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(calls_like(func, [Call(*c) for c in calls]))
    def collect(call):
        drawn.append(call)

    collect()
    return drawn


@pytest.mark.slow
def test_arrays_keep_dtype_and_ndim_and_related_shapes_stay_equal(photo):
    def equalize(img, mask=None):
        return img

    mask = photo > 120
    drawn = sample(equalize, [((photo, mask), {})])
    for call in drawn:
        img, m = call.args
        assert call.origin == "generated"
        assert img.dtype == np.uint8 and img.ndim == 2
        if m is not None:
            assert m.dtype == bool and m.shape == img.shape
        assert all(0 <= d <= 128 for d in img.shape)
    sizes = {c.args[0].size for c in drawn}
    assert 0 in sizes and max(sizes) > 1000  # from empty up to large
    masks = [c.args[1] for c in drawn if c.args[1] is not None and c.args[1].size]
    assert any(not m.any() for m in masks) and any(m.all() for m in masks)  # selects none / all
    assert any(c.args[1] is None for c in drawn)  # the default is None
    constants = [c.args[0] for c in drawn if c.args[0].size > 1 and (c.args[0] == c.args[0].flat[0]).all()]
    assert {0, 255} & {int(a.flat[0]) for a in constants}  # dtype edges


@pytest.mark.slow
def test_float_arrays_reach_nan_inf_and_negative_zero():
    def f(x):
        return x

    drawn = sample(f, [((np.linspace(1.0, 2.0, 10),), {})])
    values = np.concatenate([c.args[0].ravel() for c in drawn])
    assert np.isnan(values).any() and np.isinf(values).any()
    assert any(v == 0 and np.signbit(v) for v in values)


@pytest.mark.slow
def test_scalars_strings_and_containers():
    def f(n, x, name, items, table):
        return n

    drawn = sample(f, [((10, 2.5, "Abc", [1, 2, 3], {"a": 1}), {})])
    ns = {c.args[0] for c in drawn}
    assert {0, -1} <= ns and any(n < 0 for n in ns) and all(isinstance(n, int) for n in ns)
    xs = [c.args[1] for c in drawn]
    assert any(np.isnan(x) for x in xs) and any(np.isinf(x) for x in xs)
    names = {c.args[2] for c in drawn}
    assert "" in names and any(not s.isascii() for s in names)
    assert names & {"Abc", "ABC", "abc", "cbA"}  # the live value and its case variants
    lists = [c.args[3] for c in drawn]
    assert [] in lists and all(isinstance(x, list) and all(isinstance(i, int) for i in x) for x in lists)
    assert all(isinstance(d, dict) for d in (c.args[4] for c in drawn))


@pytest.mark.slow
def test_sequences_of_equal_live_length_stay_equal():
    def dot(xs, ys):
        return sum(x * y for x, y in zip(xs, ys))

    drawn = sample(dot, [(([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), {})])
    assert all(len(c.args[0]) == len(c.args[1]) for c in drawn)
    assert len({len(c.args[0]) for c in drawn}) > 2
