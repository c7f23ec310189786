"""test_qemu_img_util.py: helpers of the qemu-img tests (not a test itself):
running Keel's and QEMU's qemu-img side by side on identical copies of the
input images, output normalisation, and a TAP runner with a temporary
directory per case and TAP's TODO for known gaps. Python 3 stdlib only."""

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keeltest import Skip  # noqa: E402

BUILD = os.environ.get("KEEL_BUILD_DIR", "build")
KEEL = os.path.abspath(os.path.join(BUILD, "qemu-img"))
QEMU = "/usr/bin/qemu-img"
QEMU_IO = "/usr/bin/qemu-io"
TIMEOUT = 60


class Todo(Exception):
    """A known gap shows (TAP "not ok # TODO")."""


def need_qemu():
    if not os.access(QEMU, os.X_OK):
        raise Skip("QEMU's qemu-img (Debian qemu-utils) is not installed")


def run(prog, args, cwd, timeout=TIMEOUT, input=None):
    """Run prog with args in cwd; (exit status, stdout, stderr) as text
    with every byte kept (no newline translation: progress uses '\r')."""
    p = subprocess.run([prog, *args], cwd=cwd, capture_output=True,
                       timeout=timeout,
                       input=input.encode() if input is not None else None,
                       stdin=None if input is not None else subprocess.DEVNULL)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def keel(args, cwd, **kw):
    return run(KEEL, args, cwd, **kw)


def qemu(args, cwd, **kw):
    return run(QEMU, args, cwd, **kw)


def qemu_io(args, cwd):
    if not os.access(QEMU_IO, os.X_OK):
        raise Skip("QEMU's qemu-io is not installed")
    rc, out, err = run(QEMU_IO, args, cwd)
    assert rc == 0, f"qemu-io {args}: {err}"
    return out


def ok(result, what=""):
    rc, out, err = result
    assert rc == 0, f"{what} exit status {rc}: {err!r}"
    return out


_DATE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_RUN = re.compile(r"Run completed in [0-9.]+ seconds")


def normalise(text):
    """What legitimately differs between two runs: snapshot dates and
    benchmark times."""
    text = _DATE.sub("DATE", text)
    return _RUN.sub("Run completed in T seconds", text)


_templates = {}
_template_root = None


def _template(setup):
    """The input images of setup, built once per process (building them
    runs QEMU's tools many times) and copied for every case."""
    global _template_root
    key = setup.__qualname__ if setup else None
    if key not in _templates:
        if _template_root is None:
            _template_root = tempfile.mkdtemp(prefix="keel-img-tpl-")
            atexit.register(shutil.rmtree, _template_root, True)
        d = os.path.join(_template_root, str(len(_templates)))
        os.mkdir(d)
        if setup:
            setup(d)
        _templates[key] = d
    return _templates[key]


def twin_dirs(tmp, setup):
    """Two directories k/ and q/ under tmp with the same input images:
    setup(dir) builds them in k/, then q/ is a copy."""
    src = _template(setup)
    # Both copies made the same way, so that allocation (actual-size,
    # raw map) is identical too.
    for d in ("k", "q"):
        os.mkdir(os.path.join(tmp, d))
        for name in os.listdir(src):
            copy_extents(os.path.join(src, name), os.path.join(tmp, d, name))
    return os.path.join(tmp, "k"), os.path.join(tmp, "q")


def copy_extents(src, dst):
    """Copy a file with exactly its data extents and holes (SEEK_DATA /
    SEEK_HOLE): qcow2 heuristics look at the host allocation, so a copy
    that punches or fills holes would change what both tools print."""
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        size = os.fstat(fi.fileno()).st_size
        pos = 0
        while pos < size:
            try:
                data = os.lseek(fi.fileno(), pos, os.SEEK_DATA)
            except OSError:
                break
            hole = os.lseek(fi.fileno(), data, os.SEEK_HOLE)
            fi.seek(data)
            fo.seek(data)
            left = hole - data
            while left:
                chunk = fi.read(min(left, 1 << 20))
                fo.write(chunk)
                left -= len(chunk)
            pos = hole
        fo.truncate(size)


def read_only(args):
    """Whether a qemu-img command line leaves its images alone."""
    cmd = args[0] if args else ""
    if cmd in ("info", "map", "compare", "measure"):
        return True
    if cmd == "check":
        return not any(a.startswith("-r") for a in args)
    if cmd == "bench":
        return "-w" not in args
    if cmd == "snapshot":
        return "-l" in args and len(args) == 3
    return False


def side_by_side(tmp, args, setup=None, files=()):
    """Run Keel's and QEMU's qemu-img with args on twin copies of the
    inputs; returns ((rc, out, err) of Keel, same of QEMU), normalised, with
    the md5 of each name in files appended to out."""
    if read_only(args):
        # Both run on the very same files: a copy may change the host
        # allocation (fallocated extents), which qcow2 heuristics see.
        kdir = qdir = _template(setup)
        files = ()
    else:
        kdir, qdir = twin_dirs(tmp, setup)
    res = []
    for prog, d in ((KEEL, kdir), (QEMU, qdir)):
        rc, out, err = run(prog, args, d)
        for f in files:
            p = os.path.join(d, f)
            out += f"\n[{f}: " + (file_digest(p) if os.path.exists(p)
                                 else "absent") + "]"
        res.append((rc, normalise(out), normalise(err)))
    return res[0], res[1]


def file_digest(path):
    import hashlib
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def same(tmp, args, setup=None, files=()):
    """Keel and QEMU agree byte for byte (exit status, stdout, stderr)."""
    k, q = side_by_side(tmp, args, setup, files)
    assert k == q, f"qemu-img {' '.join(args)}:\n Keel {k!r}\n QEMU {q!r}"
    return k


def json_agree(kjson, qjson, path="$"):
    """Every field both print agrees (issue 9 (c)); recursive."""
    if isinstance(kjson, dict) and isinstance(qjson, dict):
        for key in kjson.keys() & qjson.keys():
            json_agree(kjson[key], qjson[key], f"{path}.{key}")
        return
    if isinstance(kjson, list) and isinstance(qjson, list):
        assert len(kjson) == len(qjson), f"{path}: {len(kjson)} vs {len(qjson)}"
        for i, (a, b) in enumerate(zip(kjson, qjson)):
            json_agree(a, b, f"{path}[{i}]")
        return
    assert kjson == qjson, f"{path}: Keel {kjson!r}, QEMU {qjson!r}"


def same_json(tmp, args, setup=None, required=()):
    """Both succeed with JSON output that agrees on the common fields, and
    Keel prints every field in required (top level, or of each list item)."""
    k, q = side_by_side(tmp, args, setup)
    assert k[0] == q[0] == 0, f"exit {k[0]}/{q[0]}: {k[2]!r} {q[2]!r}"
    kj, qj = json.loads(k[1]), json.loads(q[1])
    json_agree(kj, qj)
    for item in (kj if isinstance(kj, list) else [kj]):
        for key in required:
            assert key in item, f"Keel's output lacks {key}: {item}"
    return kj, qj


def main(tests):
    """TAP runner: each test gets a fresh temporary directory."""
    print(f"1..{len(tests)}")
    failed = 0
    for n, t in enumerate(tests, 1):
        name = t.__name__[5:]
        tmp = tempfile.mkdtemp(prefix="keel-img-")
        try:
            t(tmp)
            print(f"ok {n} - {name}")
        except Skip as e:
            print(f"ok {n} - {name} # SKIP {e}")
        except Todo as e:
            print(f"not ok {n} - {name} # TODO {e}")
        except Exception as e:  # report and go on with the next test
            failed += 1
            print(f"not ok {n} - {name}")
            for line in repr(e).splitlines():
                print(f"# {line}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        sys.stdout.flush()
    return 1 if failed else 0
