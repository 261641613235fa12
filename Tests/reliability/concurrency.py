#!/usr/bin/env python3
"""Concurrency test: N processes at once mixing `set`, `member add`/`member remove` (re-keying
every environment the member reads), `pull`, `run -- true` and `verify`.

Passes when every write lands (or fails with secr's "locked" error after its bounded wait,
counted), every value a write reported as set is there at the end, every membership change
stands, and no reader ever fails: a reader sees the store before a change or after it.

usage: concurrency.py SECR_BINARY [--processes 16] [--rounds 12] [--seed S]
"""
import argparse, json, pathlib, random, subprocess, sys, threading, time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from harness import ENVIRONMENTS, Sandbox, finish

parser = argparse.ArgumentParser()
parser.add_argument("secr")
parser.add_argument("--processes", type=int, default=16)
parser.add_argument("--rounds", type=int, default=12)
parser.add_argument("--seed", type=int, default=int(time.time()))
args = parser.parse_args()

box = Sandbox(args.secr, "concurrency")
box.standard_store()
for i in range(args.processes):
    box.keygen(f"m{i}")
lock = threading.Lock()
written, members, failures = {}, {}, []
counts = {"write": 0, "locked": 0, "read": 0}


def worker(index):
    rng = random.Random(args.seed * 1000 + index)
    for round in range(args.rounds):
        kind = rng.choice(["set", "set", "member", "pull", "pull", "run", "verify"])
        env = rng.choice(ENVIRONMENTS)
        if kind == "set":
            key, value = f"K{index}_{rng.randint(0, 3)}", f"w{index}-{round}"
            result = box.run("set", f"{key}={value}", "-e", env)
        elif kind == "member":
            name = f"m{index}"
            argv = ["member", "remove", name] if members.get(name) else \
                ["member", "add", name, box.keys[name][1], "--role", rng.choice(["viewer", "developer", "admin"])]
            result = box.run(*argv)
        elif kind == "pull":
            result = box.run("pull", "-e", env, "--format", "json")
        elif kind == "run":
            result = box.run("run", "-e", env, "--", "true")
        else:
            result = box.run("verify")
        error = result.stderr.decode(errors="replace").strip()
        with lock:
            if kind in ("set", "member"):
                if result.returncode == 0:
                    counts["write"] += 1
                    if kind == "set":
                        written[(env, key)] = value
                    else:
                        members[f"m{index}"] = argv[1] == "add"
                elif "is locked by" in error:
                    counts["locked"] += 1
                else:
                    failures.append(f"process {index}: {kind} exited {result.returncode}: {error}")
            else:
                counts["read"] += 1
                if result.returncode != 0:
                    failures.append(f"process {index}: {kind} -e {env} exited {result.returncode}: {error}")


threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.processes)]
started = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - started

for env in ENVIRONMENTS:
    code, values = box.pull(env)
    if code != 0:
        failures.append(f"final pull -e {env} exited {code}: {values}")
        continue
    for (e, key), value in written.items():
        if e == env and values.get(key) != value:
            failures.append(f"{env} {key} is {values.get(key)!r}, but the last write that succeeded set {value!r}")
roster = json.loads(box.run("member", "list", "--json", check=True).stdout)
names = {m["name"] for m in (roster["members"] if isinstance(roster, dict) else roster)}
for name, present in members.items():
    if (name in names) != present:
        failures.append(f"member {name} should be {'present' if present else 'absent'}")
if box.git("status", "--porcelain", "--", ".secr").strip():
    failures.append("git status shows the store changed: " + box.git("status", "--porcelain", "--", ".secr"))

print(f"concurrency: {args.processes} processes x {args.rounds} rounds in {elapsed:.1f} s: "
      f"{counts['write']} writes landed, {counts['locked']} refused as locked, {counts['read']} reads")
finish("concurrency", box, failures)
