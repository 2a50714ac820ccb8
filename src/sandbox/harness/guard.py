"""Verdict hardening: assertions whose outcome the code under test cannot forge.

The test's `assert` statements and `self.assert*` calls are rewritten so comparisons and truth tests only
trust operands of plain types (exact type, checked recursively): a custom `__eq__`, `__bool__` or
`__class__` cannot make an assertion pass. The helpers are bound into the compiled code as constants (not
globals), so the solution cannot swap them by editing the shared globals dict.
"""
import ast
import collections
import decimal
import fractions
import operator
import re
import types
import unittest
import warnings

_type, _id, _len, _isinstance, _issubclass, _bool = type, id, len, isinstance, issubclass, bool
_AssertionError = AssertionError
_ORIG = {k: v for k, v in vars(unittest.TestCase).items()
         if k.startswith(("assert", "fail")) and callable(v) and k != "failureException"}

_SCALARS = frozenset({type(None), bool, int, float, complex, str, bytes, bytearray, range, type,
                      decimal.Decimal, fractions.Fraction, re.Match, type(Ellipsis)})
_SEQS = frozenset({list, tuple, set, frozenset, collections.deque})
_MAPS = frozenset({dict, collections.OrderedDict, collections.defaultdict, collections.Counter})


def trusted(v):
    """True when `v` is built only of plain types (exact types), so ==, <, in and bool() are honest."""
    stack, seen = [v], set()
    while stack:
        x = stack.pop()
        t = _type(x)
        if t in _SCALARS:
            continue
        if t in _SEQS or t in _MAPS:
            i = _id(x)
            if i in seen:
                continue
            seen.add(i)
            if t in _MAPS:
                stack.extend(dict.keys(x))
                stack.extend(dict.values(x))
            elif t is list:
                stack.extend(list.__iter__(x))
            else:
                stack.extend(x)
            continue
        return False
    return True


# Assertions that failed since the last reset. The runner checks it after each test method, so a failure
# cannot be turned into a success by tampering with unittest's bookkeeping (e.g. the outcome object).
_failed = [0]


def reset_failures():
    _failed[0] = 0


def failures():
    return _failed[0]


def _fail(message):
    _failed[0] += 1
    return _AssertionError(message)


def _untrusted(v):
    return _fail(f"coderm: operand of type {_type(v).__name__} is not a plain value")


_CMP = {"Eq": operator.eq, "NotEq": operator.ne, "Lt": operator.lt, "LtE": operator.le, "Gt": operator.gt,
        "GtE": operator.ge, "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
        "Is": operator.is_, "IsNot": operator.is_not}


def cmp(ops, operands):
    for v in operands:
        if not trusted(v):
            raise _untrusted(v)
    for i, op in enumerate(ops):
        if not _CMP[op](operands[i], operands[i + 1]):
            return False
    return True


def truth(v):
    if not trusted(v):
        raise _untrusted(v)
    return _bool(v)


def fail(msg=None):
    """`assert X, msg` becomes `if not X: raise fail(msg)`: counted, then raised like the original."""
    return _fail(msg) if msg is not None else _fail_bare()


def _fail_bare():
    _failed[0] += 1
    return _AssertionError()


def _approx(a, b, places=None, msg=None, delta=None):
    if a == b:
        return True
    diff = abs(a - b)
    if delta is not None:
        return diff <= delta
    return round(diff, 7 if places is None else places) == 0


def _multiset_eq(a, b):
    a, b = list(a), list(b)
    if _len(a) != _len(b):
        return False
    rest = list(b)
    for x in a:
        for j, y in enumerate(rest):
            if x == y:
                del rest[j]
                break
        else:
            return False
    return True


_EQ = {"assertEqual", "assertEquals", "failUnlessEqual", "assertListEqual", "assertTupleEqual",
       "assertDictEqual", "assertSetEqual", "assertSequenceEqual", "assertMultiLineEqual"}
# name -> (number of operands that must be plain, check that must hold after the original ran)
_CHECKS = {name: (2, lambda a: a[0] == a[1]) for name in _EQ}
_CHECKS.update({
    "assertNotEqual": (2, lambda a: a[0] != a[1]), "assertNotEquals": (2, lambda a: a[0] != a[1]),
    "assertTrue": (1, lambda a: _bool(a[0])), "assert_": (1, lambda a: _bool(a[0])),
    "assertFalse": (1, lambda a: not a[0]),
    "assertIn": (2, lambda a: a[0] in a[1]), "assertNotIn": (2, lambda a: a[0] not in a[1]),
    "assertGreater": (2, lambda a: a[0] > a[1]), "assertGreaterEqual": (2, lambda a: a[0] >= a[1]),
    "assertLess": (2, lambda a: a[0] < a[1]), "assertLessEqual": (2, lambda a: a[0] <= a[1]),
    "assertIsNone": (0, lambda a: a[0] is None), "assertIsNotNone": (0, lambda a: a[0] is not None),
    "assertIs": (0, lambda a: a[0] is a[1]), "assertIsNot": (0, lambda a: a[0] is not a[1]),
    "assertAlmostEqual": (2, lambda a: _approx(*a)), "assertAlmostEquals": (2, lambda a: _approx(*a)),
    "assertNotAlmostEqual": (2, lambda a: not _approx(*a)),
    "assertCountEqual": (2, lambda a: _multiset_eq(a[0], a[1])),
    "assertIsInstance": (0, lambda a: _issubclass(_type(a[0]), a[1])),
    "assertNotIsInstance": (0, lambda a: not _issubclass(_type(a[0]), a[1])),
})
_KW_OPERANDS = ("first", "second", "expr", "member", "container", "obj", "cls", "a", "b", "seq1", "seq2",
                "list1", "list2", "tuple1", "tuple2", "d1", "d2", "set1", "set2")


def call_assert(name, case, *args, **kw):
    """`self.assertX(...)` in a test: plain operands only, the original method, then an independent check."""
    orig = _ORIG.get(name)
    if orig is None:
        return getattr(case, name)(*args, **kw)
    check = _CHECKS.get(name)
    if check is None:
        try:
            return orig(case, *args, **kw)
        except _AssertionError:
            _failed[0] += 1
            raise
    operands = list(args[:2]) + [kw[k] for k in _KW_OPERANDS if k in kw]
    for v in operands[: check[0]]:
        if not trusted(v):
            raise _untrusted(v)
    try:
        orig(case, *args, **kw)
    except _AssertionError:
        _failed[0] += 1
        raise
    if name in ("assertAlmostEqual", "assertAlmostEquals", "assertNotAlmostEqual"):
        places = kw.get("places", args[2] if _len(args) > 2 else None)
        ok = _approx(operands[0], operands[1], places, None, kw.get("delta"))
        ok = not ok if name == "assertNotAlmostEqual" else ok
    else:
        ok = check[1](operands)
    if not ok:
        raise _fail(f"coderm: {name} does not hold")
    return None


# Placeholders compiled as string constants, then swapped for the helper functions in co_consts.
_HELPERS = {"\x00coderm:cmp": cmp, "\x00coderm:truth": truth, "\x00coderm:assert": call_assert,
            "\x00coderm:fail": fail}


def _call(helper, args, keywords=()):
    return ast.Call(func=ast.Constant(helper), args=list(args), keywords=list(keywords))


class _Harden(ast.NodeTransformer):
    def __init__(self):
        self.in_assert = 0

    def _cmp(self, node):
        ops = [type(o).__name__ for o in node.ops]
        if all(o in ("Is", "IsNot") for o in ops):
            return node
        return _call("\x00coderm:cmp", [ast.Tuple([ast.Constant(o) for o in ops], ast.Load()),
                                        ast.List([node.left, *node.comparators], ast.Load())])

    def visit_Compare(self, node):
        self.generic_visit(node)
        return self._cmp(node) if self.in_assert else node

    def _truth(self, node):
        if isinstance(node, ast.BoolOp):
            node.values = [self._truth(v) for v in node.values]
            return node
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            node.operand = self._truth(node.operand)
            return node
        node = self.visit(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Constant):
            return node  # already a helper returning a plain bool
        return _call("\x00coderm:truth", [node])

    def visit_Assert(self, node):
        self.in_assert += 1
        test = self._truth(node.test)
        msg = [self.visit(node.msg)] if node.msg is not None else []
        self.in_assert -= 1
        raise_ = ast.Raise(exc=_call("\x00coderm:fail", msg), cause=None)
        return ast.copy_location(ast.If(test=ast.UnaryOp(ast.Not(), test), body=[raise_], orelse=[]), node)

    def visit_Call(self, node):
        f = node.func
        if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self"
                and f.attr in _ORIG):
            self.in_assert += 1
            args = list(node.args)
            if f.attr in ("assertTrue", "assertFalse", "assert_") and args and not isinstance(
                    args[0], ast.Starred):
                args[0] = self._truth(args[0])
                args[1:] = [self.visit(a) for a in args[1:]]
            else:
                args = [self.visit(a) for a in args]
            kws = [self.visit(k) for k in node.keywords]
            self.in_assert -= 1
            return ast.copy_location(
                _call("\x00coderm:assert", [ast.Constant(f.attr), f.value, *args], kws), node)
        self.generic_visit(node)
        return node


def _bind(code):
    consts = []
    for c in code.co_consts:
        if _isinstance(c, types.CodeType):
            c = _bind(c)
        elif _type(c) is str and c in _HELPERS:
            c = _HELPERS[c]
        consts.append(c)
    return code.replace(co_consts=tuple(consts))


def compile_hardened(tree, filename):
    """Compile a parsed test module with assertions rewritten; `tree` is modified in place."""
    tree = ast.fix_missing_locations(_Harden().visit(tree))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = compile(tree, filename, "exec", dont_inherit=True)
    return _bind(code)
