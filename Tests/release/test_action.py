#!/usr/bin/env python3
"""Runs the GitHub Action's step (packaging/action/secr-action.sh) the way the runner does --
its inputs as INPUT_* variables, the identity in SECR_TOKEN, fake $GITHUB_ENV, $GITHUB_OUTPUT,
$GITHUB_PATH and $RUNNER_TEMP, `bash --noprofile --norc -eo pipefail` -- then reads back what it
wrote, with a parser that follows the runner's own (FileCommandManager.SetEnvFileCommand,
ActionCommand.TryParseV2), and checks: every value masked before any other output, the exported
variables exactly right, nothing printed for a denied environment but an error.

usage: test_action.py SECR_BINARY [DIST_DIR]   (DIST_DIR: scripts/release's output, for the download)
"""
import hashlib, os, pathlib, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECR = pathlib.Path(sys.argv[1]).resolve()
DIST = pathlib.Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else None
passed = failed = 0

# Values a careless export would get wrong: line breaks (LF, CRLF, a trailing one), quotes,
# shell syntax, text that looks like a heredoc delimiter or a NAME=VALUE line, escapes the
# runner decodes in commands, and spaces at both ends.
VALUES = {
    "PEM_KEY": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n",
    "CRLF_VALUE": "first line\r\nsecond line",
    "QUOTES": "it's \"quoted\" `and` $(not run) ${HOME}",
    "FAKE_DELIMITER": "start\nEOF\nsecr_00112233445566778899aabbccddeeff\nINJECTED=yes\nOTHER<<EOF\nend",
    "PERCENT": "100%0Adone %25 %",
    "PADDED": "  spaced value  ",
    "UNICODE": "pässwörd-🔑-value",
    "EMPTY": "",
}


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def parse_github_env(text):
    """The runner's SetEnvFileCommand, on Linux: lines end at LF; NAME=VALUE or NAME<<DELIMITER."""
    result, lines, i = {}, text.split("\n"), 0
    if text.endswith("\n"):
        lines = lines[:-1]
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        eq, heredoc = line.find("="), line.find("<<")
        if eq >= 0 and (heredoc < 0 or eq < heredoc):
            name, value = line.split("=", 1)
            result[name] = value
        elif heredoc >= 0:
            name, delimiter = line.split("<<", 1)
            assert name and delimiter, f"bad heredoc line {line!r}"
            value_lines = []
            while True:
                if i >= len(lines):
                    raise ValueError(f"Matching delimiter not found {delimiter!r}")
                if lines[i] == delimiter:
                    i += 1
                    break
                value_lines.append(lines[i])
                i += 1
            result[name] = "\n".join(value_lines)
        else:
            raise ValueError(f"Invalid environment variable format {line!r}")
    return result


def masks_and_output(stdout):
    """Splits stdout as the runner reads it (lines at LF, CR, CRLF) into mask data and the rest."""
    masks, others = [], []
    for line in stdout.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("::add-mask::"):
            data = stripped[len("::add-mask::"):]
            masks.append(data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%"))
        elif line:
            others.append(line)
    return masks, others


def lines_of(value):
    return [l for l in value.replace("\r\n", "\n").replace("\r", "\n").split("\n") if l.strip()]


class World:
    def __init__(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="secr-action-test-"))
        self.home = self.dir / "home"
        self.repo = self.dir / "repo"
        self.home.mkdir()
        self.repo.mkdir()
        self.base_env = {"HOME": str(self.home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                         "GIT_CONFIG_NOSYSTEM": "1"}
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Owner")
        self.git("config", "user.email", "owner@example.invalid")
        self.secr("keygen", "-o", str(self.dir / "owner.key"))
        owner = {"SECR_IDENTITY_FILE": str(self.dir / "owner.key")}
        self.secr("init", "--name", "owner", env=owner)
        self.secr("role", "add", "ci-staging", "--read", "staging", env=owner)
        ci_public = self.secr("keygen", "-o", str(self.dir / "ci.key")).stdout.strip()
        self.secr("member", "add", "ci", ci_public, "--role", "ci-staging", env=owner)
        for key, value in VALUES.items():
            self.secr("set", key, "--stdin", "-e", "staging", input=value + "\n", env=owner)
        self.secr("set", "PROD_ONLY=prod-secret-value", "-e", "production", env=owner)
        self.root_hash = self.secr("pin").stdout.strip()
        self.ci_token = (self.dir / "ci.key").read_text()

    def git(self, *args):
        subprocess.run(["git", *args], cwd=self.repo, env=self.base_env, check=True, capture_output=True)

    def secr(self, *args, input=None, env=None):
        run = subprocess.run([str(SECR), *args], cwd=self.repo, env={**self.base_env, **(env or {})},
                             input=input, capture_output=True, text=True)
        assert run.returncode == 0, f"secr {args}: {run.stderr}"
        return run

    def action(self, **inputs):
        """One step, as the runner runs it; returns (status, stdout, stderr, env file, outputs, path file)."""
        step = pathlib.Path(tempfile.mkdtemp(prefix="step-", dir=self.dir))
        files = {name: step / name for name in ("env", "output", "path")}
        for f in files.values():
            f.write_text("")
        (step / "tmp").mkdir()
        env = {**self.base_env, "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
               "RUNNER_TEMP": str(step / "tmp"), "GITHUB_ENV": str(files["env"]), "GITHUB_OUTPUT": str(files["output"]),
               "GITHUB_PATH": str(files["path"]), "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(self.repo),
               "SECR_ACTION_REPOSITORY": "secr/secr", "SECR_ACTION_REF": "main"}
        for name, value in inputs.items():
            if name == "token":
                env["SECR_TOKEN"] = value
            elif name == "release_base":
                env["SECR_RELEASE_BASE_URL"] = value
            else:
                env["INPUT_" + name.upper()] = value
        run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                              'bash "$GITHUB_ACTION_PATH/packaging/action/secr-action.sh"'],
                             cwd=self.repo, env=env, capture_output=True, text=True)
        # Bytes, not read_text(): universal newlines would turn a value's CRLF into LF.
        read = lambda f: f.read_bytes().decode()
        return run.returncode, run.stdout, run.stderr, read(files["env"]), read(files["output"]), read(files["path"])


def main():
    world = World()
    all_value_lines = {l for v in VALUES.values() for l in lines_of(v)}
    token_line = next(l for l in world.ci_token.splitlines() if l.startswith("SECR-SECRET-KEY-"))

    # Export, pinned.
    status, out, err, env_file, outputs, path = world.action(binary=str(SECR), token=world.ci_token,
                                                             environment="staging", export="true",
                                                             roster_root=world.root_hash)
    check("export succeeds", status == 0, err)
    masks, others = masks_and_output(out)
    first_other = out.split("\n").index(others[0]) if others else len(out)
    mask_block = [l for l in out.split("\n")[:first_other]]
    check("every line of every value is masked", all_value_lines <= set(masks), all_value_lines - set(masks))
    check("the masks come before any other output",
          all(l.lstrip().startswith("::add-mask::") for l in mask_block[:len(masks)])
          and not any(l.lstrip().startswith("::add-mask::") for l in out.split("\n")[len(masks):]), out)
    check("the token is masked first and printed nowhere else",
          masks and masks[0] == token_line and token_line not in "\n".join(others) + err, out)
    leaked = [l for l in all_value_lines if any(l in o for o in others) or l in err]
    check("no value appears in the log outside its mask", not leaked, leaked)
    parsed = parse_github_env(env_file)
    expected = {**VALUES, "SECR_ROSTER_ROOT": world.root_hash}
    check("GITHUB_ENV holds exactly the values, newlines, quotes and delimiter look-alikes included",
          parsed == expected, {k: (parsed.get(k), v) for k, v in expected.items() if parsed.get(k) != v} or set(parsed) - set(expected))
    check("no variable is injected through a value", "INJECTED" not in parsed and "OTHER" not in parsed, parsed.keys())
    delimiters = {l.split("<<", 1)[1] for l in env_file.split("\n") if "<<" in l and l.split("<<", 1)[0] in VALUES}
    check("the delimiter is random and long", len(delimiters) == 1 and len(next(iter(delimiters))) >= 32, delimiters)
    check("outputs name the binary and the keys",
          f"secr={world.dir}" in outputs and "keys=" + " ".join(sorted(VALUES)) in outputs, outputs)
    check("the binary's directory is added to PATH", path.strip().endswith("secr-bin"), path)
    check("no warning when the roster root is pinned", "::warning" not in out, out)
    status2, _, _, env_file2, _, _ = world.action(binary=str(SECR), token=world.ci_token, environment="staging",
                                                  export="true", roster_root=world.root_hash)
    d2 = {l.split("<<", 1)[1] for l in env_file2.split("\n") if l.startswith("PEM_KEY<<")}
    check("each run draws a new delimiter", status2 == 0 and d2 and d2 != delimiters, (d2, delimiters))

    # A denied environment: a clear error, no values, no masks of values, nothing exported.
    status, out, err, env_file, outputs, _ = world.action(binary=str(SECR), token=world.ci_token,
                                                          environment="production", export="true",
                                                          roster_root=world.root_hash)
    masks, others = masks_and_output(out)
    check("a denied environment fails with secr's access status", status == 3, (status, out, err))
    check("its error says what happened", any(o.startswith("::error title=secr::cannot read the production environment") and "role" in o for o in others), out)
    check("nothing of production is printed or exported",
          "prod-secret-value" not in out + err + env_file and masks == [token_line] and "PROD_ONLY" not in env_file, (out, env_file))
    check("no keys output after a denial", "keys=" not in outputs, outputs)

    # A wrong token cannot read either.
    stranger = subprocess.run([str(SECR), "keygen", "-o", str(world.dir / "stranger.key")], env=world.base_env, capture_output=True)
    status, out, _, env_file, _, _ = world.action(binary=str(SECR), token=(world.dir / "stranger.key").read_text(),
                                                  environment="staging", export="true", roster_root=world.root_hash)
    check("a non-member's token is refused", status == 3 and "PEM_KEY" not in env_file and "::error" in out, out)

    # The roster root: a loud warning without it, a refusal with a wrong one.
    status, out, _, _, _, _ = world.action(binary=str(SECR), verify="true")
    check("verify without a token passes", status == 0, out)
    check("a missing roster-root is warned about", "::warning title=secr::roster-root is not set" in out, out)
    status, out, err, _, _, _ = world.action(binary=str(SECR), verify="true", roster_root="A" * 43)
    check("a wrong roster-root fails the step", status == 4, (status, out, err))

    # run: masked before the command, which gets the values, and whose stdout is its own.
    status, out, err, env_file, _, _ = world.action(
        binary=str(SECR), token=world.ci_token, environment="staging", roster_root=world.root_hash,
        run='printf "%s" "$PEM_KEY" > "$RUNNER_TEMP/pem"; echo "token:${SECR_TOKEN:-gone}"; echo "value:$PADDED"')
    masks, others = masks_and_output(out)
    check("run succeeds", status == 0, err)
    check("run masks every value before the command prints", all_value_lines <= set(masks)
          and out.index("value:") > out.rindex("::add-mask::"), out)
    check("the command does not get the token", "token:gone" in out, out)
    pem = next(pathlib.Path(world.dir).glob("step-*/tmp/pem")).read_bytes().decode() if list(world.dir.glob("step-*/tmp/pem")) else None
    check("the command gets exact values", pem == VALUES["PEM_KEY"], repr(pem))
    check("run exports nothing", parse_github_env(env_file) == {"SECR_ROSTER_ROOT": world.root_hash}, env_file)
    status, out, _, _, _, _ = world.action(binary=str(SECR), token=world.ci_token, environment="staging",
                                           roster_root=world.root_hash, run="exit 7")
    check("the command's exit status is the step's", status == 7, status)

    # Installing a release: checked against SHA256SUMS.
    if DIST:
        status, out, err, _, outputs, _ = world.action(release_base=DIST.as_uri(), version=version_of(DIST), verify="true",
                                                       roster_root=world.root_hash)
        check("a release is downloaded, checked and used", status == 0 and "secr: using secr " in out, (out, err))
        tampered = pathlib.Path(tempfile.mkdtemp(dir=world.dir))
        for f in DIST.iterdir():
            shutil.copy(f, tampered / f.name)
        binary = next(tampered.glob("secr-*-linux-x86_64"))
        binary.write_bytes(binary.read_bytes() + b"\0")
        status, out, _, _, _, _ = world.action(release_base=tampered.as_uri(), version=version_of(DIST), verify="true")
        check("a binary that does not match SHA256SUMS is refused", status == 1 and "does not match its checksum" in out, out)
    status, out, _, _, _, _ = world.action(verify="true")
    check("without a version or a release tag the step says which input to give", status == 1 and "version: 0.2.0" in out, out)

    shutil.rmtree(world.dir, ignore_errors=True)
    print(f"action: {passed} passed, {failed} failed")
    return 1 if failed else 0


def version_of(dist):
    return next(dist.glob("secr-*-linux-x86_64")).name.split("-")[1]


if __name__ == "__main__":
    sys.exit(main())
