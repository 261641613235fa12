#!/usr/bin/env python3
"""Crash test: SIGKILL secr at random moments during set, unset, rotate, member add, member
remove, import and edit, then check what a user would find:

- every key of every environment holds its value from before the killed command or the one
  the command was writing (never a third value, never a key lost);
- the next command works without a manual step (a read first, then a write);
- no temporary file is left in the store after that write, no plaintext left by `secr edit`,
  `git status` shows the store clean, and `git fsck` is clean at the end.

usage: crash.py SECR_BINARY [--kills N] [--seed S]     (the quick CI variant: --kills 60)
"""
import argparse, os, pathlib, random, signal, statistics, subprocess, sys, time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from harness import ENVIRONMENTS, Sandbox, finish

parser = argparse.ArgumentParser()
parser.add_argument("secr")
parser.add_argument("--kills", type=int, default=300)
parser.add_argument("--seed", type=int, default=int(time.time()))
args = parser.parse_args()
rng = random.Random(args.seed)

box = Sandbox(args.secr, "crash")
state = box.standard_store()
for i in range(3):
    box.keygen(f"temp{i}")
editor = box.root / "editor.sh"
# The editor appends one assignment (given in $EDIT_LINE) to the file secr opened.
editor.write_text('#!/bin/sh\nprintf "%s\\n" "$EDIT_LINE" >> "$1"\n')
editor.chmod(0o755)
shm_before = set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()
failures, kills, landed, undone = [], 0, 0, 0
members = {"dev", "ops"}
counter = 0


def operation():
    """A random change: (argv, extra env, {env: {key: new value or None}})."""
    global counter
    counter += 1
    kind = rng.choice(["set", "set", "unset", "rotate", "member", "member", "import", "edit"])
    env = rng.choice(ENVIRONMENTS)
    if kind == "set":
        key = rng.choice(list(state[env]) + [f"NEW_{counter}"])
        return ["set", f"{key}=v{counter}", "-e", env], {}, {env: {key: f"v{counter}"}}
    if kind == "unset" and state[env]:
        key = rng.choice(sorted(state[env]))
        return ["unset", key, "-e", env], {}, {env: {key: None}}
    if kind == "rotate":
        return ["rotate", "-e", env], {}, {}
    if kind == "import":
        path = box.root / f"import-{counter}.env"
        pairs = {f"IMP_{counter}_{i}": f"imported-{counter}-{i}" for i in range(rng.randint(1, 30))}
        path.write_text("".join(f"{k}={v}\n" for k, v in pairs.items()))
        return ["import", str(path), "-e", env], {}, {env: dict(pairs)}
    if kind == "edit":
        key = f"EDITED_{counter}"
        return ["edit", "-e", "development"], {"SECR_EDITOR": str(editor), "EDIT_LINE": f"{key}=e{counter}"}, \
            {"development": {key: f"e{counter}"}}
    free = sorted(f"temp{i}" for i in range(3) if f"temp{i}" not in members)
    if free and (rng.random() < 0.5 or not (members - {"dev", "ops"})):
        name = free[0]
        return ["member", "add", name, box.keys[name][1], "--role", rng.choice(["viewer", "developer", "admin"])], {}, {}
    name = sorted(members - {"dev", "ops"})[0]
    return ["member", "remove", name], {}, {}


def observe():
    seen = {}
    for env in ENVIRONMENTS:
        code, values = box.pull(env)
        if code != 0:
            return None, f"pull -e {env} exited {code}: {values.strip()}"
        seen[env] = values
    return seen, None


durations = {}
for _ in range(args.kills):
    argv, extra, intended = operation()
    name = argv[0] if argv[0] != "member" else " ".join(argv[:2])
    # Kill at a moment drawn from the command's own duration (a little past it too).
    # Until a command has run to the end twice, let it (that measures it); then one in eight.
    known = durations.get(name, [])
    typical = statistics.median(known) if known else 0
    delay = rng.uniform(0, typical * 1.3) if len(known) >= 2 and rng.random() > 0.125 else 60
    env = dict(box.env, **extra)
    started = time.monotonic()
    process = subprocess.Popen([box.secr, *argv], cwd=box.repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        process.wait(timeout=delay)
        finished = True
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        finished = False
        kills += 1
    if finished:
        durations.setdefault(name, []).append(time.monotonic() - started)
    error = process.stderr.read().decode(errors="replace")
    if finished and process.returncode != 0 and "is not set" not in error:
        failures.append(f"{' '.join(argv)} (not killed) exited {process.returncode}: {error.strip()}")
        break
    # A read comes first, as it would for a user: it must work and see old or new values.
    seen, problem = observe()
    if problem:
        failures.append(f"after killing `{' '.join(argv)}` at {delay * 1000:.1f} ms: {problem}")
        break
    for env_name in ENVIRONMENTS:
        for key in set(state[env_name]) | set(seen[env_name]) | set(intended.get(env_name, {})):
            old, new, now = state[env_name].get(key), intended.get(env_name, {}).get(key, state[env_name].get(key)), seen[env_name].get(key)
            if now != old and now != new:
                failures.append(f"after killing `{' '.join(argv)}`: {env_name} {key} is {now!r}, neither {old!r} nor {new!r}")
    changed = any(seen[e] != state[e] for e in ENVIRONMENTS)
    landed += changed
    undone += not changed and not finished
    state = seen
    if argv[:2] == ["member", "add"] or argv[:2] == ["member", "remove"]:
        roster = box.run("member", "list", "--json").stdout.decode()
        members = {m for m in ["dev", "ops", "temp0", "temp1", "temp2"] if f'"{m}"' in roster}
    # Then a write: it must work without a manual step, and leave no temporary file.
    probe = box.run("set", f"PROBE=p{counter}", "-e", "development")
    if probe.returncode != 0:
        failures.append(f"after killing `{' '.join(argv)}`: the next write failed: {probe.stderr.decode(errors='replace').strip()}")
        break
    state["development"]["PROBE"] = f"p{counter}"
    if box.temporaries():
        failures.append(f"after killing `{' '.join(argv)}`: temporary files left: {[p.name for p in box.temporaries()]}")
    status = box.git("status", "--porcelain", "--", ".secr")
    if status.strip():
        failures.append(f"after killing `{' '.join(argv)}`: git status shows {status.strip()!r}")
    if failures:
        break

fsck = subprocess.run(["git", "fsck", "--no-progress"], cwd=box.repo, env=box.env, capture_output=True, text=True)
if fsck.returncode != 0 or "error" in fsck.stdout + fsck.stderr:
    failures.append(f"git fsck: {fsck.stdout}{fsck.stderr}")
verify = box.run("verify", "--history")
if verify.returncode != 0:
    failures.append(f"verify --history exited {verify.returncode}: {verify.stderr.decode(errors='replace')}")
left = [n for n in (set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()) - shm_before if n.startswith("secr-edit-")]
left += [n for n in os.listdir(box.root / "tmp") if n.startswith("secr-edit-")]
# A killed edit's plaintext is removed by the next edit (or write); run one to settle.
box.run("edit", "-e", "development", env={"SECR_EDITOR": "true"})
left = [n for n in left if os.path.exists(f"/dev/shm/{n}") or os.path.exists(box.root / "tmp" / n)]
if left:
    failures.append(f"plaintext left by killed edits: {left}")

print(f"crash: seed {args.seed}: {kills} kills in {args.kills} commands; {landed} changes stood, {undone} killed changes left no trace")
finish("crash", box, failures)
