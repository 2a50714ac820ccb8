"""Process-wide hardening installed once by the worker; forked children inherit all of it.

seccomp is built by hand (classic BPF through ctypes + prctl) so stock CPython needs no package.
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
SECCOMP_MODE_FILTER = 2

AUDIT_ARCH_X86_64 = 0xC000003E
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | 1
RET_ENOSYS = 0x00050000 | 38

# x86_64 syscall numbers denied outright: namespaces, mounts, tracing, foreign memory, kernel keyrings,
# io_uring (bypasses seccomp for its ops), bpf, module loading, and stealing descriptors.
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
}
NR_SOCKET, NR_KILL, NR_TKILL, NR_TGKILL, NR_CLONE, NR_CLONE3 = 41, 62, 200, 234, 56, 435
AF_UNIX = 1
CLONE_NS_FLAGS = 0x7E020000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET


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


def build_filter(worker_pid, worker_pgid):
    a = _Asm()
    a.ld(4)
    a.jeq(AUDIT_ARCH_X86_64, 1, 0)
    a.ret(RET_EPERM)
    a.ld(0)
    a.jset(0x40000000, "deny", 0)  # x32 ABI
    for nr in DENY_X86_64.values():
        if nr >= 0:
            a.jeq(nr, "deny", 0)
    a.jeq(NR_SOCKET, "socket", 0)
    a.jeq(NR_KILL, "kill", 0)
    a.jeq(NR_TKILL, "kill", 0)
    a.jeq(NR_TGKILL, "kill", 0)
    a.jeq(NR_CLONE, "clone", 0)
    a.jeq(NR_CLONE3, "enosys", 0)
    a.ret(RET_ALLOW)
    a.label("socket")
    a.ld(16)
    a.jeq(AF_UNIX, "allow", "deny")
    a.label("kill")
    # Low word of the first argument: the worker, -1 (everyone), 0 (own group) and the worker's group.
    a.ld(16)
    a.jeq(worker_pid, "deny", 0)
    a.jeq(0, "deny", 0)
    a.jeq(-1, "deny", 0)
    a.jeq(-worker_pgid, "deny", "allow")
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


def _libc():
    if not _LIBC:  # dlopen once: forked children call prctl() too
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def install_seccomp(worker_pid, worker_pgid):
    """Returns (ok, why)."""
    if os.uname().machine != "x86_64":
        return False, f"no filter for {os.uname().machine}"
    libc = _libc()
    prog, n = build_filter(worker_pid, worker_pgid)
    buf = ctypes.create_string_buffer(prog, len(prog))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(n, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False, f"no_new_privs: errno {ctypes.get_errno()}"
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return False, f"prctl(SECCOMP): errno {ctypes.get_errno()}"
    return True, f"{n} BPF instructions"


def prctl(option, value):
    return _libc().prctl(option, value, 0, 0, 0) == 0


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


def harden_process(opts):
    """Apply everything once in the worker. Returns the isolation report (layer -> [ok, why])."""
    report = {}
    try:
        os.setpgid(0, 0)  # own group, so children (their own groups) can be told apart from the worker
    except OSError:
        pass  # already a session leader (bwrap --new-session)
    os.environ.clear()  # the driver passes an empty environment; this drops Python's own LC_CTYPE coercion
    uid = os.getuid()
    report["uid"] = [uid != 0, f"uid {uid}"]
    env_keys = sorted(os.environ.keys())
    report["env"] = [len(env_keys) == 0, "empty" if not env_keys else "has " + ",".join(env_keys[:5])]
    # Non-dumpable: same-uid children cannot open /proc/<worker>/mem or /proc/<worker>/fd.
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
