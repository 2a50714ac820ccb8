"""Kernel-level isolation, through ctypes only (stock CPython needs no package): seccomp filters built by hand
(classic BPF), rlimits, and the namespace calls the zygote and its candidates use (unshare, clone into new
namespaces, mount, capability drop).

Two seccomp policies:
  - `worker`: installed once by the worker; the judges it forks inherit it. Kill-type calls aimed at the worker,
    its group, 0 or -1 are denied.
  - `candidate`: installed by every candidate before it reads its solution. The candidate is pid 1 of its own pid
    namespace and sees no other process, so kill needs no argument filter.
Both deny namespace/mount/tracing/foreign-memory/keyring/io_uring/bpf/module calls, non-AF_UNIX sockets,
and rt_sigqueueinfo / rt_tgsigqueueinfo (a queued signal is a kill by another name).
"""
import ctypes
import os
import resource
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
PR_SET_DUMPABLE = 4
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_CAPBSET_DROP = 24
SECCOMP_MODE_FILTER = 2

AUDIT_ARCH_X86_64 = 0xC000003E
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | 1
RET_ENOSYS = 0x00050000 | 38

# x86_64 syscall numbers denied outright: namespaces, mounts, tracing, foreign memory, kernel keyrings,
# io_uring (bypasses seccomp for its ops), bpf, module loading, stealing descriptors, queued signals.
DENY_X86_64 = {
    "ptrace": 101, "mount": 165, "umount2": 166, "unshare": 272, "setns": 308, "bpf": 321,
    "keyctl": 250, "add_key": 248, "request_key": 249, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "process_vm_readv": 310,
    "process_vm_writev": 311, "pidfd_send_signal": 424, "pidfd_getfd": 438,
    "perf_event_open": 298, "userfaultfd": 323, "chroot": 161, "pivot_root": 155,
    "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313,
    "delete_module": 176, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163,
    "open_by_handle_at": 304, "name_to_handle_at": 303, "fsopen": 430, "fsmount": 432,
    "move_mount": 429, "open_tree": 428, "personality": 135,
    "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
}
NR_SOCKET, NR_KILL, NR_TKILL, NR_TGKILL, NR_CLONE, NR_CLONE3 = 41, 62, 200, 234, 56, 435
NR_CAPSET = 126
AF_UNIX = 1
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NS_FLAGS = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
SIGCHLD = 17

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 0x4000, 1 << 18


class _Asm:
    """Tiny classic-BPF assembler with forward labels (BPF jumps are forward-only)."""

    def __init__(self):
        self.ins = []  # (code, jt, jf, k) with jt/jf possibly label names

    def ld(self, off):
        self.ins.append((0x20, 0, 0, off))

    def jeq(self, k, jt=0, jf=0):
        self.ins.append((0x15, jt, jf, k & 0xFFFFFFFF))

    def jset(self, k, jt=0, jf=0):
        self.ins.append((0x45, jt, jf, k & 0xFFFFFFFF))

    def ret(self, k):
        self.ins.append((0x06, 0, 0, k))

    def label(self, name):
        self.ins.append(("label", name))

    def assemble(self):
        pos, out = {}, []
        for i in self.ins:
            if i[0] == "label":
                pos[i[1]] = len(out)
            else:
                out.append(i)
        code = []
        for idx, (c, jt, jf, k) in enumerate(out):
            rel = lambda j: j if isinstance(j, int) else pos[j] - idx - 1  # noqa: E731
            code.append(struct.pack("HBBI", c, rel(jt), rel(jf), k))
        return b"".join(code), len(code)


def build_filter(protect_pid=None, protect_pgid=None, own_pid=None):
    """The BPF program. With protect_pid, kill/tkill/tgkill aimed at that pid, its group, 0 or -1 are denied;
    with own_pid, they may only aim at own_pid or its group (-own_pid)."""
    a = _Asm()
    a.ld(4)
    a.jeq(AUDIT_ARCH_X86_64, 1, 0)
    a.ret(RET_EPERM)
    a.ld(0)
    a.jset(0x40000000, "deny", 0)  # x32 ABI
    for nr in DENY_X86_64.values():
        a.jeq(nr, "deny", 0)
    a.jeq(NR_SOCKET, "socket", 0)
    if protect_pid is not None or own_pid is not None:
        a.jeq(NR_KILL, "kill", 0)
        a.jeq(NR_TKILL, "kill", 0)
        a.jeq(NR_TGKILL, "kill", 0)
    a.jeq(NR_CLONE, "clone", 0)
    a.jeq(NR_CLONE3, "enosys", 0)
    a.ret(RET_ALLOW)
    a.label("socket")
    a.ld(16)
    a.jeq(AF_UNIX, "allow", "deny")
    if own_pid is not None:
        a.label("kill")
        a.ld(16)
        a.jeq(own_pid, "allow", 0)
        a.jeq(-own_pid, "allow", "deny")
    elif protect_pid is not None:
        a.label("kill")
        # Low word of the first argument: the protected pid, -1 (everyone), 0 (own group), its group.
        a.ld(16)
        a.jeq(protect_pid, "deny", 0)
        a.jeq(0, "deny", 0)
        a.jeq(-1, "deny", 0)
        a.jeq(-protect_pgid, "deny", "allow")
    a.label("clone")
    a.ld(16)
    a.jset(CLONE_NS_FLAGS, "deny", "allow")
    a.label("enosys")
    a.ret(RET_ENOSYS)
    a.label("allow")
    a.ret(RET_ALLOW)
    a.label("deny")
    a.ret(RET_EPERM)
    return a.assemble()


_LIBC = []


def libc():
    if not _LIBC:  # dlopen once, before any audit hook: forked children call prctl() too
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
        _LIBC.append(ctypes.PyDLL(None, use_errno=True))  # holds the GIL: for clone() as os.fork does
        _LIBC[0].syscall.restype = ctypes.c_long
        _LIBC[1].syscall.restype = ctypes.c_long
        for name in ("prctl", "unshare", "mount"):
            getattr(_LIBC[0], name)  # resolve now: candidates cannot dlsym after their audit hook
        for name in ("PyOS_BeforeFork", "PyOS_AfterFork_Parent", "PyOS_AfterFork_Child"):
            getattr(_LIBC[1], name)  # the child's one too, which every candidate would otherwise look up itself
    return _LIBC[0]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class Prepared:
    """A filter program with its prctl argument made ahead (the zygote makes its candidates' once: they are all
    pid 1 of their own pid namespace, and building the ctypes argument per candidate cost ≈ 0.1 ms)."""

    __slots__ = ("buf", "fprog", "n")

    def __init__(self, prog, n):
        self.buf = ctypes.create_string_buffer(prog, len(prog))
        self.fprog, self.n = _SockFprog(n, ctypes.cast(self.buf, ctypes.c_void_p)), n


def install_seccomp(protect_pid=None, protect_pgid=None, own_pid=None, built=None):
    """Returns (ok, why). `built`: a Prepared filter for these arguments, made ahead on this machine."""
    lc = libc()
    if built is not None:
        fprog, n = built.fprog, built.n
    else:
        if os.uname().machine != "x86_64":
            return False, f"no filter for {os.uname().machine}"
        built = Prepared(*build_filter(protect_pid, protect_pgid, own_pid))
        fprog, n = built.fprog, built.n
    if lc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False, f"no_new_privs: errno {ctypes.get_errno()}"
    if lc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return False, f"prctl(SECCOMP): errno {ctypes.get_errno()}"
    return True, f"{n} BPF instructions"


def prctl(option, value):
    return libc().prctl(option, value, 0, 0, 0) == 0


def set_rlimits(address_space, file_size, nproc):
    done = []
    for name, res, val in (
        ("as", resource.RLIMIT_AS, address_space),
        ("fsize", resource.RLIMIT_FSIZE, file_size),
        ("nproc", resource.RLIMIT_NPROC, nproc),
        ("core", resource.RLIMIT_CORE, 0),
    ):
        if val is None:
            continue
        try:
            resource.setrlimit(res, (val, val))
            done.append(name)
        except (ValueError, OSError) as e:
            return False, f"{name}: {e}"
    return True, ",".join(done)


# ---------------------------------------------------------------- namespaces (zygote and candidates)

def unshare(flags):
    if libc().unshare(flags) != 0:
        raise OSError(ctypes.get_errno(), f"unshare({flags:#x}): {os.strerror(ctypes.get_errno())}")


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    if libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {fstype or ''} on {target}: {os.strerror(err)}")


def map_ids(uid, gid):
    """In a fresh user namespace: keep our uid and gid (mapped to themselves), no supplementary groups."""
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")


def clone_fork(flags):
    """fork() into new namespaces (clone with namespace flags and no CLONE_VM), with CPython's fork bookkeeping
    around it as os.fork does. Returns the child's pid in the parent and 0 in the child."""
    lc = libc()  # noqa: F841 - ensures _LIBC is filled
    py = _LIBC[1]
    py.PyOS_BeforeFork()
    pid = py.syscall(ctypes.c_long(NR_CLONE), ctypes.c_ulong(flags | SIGCHLD), ctypes.c_ulong(0), ctypes.c_ulong(0),
                     ctypes.c_ulong(0), ctypes.c_ulong(0))
    if pid == 0:
        py.PyOS_AfterFork_Child()
    else:
        err = ctypes.get_errno()
        py.PyOS_AfterFork_Parent()
        if pid < 0:
            raise OSError(err, f"clone: {os.strerror(err)}")
    return pid


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


# capset(2)'s arguments, all zero sets (made once: every candidate calls it; the kernel only reads them).
_CAPSET_ARGS = (ctypes.c_long(NR_CAPSET), ctypes.pointer(_CapHeader(0x20080522, 0)),  # _LINUX_CAPABILITY_VERSION_3
                ctypes.pointer((_CapData * 2)()))


def drop_bounding_set():
    """Empty the capability bounding set (inherited by every child: the zygote does it once for its candidates,
    which then need only the capset below). The current effective/permitted sets are not touched."""
    lc = libc()
    for cap in range(64):
        if lc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # EINVAL: past the last cap
            break


def bounding_set_empty():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16) == 0
    return False


def drop_capabilities(bounding=True):
    """Empty the bounding set (unless the parent already did: `bounding=False`) and the effective/permitted/
    inheritable sets (the zygote's user namespace gave them)."""
    lc = libc()
    if bounding:
        drop_bounding_set()
    if lc.syscall(*_CAPSET_ARGS) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"capset: {os.strerror(err)}")


def effective_caps():
    """The CapEff mask of this process (0 once dropped)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    return -1


def harden_worker(opts):
    """Apply everything once in the worker (after it forked the zygote). Returns the isolation report."""
    report = {}
    try:
        os.setpgid(0, 0)  # own group, so children (their own groups) can be told apart from the worker
    except OSError:
        pass  # already a session leader (bwrap --new-session)
    os.environ.clear()  # the driver passes only PYTHONHASHSEED (read at interpreter start); drop it and the rest
    uid = os.getuid()
    report["uid"] = [uid != 0, f"uid {uid}"]
    report["env"] = [len(os.environ) == 0, "empty" if not os.environ else "has " + ",".join(sorted(os.environ)[:5])]
    # Non-dumpable: same-uid processes cannot open /proc/<worker>/mem or /proc/<worker>/fd.
    report["dumpable"] = [prctl(PR_SET_DUMPABLE, 0), "worker not dumpable"]
    report["subreaper"] = [prctl(PR_SET_CHILD_SUBREAPER, 1), "orphans come back to the worker"]
    prctl(PR_SET_PDEATHSIG, 9)
    ok, why = set_rlimits(opts.get("address_space"), opts.get("file_size"), opts.get("nproc"))
    report["rlimits"] = [ok, why]
    if opts.get("seccomp", True):
        ok, why = install_seccomp(os.getpid(), os.getpgid(0))
    else:
        ok, why = False, "disabled by option"
    report["seccomp"] = [ok, why]
    return report
