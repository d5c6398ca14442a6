import numpy as np
import pytest

from jupyter_optimize import demo


@pytest.fixture(scope="session")
def photo():
    return demo.photograph(128)


@pytest.fixture(scope="session")
def equalize():
    return demo.define()


@pytest.fixture(scope="session")
def seed_calls(photo):
    mask = demo.circle_mask(photo.shape)
    return [((photo, mask), {}), ((photo, np.zeros_like(mask)), {})]
