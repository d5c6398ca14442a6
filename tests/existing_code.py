"""Code a notebook already has, shared by the tests of `%optimize CALL`: a slow function, a class with a slow
method, a maker of a slow closure, and an annotated loop numba compiles."""

CELL = '''
def total(xs):
    t = 0
    for x in xs:
        t = t + x
    return t


class Stats:
    def __init__(self, values):
        self.values = values

    def total(self):
        t = 0
        for v in self.values:
            t = t + v
        return t


def make_scaler(k):
    def scaled_total(xs):
        t = 0
        for x in xs:
            t = t + k * x
        return t
    return scaled_total
'''

SMOOTH = '''
def smooth(x: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    out = np.empty_like(x)
    s = x[0]
    for i in range(len(x)):
        s = alpha * x[i] + (1 - alpha) * s
        out[i] = s
    return out
'''
