"""Shared pieces of the reliability suites: a sandboxed git repository with a secr store of
three environments and three members, run through the real binary.

Every suite drives `secr` as a user (or an attacker) would: processes, files, git. Nothing here
calls secr's library."""
import json, os, pathlib, shutil, subprocess, tempfile

ENVIRONMENTS = ["development", "staging", "production"]


class Sandbox:
    def __init__(self, secr, name="rel"):
        self.secr = str(pathlib.Path(secr).resolve())
        self.root = pathlib.Path(tempfile.mkdtemp(prefix=f"secr-{name}-"))
        self.home = self.root / "home"
        self.repo = self.root / "repo"
        self.home.mkdir()
        self.repo.mkdir()
        self.env = {
            "HOME": str(self.home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1", "SECR_LOCK_TIMEOUT": "20", "TMPDIR": str(self.root / "tmp"),
            "SWIFT_BACKTRACE": "enable=no",
        }
        (self.root / "tmp").mkdir()
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "owner@example.com")
        self.git("config", "user.name", "owner")
        self.keys = {}

    def run(self, *args, input=None, env=None, check=False, timeout=60, identity=None):
        environment = dict(self.env)
        if identity:
            environment["SECR_IDENTITY_FILE"] = str(identity)
        environment.update(env or {})
        result = subprocess.run([self.secr, *args], cwd=self.repo, env=environment, input=input,
                                capture_output=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"secr {' '.join(args)} exited {result.returncode}: {result.stderr.decode(errors='replace')}")
        return result

    def git(self, *args, check=True):
        result = subprocess.run(["git", *args], cwd=self.repo, env=self.env, capture_output=True)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace')}")
        return result.stdout.decode(errors="replace")

    def keygen(self, name):
        path = self.root / f"{name}.key"
        out = self.run("keygen", "--output", str(path), check=True).stdout.decode().strip()
        self.keys[name] = (path, out.split()[-1])
        return path, out.split()[-1]

    def standard_store(self, values=None, members=(("dev", "developer"), ("ops", "admin"))):
        """Owner plus `members`; a few values per environment. Returns {env: {key: value}}."""
        owner_key = self.home / ".config" / "secr" / "identity"
        out = self.run("keygen", check=True).stdout.decode().strip()
        self.keys["owner"] = (owner_key, out.split()[-1])
        self.run("init", "--name", "reliability", check=True)
        for name, role in members:
            _, public = self.keygen(name)
            self.run("member", "add", name, public, "--role", role, check=True)
        values = values or {env: {f"{env.upper()[:3]}_{i}": f"{env}-value-{i}" for i in range(3)} for env in ENVIRONMENTS}
        for env, pairs in values.items():
            for key, value in pairs.items():
                self.run("set", f"{key}={value}", "-e", env, check=True)
        return {env: dict(pairs) for env, pairs in values.items()}

    def pull(self, env, identity=None):
        result = self.run("pull", "-e", env, "--format", "json", identity=identity)
        if result.returncode != 0:
            return result.returncode, result.stderr.decode(errors="replace")
        return 0, json.loads(result.stdout)

    def store_files(self):
        store = self.repo / ".secr"
        return sorted(p for p in store.rglob("*") if p.is_file())

    def temporaries(self):
        return [p for p in self.store_files() if p.name.startswith(".") and ".tmp-" in p.name]

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def finish(suite, box, failures, limit=40):
    """Prints the failures (or ok), keeps the sandbox of a failed run for a look, and exits."""
    import sys
    for failure in failures[:limit]:
        print("FAIL", failure)
    if failures:
        print(f"{suite}: {len(failures)} failures; sandbox kept at {box.root}")
    else:
        box.cleanup()
        print(f"{suite}: ok")
    sys.exit(1 if failures else 0)
