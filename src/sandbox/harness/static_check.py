"""Trusted static check: may one loaded candidate serve every test of a job, or could state persist from one test
to the next (then each test gets a fresh candidate)?

`stateless(source) -> (True, "") | (False, reason)`. Runs in the worker on the solution's AST and symbol table;
never asks the candidate. Conservative by design: anything it cannot prove ends in a fresh candidate per test
(correct, only slower). The rule, in full:

Module level (what runs at load) may only contain
  - `import m [as n]` / `from m import a [as b]` of the modules and names in ALLOWED (no relative imports; a
    star import only from a module whose whole public namespace is allowed);
  - `def` / `async def` (no decorators), `class` (below);
  - `NAME = <constant>`, `NAME: <type> = <constant>`, `a, b = <constant>` where a constant is built from
    literals (numbers, strings, bytes, True/False/None, Ellipsis) with tuples, frozenset-free operators
    (+ - * / // % ** << >> & | ^ ~ not and or, comparisons, conditional expressions) and names of
    earlier constants; never a list, dict, set, call or comprehension;
  - docstrings and `pass`; `if __name__ == "__main__":` blocks (they never run: __name__ is "builtins", as in
    the reference); `try` blocks whose parts obey these rules.
A class has no keywords (no metaclass), bases among earlier classes of the solution, `object` and builtin
exceptions, `typing.NamedTuple`; decorators only `dataclass` (from dataclasses, constant arguments);
its body holds only docstrings, `pass`, method definitions (decorators: staticmethod, classmethod, property,
`<property>.setter/getter/deleter`, functools.cached_property) and constant or annotated-constant class
attributes. Methods named __del__, __init_subclass__, __set_name__, __class_getitem__ are refused.
Everywhere:
  - no `global`, `nonlocal`; no attribute store or delete (`x.a = …`, `x.a += …`, `del x.a`, `for x.a in`);
  - no attribute whose name starts with `_`, and none in DENY_ATTRS (frames, code, registries, caches);
  - no name starting with `__` except reading `__name__`; no name in DENY_NAMES (eval, exec, compile, open,
    getattr, setattr, delattr, vars, globals, locals, id, hash, __import__, breakpoint, …);
  - every global a function reads is bound at module level or is an allowed builtin (names the test defines,
    such as ListNode, would reach the judge's objects: not provable);
  - a name bound to a module is only used as `module.attr`, with attr in that module's ALLOWED set;
  - default values of functions and lambdas are constants; annotations evaluated at load (module-level
    `def`s and classes) are type expressions (names, dotted names, subscripts, `|`, constants);
  - `dataclass` only as a class decorator.
What it does not see: interpreter-internal caches of allowed modules (the `re` pattern cache, typing's
caches), warning registries, and the heap layout, which a solution could only observe through addresses in
default reprs and timing (`id`, `hash`, clocks and `gc` are refused). See src/sandbox/README.md.
"""
import ast
import builtins
import symtable

_ALL = "*"
# module -> allowed public names ("*": every public name of the module, minus DENY_ATTRS)
ALLOWED = {
    "math": _ALL, "cmath": _ALL, "itertools": _ALL, "heapq": _ALL, "bisect": _ALL,
    "operator": _ALL,
    "string": {"ascii_letters", "ascii_lowercase", "ascii_uppercase", "digits", "hexdigits", "octdigits",
               "punctuation", "printable", "whitespace", "capwords"},
    "functools": {"reduce", "partial", "cmp_to_key", "lru_cache", "cache", "cached_property"},
    "collections": {"deque", "Counter", "defaultdict", "OrderedDict", "namedtuple", "ChainMap"},
    "typing": {"List", "Dict", "Tuple", "Set", "FrozenSet", "Optional", "Union", "Any", "Callable", "Iterable",
               "Iterator", "Generator", "Sequence", "Mapping", "MutableMapping", "MutableSequence", "MutableSet",
               "DefaultDict", "Deque", "Type", "Counter", "OrderedDict", "NamedTuple", "Literal", "Final", "cast",
               "AnyStr", "Hashable", "Sized", "Collection", "Container", "Reversible", "NoReturn",
               "TYPE_CHECKING", "SupportsInt", "SupportsFloat", "SupportsAbs", "ChainMap", "AbstractSet"},
    "re": {"compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split", "escape",
           "IGNORECASE", "I", "MULTILINE", "M", "DOTALL", "S", "VERBOSE", "X", "ASCII", "A", "UNICODE", "U",
           "Pattern", "Match", "error"},
    "array": {"array"},
    "copy": {"copy", "deepcopy"},
    "fractions": {"Fraction"},
    "statistics": {"mean", "median", "median_low", "median_high", "mode", "multimode", "stdev", "pstdev",
                   "variance", "pvariance", "fmean", "geometric_mean", "harmonic_mean", "quantiles",
                   "StatisticsError"},
    "json": {"loads", "dumps", "JSONDecodeError"},
    "datetime": {"date", "datetime", "timedelta", "time", "timezone"},
    "dataclasses": {"dataclass", "field", "fields", "asdict", "astuple", "replace"},
    "textwrap": {"wrap", "fill", "dedent", "indent", "shorten"},
}
# Attribute and imported names refused everywhere: registries and caches (state behind a call), getattr in
# disguise, eval in disguise, frame and code objects.
DENY_ATTRS = frozenset({
    "register", "overload", "get_overloads", "clear_overloads", "get_type_hints", "ForwardRef", "purge",
    "attrgetter", "methodcaller", "Formatter", "setcontext", "getcontext", "localcontext", "seed", "setstate",
    "getstate", "cache_clear", "cache_info", "update_wrapper", "wraps", "total_ordering", "singledispatch",
    "singledispatchmethod", "mro",
})
DENY_PREFIXES = ("f_", "gi_", "cr_", "ag_", "tb_", "co_")
DENY_NAMES = frozenset({
    "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "vars", "globals", "locals", "id",
    "hash", "__import__", "breakpoint", "help", "exit", "quit", "copyright", "credits", "license",
    "memoryview", "__builtins__", "__build_class__", "__loader__", "__spec__", "__file__", "__dict__",
}) | DENY_ATTRS
_EXC_NAMES = frozenset(n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException))
ALLOWED_BUILTINS = frozenset({
    "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr", "classmethod",
    "complex", "dict", "dir", "divmod", "enumerate", "filter", "float", "format", "frozenset", "hasattr", "hex",
    "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min", "next", "object", "oct", "ord",
    "pow", "print", "property", "range", "repr", "reversed", "round", "set", "slice", "sorted", "staticmethod",
    "str", "sum", "super", "tuple", "type", "zip", "input", "aiter", "anext", "NotImplemented", "Ellipsis",
    "True", "False", "None", "__name__", "__debug__",
}) | _EXC_NAMES
_CONST_OPS = (ast.UAdd, ast.USub, ast.Not, ast.Invert, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
              ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr, ast.BitXor, ast.BitAnd, ast.And, ast.Or)
_METHOD_DECORATORS = {"staticmethod", "classmethod", "property"}
_PURE_BUILTINS = {"float", "int", "str", "frozenset", "tuple", "bytes", "complex", "range", "ord", "chr", "abs",
                  "pow", "max", "min", "sum", "len", "bool", "round", "divmod", "hex", "oct", "bin"}
_PURE_CALLS = {("re", "compile"), ("fractions", "Fraction"), ("string", "capwords")}
_BAD_METHODS = {"__del__", "__init_subclass__", "__set_name__", "__class_getitem__"}


class NotProvable(Exception):
    pass


def stateless(source):
    try:
        tree = ast.parse(source, "<solution>")
        table = symtable.symtable(source, "<solution>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        return False, f"does not parse: {type(e).__name__}"
    try:
        _Check(tree, table).run()
    except NotProvable as e:
        return False, str(e)
    except RecursionError:
        return False, "too deeply nested to check"
    return True, ""


def _walk(tree):
    """The nodes in ast.walk's order (breadth first) and each one's parent, as ast.walk and ast.iter_child_nodes
    give them, in one pass instead of four (they were ≈ 0.2 ms of the worker's time per solution)."""
    nodes, parents, i = [tree], {}, 0
    AST = ast.AST
    while i < len(nodes):
        node = nodes[i]
        i += 1
        for name in node._fields:
            v = getattr(node, name, None)
            if isinstance(v, AST):
                parents[id(v)] = node
                nodes.append(v)
            elif isinstance(v, list):
                for item in v:
                    if isinstance(item, AST):
                        parents[id(item)] = node
                        nodes.append(item)
    return nodes, parents


def _fail(node, why):
    line = getattr(node, "lineno", "?")
    raise NotProvable(f"line {line}: {why}")


class _Check:
    def __init__(self, tree, table):
        self.tree, self.table = tree, table
        self.modules = {}  # local name -> module bound by an import
        self.module_names = set()  # every name bound at module level
        self.classes = set()
        self.constants = set()
        self.decorator_nodes = set()

    def run(self):
        for node in self.tree.body:
            self.module_stmt(node)
        nodes, parents = _walk(self.tree)
        for node in nodes:
            self.everywhere(node)
        self.scopes(self.table)
        self.module_uses(nodes, parents)

    # ------------------------------------------------------------ module level
    def module_stmt(self, node):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.import_stmt(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.decorator_list:
                _fail(node, f"decorated module-level function {node.name}")
            self.function_at_load(node)
            self.module_names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            self.class_def(node)
        elif isinstance(node, ast.Assign):
            if not isinstance(node.value, ast.Lambda):  # a lambda is a function (its defaults are checked below)
                self.constant(node.value)
            for t in node.targets:
                self.const_target(t)
        elif isinstance(node, ast.AnnAssign):
            if not isinstance(node.target, ast.Name) or node.value is None:
                _fail(node, "annotated module-level name without a constant value")
            self.type_expr(node.annotation)
            self.constant(node.value)
            self.const_target(node.target)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            pass
        elif isinstance(node, ast.Pass):
            pass
        elif isinstance(node, ast.If) and self.is_main_guard(node.test):
            pass  # never runs: __name__ is "builtins" in the reference's globals
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]):
                for s in part:
                    self.module_stmt(s)
            for h in node.handlers:
                if h.type is not None:
                    self.type_expr(h.type)
                if h.name:
                    _fail(h, "module-level except … as binds an exception object")
        else:
            _fail(node, f"module-level {type(node).__name__} statement (state could be created at load)")

    def is_main_guard(self, test):
        return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
                and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == "__main__")

    def import_stmt(self, node, module_level=True):
        bind = self.module_names.add if module_level else (lambda n: None)
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name not in ALLOWED:
                    _fail(node, f"import of {a.name}")
                bound = a.asname or a.name
                self.modules[bound] = a.name
                bind(bound)
            return
        if node.level or node.module not in ALLOWED:
            _fail(node, f"import from {node.module}")
        allowed = ALLOWED[node.module]
        for a in node.names:
            if a.name == "*":
                if allowed is not _ALL:
                    _fail(node, f"star import from {node.module}")
                mod = __import__(node.module)
                for n in vars(mod):
                    if not n.startswith("_") and n not in DENY_ATTRS:
                        bind(n)
                continue
            if a.name.startswith("_") or a.name in DENY_ATTRS or (allowed is not _ALL and a.name not in allowed):
                _fail(node, f"import of {node.module}.{a.name}")
            bind(a.asname or a.name)

    def const_target(self, t):
        if isinstance(t, ast.Name):
            if t.id.startswith("__"):
                _fail(t, f"assignment to {t.id}")
            self.module_names.add(t.id)
            self.constants.add(t.id)
        elif isinstance(t, ast.Tuple):
            for e in t.elts:
                self.const_target(e)
        else:
            _fail(t, "module-level assignment to something other than a name")

    def constant(self, node):
        """An expression whose value is immutable and computed from literals and earlier constants."""
        if isinstance(node, ast.Constant):
            return
        if isinstance(node, ast.Name) and (node.id in self.constants or node.id in ("True", "False", "None")):
            return
        if isinstance(node, ast.Tuple):
            for e in node.elts:
                self.constant(e)
            return
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, _CONST_OPS):
            return self.constant(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, _CONST_OPS):
            self.constant(node.left)
            return self.constant(node.right)
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                self.constant(v)
            return
        if isinstance(node, ast.Compare):
            self.constant(node.left)
            for c in node.comparators:
                self.constant(c)
            return
        if isinstance(node, ast.IfExp):
            for v in (node.test, node.body, node.orelse):
                self.constant(v)
            return
        if isinstance(node, ast.Subscript):
            self.constant(node.value)
            return self.constant(node.slice)
        if isinstance(node, ast.Slice):
            for v in (node.lower, node.upper, node.step):
                if v is not None:
                    self.constant(v)
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.modules:
            return  # module.attr: module_uses() checks the attribute; a class or constant of the module
        if isinstance(node, ast.Call) and self.pure_call(node.func):
            for a in [*node.args, *[k.value for k in node.keywords]]:
                if isinstance(a, (ast.List, ast.Set)):
                    for e in a.elts:
                        self.constant(e)
                else:
                    self.constant(a)
            return
        _fail(node, f"{type(node).__name__} where only an immutable constant is provable")

    def pure_call(self, func):
        """Calls whose result is immutable given constant arguments."""
        if isinstance(func, ast.Name):
            return func.id in _PURE_BUILTINS
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            mod = self.modules.get(func.value.id)
            return mod in ("math", "cmath") or (mod, func.attr) in _PURE_CALLS
        return False

    def type_expr(self, node):
        if node is None or isinstance(node, ast.Constant):
            return
        if isinstance(node, ast.Name):
            return
        if isinstance(node, ast.Attribute):
            return self.type_expr(node.value)
        if isinstance(node, ast.Subscript):
            self.type_expr(node.value)
            return self.type_expr(node.slice)
        if isinstance(node, (ast.Tuple, ast.List)):
            for e in node.elts:
                self.type_expr(e)
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            self.type_expr(node.left)
            return self.type_expr(node.right)
        _fail(node, f"{type(node).__name__} in an annotation evaluated at load")

    def function_at_load(self, node):
        """What a module- or class-level def evaluates when it runs: defaults and annotations."""
        a = node.args
        for d in [*a.defaults, *[d for d in a.kw_defaults if d is not None]]:
            self.constant(d)
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, *( [a.vararg] if a.vararg else []),
                    *([a.kwarg] if a.kwarg else [])]:
            self.type_expr(arg.annotation)
        self.type_expr(node.returns)

    def class_def(self, node):
        if node.keywords:
            _fail(node, f"class {node.name} with keywords (metaclass)")
        for b in node.bases:
            ok = (isinstance(b, ast.Name) and (b.id in self.classes or b.id == "object" or b.id in _EXC_NAMES
                                                or b.id == "NamedTuple"))
            ok = ok or (isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name)
                        and self.modules.get(b.value.id) == "typing" and b.attr == "NamedTuple")
            if not ok:
                _fail(b, f"class {node.name} has a base the check cannot vouch for")
        for d in node.decorator_list:
            if not self.is_dataclass_decorator(d):
                _fail(d, f"class decorator on {node.name}")
        props = set()
        for s in node.body:
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) or isinstance(s, ast.Pass):
                continue
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if s.name in _BAD_METHODS:
                    _fail(s, f"method {s.name}")
                for d in s.decorator_list:
                    self.decorator_nodes.add(id(d))
                    if isinstance(d, ast.Name) and d.id in _METHOD_DECORATORS:
                        if d.id == "property":
                            props.add(s.name)
                        continue
                    if (isinstance(d, ast.Attribute) and isinstance(d.value, ast.Name) and d.value.id in props
                            and d.attr in ("setter", "getter", "deleter")):
                        self.decorator_nodes.add(id(d.value))
                        continue
                    if self.is_name_of(d, "functools", "cached_property"):
                        continue
                    _fail(d, f"decorator on method {s.name}")
                self.function_at_load(s)
                continue
            if isinstance(s, ast.Assign):
                self.constant(s.value)
                for t in s.targets:
                    if not isinstance(t, ast.Name) or t.id.startswith("__"):
                        _fail(t, "class attribute other than a plain name")
                continue
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and not s.target.id.startswith("__"):
                self.type_expr(s.annotation)
                if s.value is not None:
                    self.constant(s.value)
                continue
            _fail(s, f"{type(s).__name__} in the body of class {node.name}")
        self.classes.add(node.name)
        self.module_names.add(node.name)

    def is_name_of(self, node, module, name):
        if isinstance(node, ast.Name) and node.id == name:
            return True
        return (isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name)
                and self.modules.get(node.value.id) == module)

    def is_dataclass_decorator(self, d):
        target = d.func if isinstance(d, ast.Call) else d
        if not self.is_name_of(target, "dataclasses", "dataclass"):
            return False
        if isinstance(d, ast.Call):
            if d.args:
                return False
            for k in d.keywords:
                self.constant(k.value)
        self.decorator_nodes.add(id(target))
        if isinstance(target, ast.Attribute):
            self.decorator_nodes.add(id(target.value))
        return True

    # ------------------------------------------------------------ everywhere
    def everywhere(self, node):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            _fail(node, f"{type(node).__name__.lower()} statement")
        if isinstance(node, ast.Attribute):
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                _fail(node, f"store to attribute {node.attr} (state on a shared object)")
            if node.attr.startswith("_") or node.attr in DENY_ATTRS or node.attr.startswith(DENY_PREFIXES):
                _fail(node, f"attribute {node.attr}")
        elif isinstance(node, ast.Name):
            n = node.id
            if n in DENY_NAMES or (n.startswith("__") and not (n == "__name__" and isinstance(node.ctx, ast.Load))):
                _fail(node, f"name {n}")
            if n == "dataclass" and id(node) not in self.decorator_nodes:
                _fail(node, "dataclass used other than as a class decorator")
        elif isinstance(node, ast.alias):
            if node.name.split(".")[-1] in DENY_ATTRS:
                _fail(node, f"import of {node.name}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and node not in self.tree.body:
            self.import_stmt(node, module_level=False)  # imports inside functions obey the module rules too
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            for d in [*a.defaults, *[d for d in a.kw_defaults if d is not None]]:
                self.constant(d)
        elif isinstance(node, ast.ClassDef) and node not in self.tree.body:
            if node.keywords:
                _fail(node, "class with keywords")

    def scopes(self, table):
        """Every global a scope reads is bound at module level or is an allowed builtin."""
        todo = [table]
        while todo:
            t = todo.pop()
            todo.extend(t.get_children())
            if t.get_type() == "module":
                continue
            for s in t.get_symbols():
                if not s.is_referenced() or not s.is_global():
                    continue
                n = s.get_name()
                if n in self.module_names or n in ALLOWED_BUILTINS:
                    continue
                raise NotProvable(f"{t.get_name()} reads {n}, which the solution does not define (the test "
                                  "might)")
        mod = table
        for s in mod.get_symbols():
            if s.is_referenced() and not s.is_assigned() and not s.is_imported():
                n = s.get_name()
                if n not in self.module_names and n not in ALLOWED_BUILTINS:
                    raise NotProvable(f"module level reads {n}, which the solution does not define")

    def module_uses(self, nodes, parents):
        """A module name is only used as `module.attr`, with attr allowed; module names are never rebound."""
        for node in nodes:
            if isinstance(node, ast.Name) and node.id in self.modules:
                mod = self.modules[node.id]
                if not isinstance(node.ctx, ast.Load):
                    _fail(node, f"rebinding of module name {node.id}")
                p = parents.get(id(node))
                if not (isinstance(p, ast.Attribute) and p.value is node):
                    _fail(node, f"module {mod} used as a value")
                allowed = ALLOWED.get(mod)
                if allowed is not _ALL and (allowed is None or p.attr not in allowed):
                    _fail(node, f"{mod}.{p.attr}")
