#!/usr/bin/env python3
"""Hostile input: each case gives secr something broken or malicious and checks that it gets a
clear error (exit 1, 2, 3 or 4, a message on stderr, no raw terminal escape, no secret value),
no crash, bounded time (30 s) and memory (1 GiB address space), and that nothing is lost: the
store still reads with its values afterwards, and `git status` shows it unchanged.

Cases needing root (a small tmpfs for a full disk, a read-only mount) are skipped with a note
when not root.

usage: hostile.py SECR_BINARY [--verbose]   (--verbose lists every case handled)
"""
import json, os, pathlib, resource, shutil, subprocess, sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from harness import ENVIRONMENTS, Sandbox

SECR = [a for a in sys.argv[1:] if not a.startswith("--")][0]
results, failures, skipped = [], [], []
ESC = b"\x1b"


def limited():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run(box, *argv, input=None, env=None, timeout=30):
    environment = dict(box.env, **(env or {}))
    try:
        return subprocess.run([box.secr, *argv], cwd=box.repo, env=environment, input=input, capture_output=True,
                              timeout=timeout, preexec_fn=limited)
    except subprocess.TimeoutExpired:
        return None


def intact(box, values, name):
    """The store reads with exactly its values, and git sees nothing changed in it."""
    for env in ENVIRONMENTS:
        code, got = box.pull(env)
        if code != 0 or got != values[env]:
            failures.append(f"{name}: afterwards pull -e {env} gives {code} {str(got)[:200]}")
            return
    status = box.git("status", "--porcelain", "--", ".secr")
    if status.strip():
        failures.append(f"{name}: afterwards git status shows {status.strip()!r}")


def expect_error(name, result, codes=(1, 2, 3, 4), secrets=()):
    if result is None:
        failures.append(f"{name}: did not finish within 30 s")
        return False
    err = result.stderr
    problems = []
    if result.returncode not in codes:
        problems.append(f"exit {result.returncode} (expected one of {codes})")
    if not err.strip().startswith(b"secr: error:") and b'"error"' not in err:
        problems.append("no error message")
    if ESC in err or b"\x9b" in err or ESC in result.stdout:
        problems.append("a raw terminal escape in the output")
    for secret in secrets:
        if secret.encode() in err or secret.encode() in result.stdout:
            problems.append("a secret value in the output")
    if problems:
        failures.append(f"{name}: {'; '.join(problems)}: {err[:300]!r}")
        return False
    results.append(name)
    return True


def next_write_works(box, values, key, label):
    """Once the cause is gone, the next change goes through."""
    result = run(box, "set", f"{key}=after", "-e", "production")
    if result is None or result.returncode != 0:
        failures.append(f"{label}: the next write fails: {result and result.stderr[:300]!r}")
    else:
        values["production"][key] = "after"
        results.append(f"{label}: the next write works once the cause is gone")


def fresh():
    box = Sandbox(SECR, "hostile")
    return box, box.standard_store()


box, values = fresh()
secret = values["production"]["PRO_0"]

# --- imports and values --------------------------------------------------------------------
cases = {
    "import: invalid UTF-8 in a key": b"\xff\xfeKEY=1\n",
    "import: a terminal escape in a key": b"\x1b[2J\x1b]0;owned\x07KEY=1\n",
    "import: a C1 escape and a bidi override in a key": "\u009b31m\u202eKEY=1\n".encode(),
    "import: NUL in a value": b"KEY=a\x00b\n",
    "import: unterminated quote": b"KEY=\"never closed\nOTHER=1\n",
    "import: JSON lone surrogate": b'{"A":"\\ud800\\u0041"}',
    "import: JSON nested object": b'{"A":{"b":1}}',
    "import: JSON trailing garbage": b'{"A":"1"} {"B":"2"}',
    "import: binary garbage": bytes(range(256)) * 64,
    "import: 70 MB file": b"K=" + b"x" * (70 << 20) + b"\n",
}
for name, content in cases.items():
    suffix = ".json" if "JSON" in name else ".env"
    path = box.root / f"input{suffix}"
    path.write_bytes(content)
    expect_error(name, run(box, "import", str(path), "-e", "development"))
    intact(box, values, name)

# 55 MB of values: the environment file would pass 64 MiB (base64), more than readers read.
(box.root / "large.env").write_bytes(b"".join(b"L%d=%s\n" % (i, b"v" * 1_000_000) for i in range(55)))
expect_error("import: values that would make the file larger than readers read", run(box, "import", str(box.root / "large.env"), "-e", "development"))
intact(box, values, "import: a file larger than readers read")

expect_error("import: a path with a terminal escape", run(box, "import", str(box.root / "\x1b[31mred.env"), "-e", "development"))
expect_error("set: a key with a terminal escape", run(box, "set", "\x1b[31mKEY=1", "-e", "development"))
expect_error("set: a value with NUL on stdin", run(box, "set", "KEY", "--stdin", "-e", "development", input=b"a\x00b"))
expect_error("get: an environment named with escapes", run(box, "get", "PRO_0", "-e", "\x1b]0;title\x07prod"))
expect_error("member add: a name with escapes", run(box, "member", "add", "\x1b[2Jmallory", box.keys["dev"][1], "--role", "viewer"))
expect_error("member add: a key that is not one", run(box, "member", "add", "mallory", "secr1notakey", "--role", "viewer"))
expect_error("env add: a name with a slash", run(box, "env", "add", "../../etc"))
expect_error("identity: a file of garbage", run(box, "get", "PRO_0", "-e", "production", env={"SECR_IDENTITY_FILE": str(box.root / "input.env")}))
(box.root / "escaped-identity").write_bytes(b"\x1b[31mAGE-SECRET-KEY\x1b[0m\n")
expect_error("identity: a file with escapes", run(box, "get", "PRO_0", "-e", "production", env={"SECR_IDENTITY_FILE": str(box.root / "escaped-identity")}))
intact(box, values, "names and identities")

# --- store files ---------------------------------------------------------------------------
store = box.repo / ".secr"
originals = {p: p.read_bytes() for p in store.rglob("*") if p.is_file()}


def restore():
    for p, content in originals.items():
        p.write_bytes(content)


file_cases = {
    "roster: empty": (store / "roster", b""),
    "roster: 70 MB": (store / "roster", originals[store / "roster"] + b"x" * (70 << 20)),
    "roster: NUL bytes": (store / "roster", originals[store / "roster"].replace(b"\n", b"\x00", 3)),
    "roster: escapes in a line": (store / "roster", originals[store / "roster"] + b"\x1b[2J\x1b]0;x\x07 member name=\x1b[31m\n"),
    "environment: invalid UTF-8": (store / "env" / "production.secr", originals[store / "env" / "production.secr"] + b"\xff\xfe\n"),
    "environment: a line of 5 MB": (store / "env" / "production.secr", originals[store / "env" / "production.secr"] + b"secret " + b"A" * (5 << 20) + b"\n"),
    "environment: escapes in a key": (store / "env" / "production.secr", originals[store / "env" / "production.secr"].replace(b"PRO_1", b"\x1b[1mX", 1)),
}
for name, (path, content) in file_cases.items():
    path.write_bytes(content)
    for env in ("production", "development"):
        result = run(box, "pull", "-e", env)
        if result is not None and result.returncode == 0 and "roster" not in name and env == "development":
            continue  # an environment file's problem does not stop the others
        expect_error(f"{name} (pull -e {env})", result, codes=(1, 4), secrets=[secret])
    expect_error(f"{name} (verify)", run(box, "verify"), codes=(1, 4), secrets=[secret])
    restore()
intact(box, values, "store files")
os.symlink("/etc/passwd", store / "env" / "evil.secr")
expect_error("environment: a symbolic link", run(box, "pull", "-e", "evil"), codes=(1, 2, 4))
(store / "env" / "evil.secr").unlink()

# --- git in the way --------------------------------------------------------------------------
git_dir = pathlib.Path(box.git("rev-parse", "--absolute-git-dir").strip())
(git_dir / "index.lock").write_bytes(b"")
expect_error("git: a stale index.lock", run(box, "set", "PRO_0=s3cr3t-9f3k2", "-e", "production"), secrets=["s3cr3t-9f3k2"])
intact(box, values, "git: a stale index.lock")
(git_dir / "index.lock").unlink()
(git_dir / "refs" / "heads" / "main.lock").write_bytes(b"")
expect_error("git: a stale branch lock", run(box, "set", "PRO_0=s3cr3t-9f3k2", "-e", "production"), secrets=["s3cr3t-9f3k2"])
intact(box, values, "git: a stale branch lock")
(git_dir / "refs" / "heads" / "main.lock").unlink()
index = (git_dir / "index").read_bytes()
(git_dir / "index").write_bytes(b"DIRC garbage" + bytes(200))
expect_error("git: a corrupt index", run(box, "set", "PRO_0=s3cr3t-9f3k2", "-e", "production"), secrets=["s3cr3t-9f3k2"])
for env in ENVIRONMENTS:
    code, got = box.pull(env)
    if code != 0 or got != values[env]:
        failures.append(f"git: a corrupt index: reads fail too: {code} {str(got)[:200]}")
(git_dir / "index").write_bytes(index)
intact(box, values, "git: a corrupt index")
next_write_works(box, values, "PRO_0", "git")
box.cleanup()

# --- a full disk and a read-only store (root: tmpfs mounts) ------------------------------------
if os.geteuid() != 0 or shutil.which("mount") is None:
    skipped.append("full disk and read-only store: need root for a tmpfs mount")
else:
    box, values = fresh()
    mount = box.root / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        skipped.append("full disk: mount -t tmpfs failed (no privilege in this container)")
    else:
        try:
            shutil.copytree(box.repo, mount / "repo", symlinks=True)
            box.repo = mount / "repo"
            filler = mount / "filler"
            subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)
            big = "y" * 300_000
            result = run(box, "set", "BIG", "--stdin", "-e", "production", input=big.encode())
            expect_error("full disk: set", result, secrets=[big[:64]])
            result = run(box, "member", "remove", "dev")
            expect_error("full disk: member remove (re-keys two environments)", result)
            filler.unlink()
            intact(box, values, "full disk")
            # Free space four pages at a time, so that some attempt runs out in the middle: while
            # the new files are written, or in the commit after they are in place. (A commit cut
            # short can leave a tree object or two that nothing refers to; `git gc` prunes them.)
            fillers = []
            for i in range(100000):
                path = mount / f"fill-{i}"
                if subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=4k", "count=1"], capture_output=True).returncode != 0:
                    path.unlink(missing_ok=True)
                    break
                fillers.append(path)
            _, newcomer = box.keygen("newcomer")
            in_commit = 0
            for label, argv in (("set", ["set", "SWEEP=" + "z" * 6000, "-e", "production"]),
                                ("member add", ["member", "add", "newcomer", newcomer, "--role", "admin"])):
                landed = False
                for step in range(60):
                    for _ in range(4):
                        if fillers:
                            fillers.pop().unlink()
                    result = run(box, *argv)
                    if result is not None and result.returncode == 0:
                        landed = True
                        break
                    if not expect_error(f"full disk, {step} pages free: {label}", result):
                        break
                    last_error = result.stderr.decode(errors="replace").strip()
                    in_commit += "git:" in last_error
                    intact(box, values, f"full disk, {step} pages free: {label}")
                if not landed:
                    failures.append(f"full disk: {label} never landed with 60 pages free: {last_error[:300]}")
                elif label == "set":
                    values["production"]["SWEEP"] = "z" * 6000
                results.append(f"full disk: {label} refused cleanly until it had room, then landed")
            for path in fillers:
                path.unlink()
            intact(box, values, "full disk sweep")
            if not in_commit:
                failures.append("full disk: no attempt ran out of space inside the commit (after the files were in place)")
            results.append(f"full disk: {in_commit} attempts ran out inside the commit and were undone")
            next_write_works(box, values, "AFTER_DISK", "full disk")
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            for env in ENVIRONMENTS:
                code, got = box.pull(env)
                if code != 0 or got != values[env]:
                    failures.append(f"read-only store: pull -e {env} gives {code} {str(got)[:200]}")
            results.append("read-only store: reads work")
            expect_error("read-only store: set", run(box, "set", "RO=1", "-e", "production"))
            expect_error("read-only store: member remove", run(box, "member", "remove", "dev"))
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
            intact(box, values, "read-only store")
        finally:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    box.cleanup()

if "--verbose" in sys.argv:
    for name in results:
        print("ok  ", name)
print(f"hostile: {len(results)} cases handled" + (f"; skipped: {'; '.join(skipped)}" if skipped else ""))
for failure in failures:
    print("FAIL", failure)
print("hostile: ok" if not failures else f"hostile: {len(failures)} failures")
sys.exit(1 if failures else 0)
