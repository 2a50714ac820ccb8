"""The judge <-> candidate wire: length-prefixed JSON frames over one socket, a strict value codec, and a
symmetric request engine (either side may ask the other to operate on the other's objects while a request of
its own is in flight: callbacks, attribute reads, stdin).

Values (the codec): None, bool, int, float, str are JSON natives; everything else is a one-key object
  {"t": [..]} tuple   {"s": [..]} set     {"f": [..]} frozenset   {"d": [k, v, ...]} dict   {"b": b64} bytes
  {"ba": b64} bytearray {"c": [re, im]} complex {"I": hex} int too long for JSON  {"r": n} the n-th container
  {"od"|"C": [k, v, ...]} OrderedDict/Counter  {"dd": [factory, k, v, ...]} defaultdict  {"q": [..], "m": maxlen}
  {"fr": [n, d]} Fraction  {"dec": str} Decimal  {"rg": [a, b, c]} range  {"dk"|"dv"|"di": [..]} dict views
  {"h": id, "k": kind, ...} an object of the sender (a remote handle)  {"H": id} an object of the receiver
  {"X": n[, "v": ...]} (copy-back only) the caller's n-th container, with its new contents
Lists are arrays. Containers are numbered in pre-order on both sides, so shared references and cycles survive.
Types are checked exactly (a subclass of list is not a list: it travels as a handle). The decoder builds only
these trusted types and proxies; json.loads (C) parses the untrusted bytes.
"""
import base64
import builtins
import collections
import fractions
import decimal
import json
import os
import select
import struct
import sys
import time

MAX_FRAME = 64 << 20
MAX_DEPTH = 400
_HDR = struct.Struct("<I")
_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=True).encode
_loads = json.loads
_BIG = 1 << 13000  # ints this large travel as hex (json.loads caps decimal digits at 4300)


class WireError(Exception):
    """The peer broke the protocol or the connection ended."""


class Refused(Exception):
    """A value that cannot cross (too deep, too large, a cycle through a tuple, ...)."""


def received_fds(ancillary):
    """The descriptors an SCM_RIGHTS message carried (recvmsg's ancillary data)."""
    import array
    import socket

    fds = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            a = array.array("i")
            a.frombytes(data[: len(data) - len(data) % a.itemsize])
            fds.extend(a)
    return fds


class Conn:
    """One end of the socket: whole frames in and out."""

    __slots__ = ("fd", "buf", "max_frame", "closed")

    def __init__(self, fd, max_frame=MAX_FRAME):
        self.fd, self.buf, self.max_frame, self.closed = fd, bytearray(), max_frame, False

    def send(self, obj):
        data = _dumps(obj).encode()
        if len(data) > self.max_frame:
            raise Refused(f"message of {len(data)} bytes exceeds the {self.max_frame}-byte cap")
        view = memoryview(_HDR.pack(len(data)) + data)
        while view:
            view = view[os.write(self.fd, view):]

    def recv(self, deadline=None):
        """The next frame, decoded; TimeoutError once `deadline` (time.monotonic()) passes."""
        buf = self.buf
        while True:
            need = 65536
            if len(buf) >= 4:
                (n,) = _HDR.unpack_from(buf)
                if n > self.max_frame:
                    raise WireError(f"frame of {n} bytes exceeds the cap")
                if len(buf) >= 4 + n:
                    data = bytes(buf[4:4 + n])
                    del buf[:4 + n]
                    try:
                        return _loads(data)
                    except (ValueError, RecursionError) as e:
                        raise WireError(f"bad frame: {e}") from None
                need = min(max(need, 4 + n - len(buf)), 16 << 20)
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    raise TimeoutError
            chunk = os.read(self.fd, need)
            if not chunk:
                self.closed = True
                raise WireError("connection closed")
            buf += chunk


class Handles:
    """Objects a side has handed out (id -> object) and proxies it holds for the peer's objects."""

    def __init__(self):
        self.own, self.own_ids, self.pinned = {}, {}, set()
        self.proxies = {}
        self.next = 1

    def export(self, obj, pin=False):
        hid = self.own_ids.get(id(obj))
        if hid is None or self.own.get(hid) is not obj:
            hid = self.next
            self.next += 1
            self.own[hid] = obj
            self.own_ids[id(obj)] = hid
        if pin:
            self.pinned.add(hid)
        return hid

    def epoch(self, keep_proxy=None):
        """Forget everything not pinned (the end of a pair): handles of the last pair are dead."""
        keep = {h: o for h, o in self.own.items() if h in self.pinned}
        self.own = keep
        self.own_ids = {id(o): h for h, o in keep.items()}
        self.proxies = {h: p for h, p in self.proxies.items() if keep_proxy is not None and keep_proxy(p)}


_ORDERED, _DEFAULT, _COUNTER, _DEQUE = collections.OrderedDict, collections.defaultdict, collections.Counter, collections.deque
_FRACTION, _DECIMAL = fractions.Fraction, decimal.Decimal
_KEYS, _VALUES, _ITEMS = type({}.keys()), type({}.values()), type({}.items())
_FACTORIES = {"int": int, "float": float, "str": str, "list": list, "dict": dict, "set": set, "tuple": tuple,
              "bool": bool, "frozenset": frozenset, "bytes": bytes, "complex": complex}
_FACTORY_NAMES = {v: k for k, v in _FACTORIES.items()}
_MAPS = {dict: "d", _ORDERED: "od", _COUNTER: "C", _DEFAULT: "dd"}
_b64e, _b64d = base64.b64encode, base64.b64decode


def make_encoder(handles, describe, is_proxy):
    """encode(value, origin=None, track=None) -> JSON-able.

    `describe(obj)` gives a handle's metadata (kind, name, ...); `is_proxy(obj)` returns the peer's handle id
    when obj is a proxy of a peer object, else None. Containers are numbered in pre-order; `track` (a list)
    receives them in that order. With `origin` (id(obj) -> the peer's container index; copy-back), a container
    that came from the peer is sent as {"X": n, "v": its contents} (then {"X": n} if met again)."""

    def encode(value, origin=None, track=None):
        memo = {}
        count = [0]

        def number(x, i):
            if i is not None:
                memo[i] = count[0]
            count[0] += 1
            if track is not None:
                track.append(x)

        def enc(x, depth):
            t = type(x)
            if t is int:
                return x if -_BIG < x < _BIG else {"I": hex(x)}
            if t is str or t is float or t is bool or x is None:
                return x
            if depth > MAX_DEPTH:
                raise Refused(f"nesting deeper than {MAX_DEPTH}")
            i = id(x)
            if origin is not None:
                n = origin.get(i)
                if n is not None:
                    if i in memo:
                        return {"X": n}
                    memo[i] = -1
                    return {"X": n, "v": body(x, t, depth, None)}
            r = memo.get(i)
            if r is not None:
                if r < 0:
                    raise Refused("a cycle through an immutable container")
                return {"r": r}
            return body(x, t, depth, i)

        def body(x, t, depth, i):
            d = depth + 1
            if t is list:
                number(x, i)
                return [enc(e, d) for e in x]
            tag = _MAPS.get(t)
            if tag is not None:
                number(x, i)
                out = []
                if t is _DEFAULT:
                    f = x.default_factory
                    out.append(_FACTORY_NAMES.get(f, "?") if f is not None else None)
                for k, v in dict.items(x):
                    out.append(enc(k, d))
                    out.append(enc(v, d))
                return {tag: out}
            if t is tuple or t is frozenset or t is set:
                n = count[0]
                number(x, None)
                if i is not None:
                    memo[i] = -1  # referenced while being built: refused
                items = [enc(e, d) for e in x]
                if i is not None:
                    memo[i] = n
                return {"t" if t is tuple else "f" if t is frozenset else "s": items}
            if t is bytes:
                return {"b": _b64e(x).decode()}
            if t is bytearray:
                number(x, i)
                return {"ba": _b64e(x).decode()}
            if t is complex:
                return {"c": [x.real, x.imag]}
            if t is _DEQUE:
                number(x, i)
                return {"q": [enc(e, d) for e in x], "m": x.maxlen}
            if t is _FRACTION:
                return {"fr": [enc(x.numerator, d), enc(x.denominator, d)]}
            if t is _DECIMAL:
                return {"dec": str(x)}
            if t is range:
                return {"rg": [enc(x.start, d), enc(x.stop, d), enc(x.step, d)]}
            if t is _KEYS or t is _VALUES:
                return {"dk" if t is _KEYS else "dv": [enc(e, d) for e in x]}
            if t is _ITEMS:
                flat = []
                for k, v in x:
                    flat.append(enc(k, d))
                    flat.append(enc(v, d))
                return {"di": flat}
            peer = is_proxy(x)
            if peer is not None:
                return {"H": peer}
            meta = describe(x)
            meta["h"] = handles.export(x)
            return meta

        return enc(value, 0)

    return encode


def make_decoder(handles, make_proxy):
    """decode(node, origin=None, track=None) -> value.

    `make_proxy(hid, meta)` builds a proxy for a peer object (one per handle). Containers are numbered in
    pre-order as the encoder numbered them; `track` (a list) receives them. With `origin` (this side's
    containers by index; copy-back), {"X": n, "v": ...} updates origin[n] in place and stands for it."""

    def decode(node, origin=None, track=None):
        built = [] if track is None else track

        def dec(x):
            t = type(x)
            if t is list:
                built.append(x)
                for j, e in enumerate(x):
                    te = type(e)
                    if te is list or te is dict:
                        x[j] = dec(e)
                return x
            if t is not dict:
                return x
            if "h" in x:
                hid = x["h"]
                p = handles.proxies.get(hid)
                if p is None:
                    p = make_proxy(hid, x)
                    handles.proxies[hid] = p
                return p
            n = len(x)
            if n == 2:
                if "q" in x:
                    pos = len(built)
                    built.append(None)
                    m = x["m"]
                    q = _DEQUE([dec(e) for e in x["q"]], m) if m is not None else _DEQUE([dec(e) for e in x["q"]])
                    built[pos] = q
                    return q
                if "X" in x and "v" in x:
                    target = _origin(x["X"])
                    apply_in_place(target, dec(x["v"]))
                    return target
                raise Refused("malformed value")
            if n != 1:
                raise Refused("malformed value")
            (k, v), = x.items()
            tag_map = k == "d" or k == "od" or k == "C" or k == "dd"
            if tag_map:
                if type(v) is not list:
                    raise Refused("malformed value")
                if k == "dd":
                    fname, v = v[0], v[1:]
                    out = _DEFAULT(_FACTORIES.get(fname) if type(fname) is str else None)
                else:
                    out = {} if k == "d" else _ORDERED() if k == "od" else _COUNTER()
                built.append(out)
                for j in range(0, len(v) - 1, 2):
                    out[dec(v[j])] = dec(v[j + 1])
                return out
            if k == "t" or k == "f" or k == "s":
                pos = len(built)
                built.append(None)
                items = [dec(e) for e in v]
                out = tuple(items) if k == "t" else frozenset(items) if k == "f" else set(items)
                built[pos] = out
                return out
            if k == "r":
                got = built[v]
                if got is None:
                    raise Refused("a reference to an unfinished container")
                return got
            if k == "H":
                if v not in handles.own:
                    raise Refused(f"unknown or released handle {v}")
                return handles.own[v]
            if k == "X":
                return _origin(v)
            if k == "b":
                return _b64d(v)
            if k == "ba":
                out = bytearray(_b64d(v))
                built.append(out)
                return out
            if k == "c":
                return complex(v[0], v[1])
            if k == "I":
                return int(v, 16)
            if k == "fr":
                return _FRACTION(dec(v[0]), dec(v[1]))
            if k == "dec":
                return _DECIMAL(v)
            if k == "rg":
                return range(dec(v[0]), dec(v[1]), dec(v[2]))
            if k == "dk":
                return dict.fromkeys([dec(e) for e in v]).keys()
            if k == "dv":
                return dict(enumerate([dec(e) for e in v])).values()
            if k == "di":
                flat = [dec(e) for e in v]
                return dict(zip(flat[0::2], flat[1::2])).items()
            raise Refused(f"unknown tag {k!r}")

        def _origin(n):
            if origin is None or type(n) is not int or not 0 <= n < len(origin) or origin[n] is None:
                raise Refused("bad copy-back reference")
            return origin[n]

        try:
            return dec(node)
        except RecursionError:
            raise Refused("nesting too deep") from None
        except (TypeError, KeyError, IndexError, ValueError, AttributeError) as e:
            raise Refused(f"malformed value ({type(e).__name__}: {e})") from None

    return decode


def apply_in_place(target, new):
    """Make `target` (one of the caller's containers) hold `new`'s contents, keeping its identity."""
    t = type(target)
    if t is list or t is bytearray:
        target[:] = new
    elif t is dict or t is _ORDERED or t is _COUNTER or t is _DEFAULT:
        dict.clear(target)
        dict.update(target, new)
    elif t is set:
        target.clear()
        target.update(new)
    elif t is _DEQUE:
        target.clear()
        target.extend(new)
    # immutable containers cannot change; their mutable members were updated through their own "X" nodes


_EXC_BUILTINS = {name: obj for name, obj in vars(builtins).items()
                 if isinstance(obj, type) and issubclass(obj, BaseException)}


def builtin_bases(cls):
    """Names of the builtin exception classes in cls's MRO, most specific first."""
    out = []
    for c in cls.__mro__:
        if c.__module__ == "builtins" and _EXC_BUILTINS.get(c.__name__) is c:
            out.append(c.__name__)
    return out


def exc_text(e, limit=2000):
    try:
        s = str(e)
    except BaseException:  # noqa: BLE001 - a broken __str__ is the sender's problem
        s = "<unprintable>"
    return s[:limit]


def frame_depth():
    """Python frames on the stack below the caller (cheap: a short walk)."""
    f, n = sys._getframe(1), 0
    while f is not None:
        n += 1
        f = f.f_back
    return n


def stdlib_ref(x):
    """(module, name) when x is a class or builtin function of an already loaded standard module, reachable by
    that name (the other side then uses its own copy instead of a handle), else None."""
    mod_name = getattr(x, "__module__", None)
    name = getattr(x, "__name__", None)
    if type(mod_name) is not str or type(name) is not str:
        return None
    mod = sys.modules.get(mod_name)
    if mod is None or getattr(mod, name, None) is not x:
        return None
    f = getattr(mod, "__file__", None) or ""
    if f and not f.startswith(sys.base_prefix + "/lib"):
        return None
    return mod_name, name
