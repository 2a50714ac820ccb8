"""EvalPlus's comparison rules for the `label_evalplus` kind (kinds/label_evalplus.py): MBPP+ input deserialization, the special
oracles of a few MBPP/HumanEval tasks and numpy's `allclose`, replicated without numpy."""

import cmath
import math

MBPP_OUTPUT_NOT_NONE_TASKS = ["check_str", "text_match_three", "text_starta_endb"]
MBPP_OUTPUT_SET_EQ_TASKS = [
    "similar_elements",
    "find_char_long",
    "common_in_nested_lists",
    "extract_singly",
    "larg_nnum",
    "intersection_array",
    "find_dissimilar",
    "Diff",
]


def _surface_area(base_edge, height):
    # Mbpp/581: "height" is the perpendicular height of the pyramid.
    slant = math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 4 * (base_edge * slant) / 2)


def _digit_distance(num1, num2):
    # Mbpp/558: pad the shorter number with zeros.
    a, b = str(num1), str(num2)
    n = max(len(a), len(b))
    a, b = a.zfill(n), b.zfill(n)
    return sum(abs(int(x) - int(y)) for x, y in zip(a, b))


def _poly(xs, x):
    return sum([coeff * math.pow(x, i) for i, coeff in enumerate(xs)])


def _mbpp_deserialize(task_id, inputs):
    """evalplus.data.mbpp.mbpp_deserialize_inputs: MBPP+ stores tuples, sets and complex as lists/str."""
    n = int(task_id.split("/")[-1])
    if n in (2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630, 726, 740, 744, 809):
        return [[tuple(lst) for lst in inp] for inp in inputs]
    if n in (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780):
        return [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
    if n in (75, 413, 444, 753):
        return [[[tuple(lst) for lst in inp[0]]] + [inp[1]] for inp in inputs]
    if n in (106, 750):
        return [[inp[0]] + [tuple(inp[1])] for inp in inputs]
    if n == 115:
        return [[[set(item) if isinstance(item, list) and len(item) else {} for item in inp[0]]] for inp in inputs]
    if n == 124:
        return [(float(inp[0]), complex(inp[1])) for inp in inputs]
    if n in (250, 405, 446, 617, 720, 763, 808):
        return [[tuple(inp[0])] + [inp[1]] for inp in inputs]
    if n in (259, 401, 445):
        m = [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in m]
    if n == 278:
        m = [[[tuple(item) if isinstance(item, list) else item for item in inp[0]]] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in m]
    if n == 307:
        return [[tuple(inp[0])] + [inp[1], inp[2]] for inp in inputs]
    if n == 722:
        return [[{k: tuple(v) for k, v in inp[0].items()}] + inp[1:] for inp in inputs]
    if n == 252:
        return [[complex(inp[0])] for inp in inputs]
    if n in (580, 615, 791):

        def to_tuple(x):
            return tuple(to_tuple(i) for i in x) if isinstance(x, list) else x

        return [to_tuple(inp) for inp in inputs]
    return inputs


def is_floats(x):
    """evalplus.eval.is_floats (numpy arrays cannot occur: the sandbox has no numpy)."""
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    return False


_NUMERIC = (bool, int, float, complex)
_INT64 = (-(2**63), 2**64 - 1)


def _shape(x):
    """numpy's array shape for a nested sequence of numbers; raises like np.asarray would for ragged
    or non-numeric data (strings, None, dicts all end in a TypeError inside np.isclose)."""
    if isinstance(x, (list, tuple)):
        if not x:
            return (0,)
        shapes = [_shape(i) for i in x]
        first = shapes[0]
        if any(s != first for s in shapes):
            raise ValueError("inhomogeneous shape")
        return (len(x),) + first
    if isinstance(x, _NUMERIC):
        if isinstance(x, int) and not isinstance(x, bool) and not (_INT64[0] <= x <= _INT64[1]):
            raise TypeError("object array")
        return ()
    raise TypeError("not numeric")


def _broadcast(a, b):
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise ValueError("shapes do not broadcast")
        out.append(max(x, y) if x != 0 and y != 0 else 0)
    return tuple(reversed(out))


def _get(x, shape, index):
    # index is in the broadcast shape; align right, size-1 axes repeat.
    off = len(index) - len(shape)
    for axis, n in enumerate(shape):
        x = x[0 if n == 1 else index[off + axis]]
    return x


def _finite(v):
    return cmath.isfinite(v) if isinstance(v, complex) else math.isfinite(v)


def allclose(a, b, rtol, atol):
    """np.allclose(a, b, rtol, atol): |a - b| <= atol + rtol * |b| elementwise after broadcasting;
    infinities equal only to themselves, NaN never (equal_nan=False)."""
    sa, sb = _shape(a), _shape(b)
    shape = _broadcast(sa, sb)
    total = 1
    for n in shape:
        total *= n
    for flat in range(total):
        index = []
        r = flat
        for n in reversed(shape):
            index.append(r % n)
            r //= n
        index.reverse()
        x, y = _get(a, sa, index), _get(b, sb, index)
        x = x if isinstance(x, complex) else float(x)
        y = y if isinstance(y, complex) else float(y)
        if _finite(x) and _finite(y):
            if not abs(x - y) <= atol + rtol * abs(y):
                return False
        elif not x == y:
            return False
    return True
