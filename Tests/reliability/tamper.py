#!/usr/bin/env python3
"""Tamper matrix: a store of three environments and three members (owner, admin, developer),
read by every member that may read each environment, after one mutation of one file at a time:

- every line deleted, duplicated, swapped with the next, and the file cut after it;
- bytes changed, inserted and deleted (every byte with --every-byte, else a stated sample).

Each outcome must be the original values, or exit 1 or 4 with a message: never a different
value, a crash, a hang, or keys silently lost. The clone has read everything before (so it has
seen every key's version, the situation of a teammate's clone); how far a fresh clone can tell
is in docs/THREAT-MODEL.md.

usage: tamper.py SECR_BINARY [--every-byte] [--sample N] [--seed S]
"""
import argparse, json, pathlib, random, shutil, subprocess, sys, time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from harness import ENVIRONMENTS, Sandbox, finish

parser = argparse.ArgumentParser()
parser.add_argument("secr")
parser.add_argument("--every-byte", action="store_true")
parser.add_argument("--sample", type=int, default=24, help="byte mutations per file (without --every-byte)")
parser.add_argument("--seed", type=int, default=int(time.time()))
args = parser.parse_args()
rng = random.Random(args.seed)

box = Sandbox(args.secr, "tamper")
values = box.standard_store()
# An environment added later (an env-add entry in the middle of the roster): a roster cut back
# to before it must read as tampering (exit 4), not as "no such environment" (exit 2).
box.run("env", "add", "qa", "--like", "staging", check=True)
box.run("set", "QA_0=qa-value", "-e", "qa", check=True)
values["qa"] = {"QA_0": "qa-value"}
ALL = ENVIRONMENTS + ["qa"]
readers = {"owner": ALL, "ops": ALL, "dev": ["development", "staging", "qa"]}
identity = {name: box.keys[name][0] for name in readers}
git_dir = pathlib.Path(box.git("rev-parse", "--absolute-git-dir").strip())
# Every member reads everything once: the clone has now seen every key.
for name, envs in readers.items():
    for env in envs:
        code, got = box.pull(env, identity=identity[name])
        assert code == 0 and got == values[env], (name, env, got)
state_snapshot = box.root / "clone-state"
shutil.copytree(git_dir / "secr", state_snapshot)
files = {path: path.read_bytes() for path in box.store_files() if not path.name.startswith(".")}
failures, outcomes = [], {"same": 0, "refused": 0}


def restore():
    for path, content in files.items():
        path.write_bytes(content)
    shutil.rmtree(git_dir / "secr")
    shutil.copytree(state_snapshot, git_dir / "secr")


def has_message(error):
    """An error as secr prints one: a line, or with --format json an object with a message."""
    if error.startswith("secr: error:"):
        return True
    try:
        return bool(json.loads(error)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return False


def judge(description, path):
    envs = ALL if path.name == "roster" else [path.name.removesuffix(".secr")]
    for name, readable in readers.items():
        for env in envs:
            if env not in readable:
                continue
            try:
                result = box.run("pull", "-e", env, "--format", "json", identity=identity[name], timeout=20)
            except subprocess.TimeoutExpired:
                failures.append(f"{description}: pull -e {env} as {name} hung")
                continue
            error = result.stderr.decode(errors="replace").strip()
            if result.returncode == 0:
                got = json.loads(result.stdout)
                if got == values[env]:
                    outcomes["same"] += 1
                else:
                    lost = sorted(set(values[env]) - set(got))
                    changed = sorted(k for k in got if values[env].get(k) != got[k])
                    failures.append(f"{description}: pull -e {env} as {name} exited 0 with "
                                    + (f"keys lost {lost}" if lost else "") + (f" values changed {changed}" if changed else ""))
            elif result.returncode in (1, 4) and has_message(error) and "\x1b" not in error:
                outcomes["refused"] += 1
            else:
                failures.append(f"{description}: pull -e {env} as {name} exited {result.returncode}: {error[:300]!r}")


mutations = 0
for path, content in files.items():
    label = path.relative_to(box.repo)
    lines = content.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    variants = []
    for i in range(len(lines)):
        variants.append((f"{label}: line {i + 1} deleted", lines[:i] + lines[i + 1:]))
        variants.append((f"{label}: line {i + 1} duplicated", lines[:i + 1] + lines[i:]))
        if i + 1 < len(lines):
            variants.append((f"{label}: lines {i + 1} and {i + 2} swapped", lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2:]))
        variants.append((f"{label}: cut after line {i + 1}", lines[:i + 1]))
    for description, mutated in variants:
        restore()
        path.write_bytes(b"\n".join(mutated) + (b"\n" if mutated else b""))
        judge(description, path)
        mutations += 1
    positions = range(len(content)) if args.every_byte else rng.sample(range(len(content)), min(args.sample, len(content)))
    for position in positions:
        kind = rng.choice(["change", "insert", "delete"]) if not args.every_byte else "change"
        if kind == "change":
            mutated = content[:position] + bytes([content[position] ^ (1 << rng.randrange(8))]) + content[position + 1:]
        elif kind == "insert":
            mutated = content[:position] + bytes([rng.randrange(256)]) + content[position:]
        else:
            mutated = content[:position] + content[position + 1:]
        restore()
        path.write_bytes(mutated)
        judge(f"{label}: byte {position} {kind}d", path)
        mutations += 1
    if failures:
        break

restore()
print(f"tamper: seed {args.seed}: {mutations} mutations of {len(files)} files, {outcomes['same'] + outcomes['refused']} reads: "
      f"{outcomes['same']} gave the original values, {outcomes['refused']} refused")
finish("tamper", box, failures)
