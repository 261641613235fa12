#!/usr/bin/env python3
"""An independent secr reader, written from docs/FORMAT.md alone (PyNaCl, no secr code).

usage: SECR_IDENTITY="$(cat identity)" secr_reference.py STORE_DIR ENVIRONMENT
Prints the environment's values as a JSON object. Exit 4 on any integrity failure, 3 when the
identity may not read the environment. Used by the tests to show the spec is sufficient.
"""
import base64
import hashlib
import json
import os
import re
import struct
import sys

import nacl.bindings as b
import nacl.exceptions


class Integrity(Exception):
    pass


class Denied(Exception):
    pass


# --- §1 conventions -------------------------------------------------------------------------

def lp(data):
    if isinstance(data, str):
        data = data.encode()
    return struct.pack(">I", len(data)) + data


def enc(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def H(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def b64(text, size=None):
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise Integrity("bad base64url: " + text[:20])
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != text:
        raise Integrity("non-canonical base64url")
    if size is not None and len(raw) != size:
        raise Integrity("wrong length")
    return raw


TOKEN = re.compile(r"[\x21-\x7e]+")
NAME = re.compile(r"[a-z][a-z0-9-]*")


def parse_line(text, layout):
    tokens = text.split(" ")
    kind = tokens[0]
    if not NAME.fullmatch(kind):
        raise Integrity("bad kind")
    fields = []
    for token in tokens[1:]:
        name, sep, value = token.partition("=")
        if not sep or not NAME.fullmatch(name) or not value or not TOKEN.fullmatch(value):
            raise Integrity("bad field: " + token[:20])
        fields.append((name, value))
    expected = layout[kind]
    names = [n for n, _ in fields]
    required = [n for n, req in expected if req]
    if [n for n, _ in expected if n in names] != names or any(r not in names for r in required):
        raise Integrity("fields of %s out of order or missing" % kind)
    return kind, fields


def signed_message(domain, context, kind, fields, excluded):
    out = lp(domain)
    for n, v in context:
        out += lp(n) + lp(v)
    out += lp(kind)
    for n, v in fields:
        if n not in excluded:
            out += lp(n) + lp(v)
    return out


def verify(public_key, signature, message):
    try:
        b.crypto_sign_open(signature + message, public_key)
    except nacl.exceptions.BadSignatureError:
        raise Integrity("bad signature")


# --- §2 identities (bech32) -----------------------------------------------------------------

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_decode(text):
    lower = text.lower()
    if text != lower and text != text.upper():
        raise Integrity("mixed case")
    pos = lower.rfind("1")
    hrp, data = lower[:pos], [CHARSET.index(c) for c in lower[pos + 1:]]
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    if chk != 1:
        raise Integrity("bad checksum")
    acc, bits, out = 0, 0, []
    for v in data[:-6]:
        acc, bits = (acc << 5) | v, bits + 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 255)
    return hrp, bytes(out)


def public_key(text):
    hrp, data = bech32_decode(text)
    if hrp != "secr" or len(data) != 32:
        raise Integrity("not a secr public key")
    return data


# --- §3 roster ------------------------------------------------------------------------------

ROSTER_LAYOUT = {
    kind: [(n, True) for n in fields.split()] for kind, fields in {
        "genesis": "seq project name member key time by sig",
        "env-add": "seq env access prev time by sig",
        "env-remove": "seq env prev time by sig",
        "env-key": "seq env gen pk readers prev time by sig",
        "member-add": "seq member key role prev time by sig",
        "member-remove": "seq member keep exposed prev time by sig",
        "member-role": "seq member role keep exposed prev time by sig",
        "role-add": "seq role manage access prev time by sig",
        "role-remove": "seq role prev time by sig",
        "policy-add": "seq never-promote prev time by sig",
        "policy-remove": "seq never-promote prev time by sig",
        "inject-allow": "seq name prev time by sig",
        "inject-revoke": "seq name prev time by sig",
        "member-key": "seq member key keep exposed prev time by sig",
        "exposure-ack": "seq env key reason prev time by sig",
    }.items()
}
LEVEL = {"none": 0, "members": 1, "all": 2}
BUILT_IN = {"viewer": "none", "developer": "none", "admin": "members", "owner": "all"}


def items(text):
    return [] if text == "-" else text.split(",")


def reader_set_hash(state, env):
    """FORMAT.md §3: H(lp("secr-v2 reader set") ‖ lp(sum)), sum = Σ H(lp("secr-v2 reader") ‖
    lp(name) ‖ lp(key text)) over the environment's readers, little-endian modulo 2^256."""
    total = 0
    for name, (key, role) in state["members"].items():
        if "r" in state["roles"][role][1].get(env, ""):
            digest = H(lp("secr-v2 reader") + lp(name) + lp(state["member_keys"][name]))
            total = (total + int.from_bytes(digest, "little")) % (1 << 256)
    return H(lp("secr-v2 reader set") + lp(total.to_bytes(32, "little")))


def load_roster(text):
    lines = text.split("\n")
    if lines[0] != "secr-roster v2" or lines[-1] != "":
        raise Integrity("roster header")
    state = {"members": {}, "member_keys": {}, "roles": {r: [m, {}] for r, m in BUILT_IN.items()}, "envs": [],
             "kept": set(), "keys": {}, "inject": set(), "ever": {}}
    prev = None

    def check_lists(f, role):
        keep, exposed = items(f["keep"]), items(f["exposed"])
        if len(keep) > 100000 or len(exposed) > 100000:
            raise Integrity("list too long")
        perms = state["roles"][role][1]
        for item in keep:
            if "w" not in perms.get(item.split("/", 1)[0], ""):
                raise Integrity("keep item outside what the member could write")
        for item in exposed:
            if "r" not in perms.get(item.split("/", 1)[0], ""):
                raise Integrity("exposed item outside what the member could read")

    for seq, line in enumerate(lines[1:-1]):
        kind, fields = parse_line(line, ROSTER_LAYOUT)
        f = dict(fields)
        if f["seq"] != str(seq):
            raise Integrity("seq")
        if (kind == "genesis") != (seq == 0):
            raise Integrity("genesis position")
        if seq > 0 and b64(f["prev"], 32) != prev:
            raise Integrity("prev hash")
        signer = public_key(f["by"])
        verify(signer, b64(f["sig"], 64), signed_message("secr-v1 roster entry", [], kind, fields, {"sig"}))
        prev = H(lp("secr-v1 roster hash") + lp(line))
        members, roles = state["members"], state["roles"]
        if kind == "genesis":
            if f["by"] != f["key"]:
                raise Integrity("genesis signer")
            state["project"] = f["project"]
            members[f["member"]] = (public_key(f["key"]), "owner")
            state["member_keys"][f["member"]] = f["key"]
            state["ever"][public_key(f["key"])] = f["member"]
            continue
        actor = [r for k, r in members.values() if k == signer]
        actor_name = next((n for n, (k, _) in members.items() if k == signer), None)
        if not actor:
            raise Integrity("signer is not a member")
        level = LEVEL[roles[actor[0]][0]]

        def need(n):
            if level < n:
                raise Integrity("%s needs a higher manage level" % kind)

        def is_owner(role):
            return roles[role][0] == "all"

        if kind == "env-add":
            need(1)
            if f["env"] in state["envs"]:
                raise Integrity("env exists")
            state["envs"].append(f["env"])
            for item in items(f["access"]):
                role, perm = item.split(":")
                roles[role][1][f["env"]] = perm
        elif kind == "env-remove":
            need(2)
            state["envs"].remove(f["env"])
            state["keys"].pop(f["env"], None)
            for role in roles.values():
                role[1].pop(f["env"], None)
        elif kind == "env-key":
            if f["env"] not in state["envs"] or "r" not in roles[actor[0]][1].get(f["env"], ""):
                raise Integrity("env-key by a non-reader")
            gen = int(f["gen"])
            current = state["keys"].get(f["env"])
            if gen < 1 or (current is not None and gen != current[0] + 1):
                raise Integrity("env-key generation")
            if b64(f["readers"], 32) != reader_set_hash(state, f["env"]):
                raise Integrity("env-key reader set")
            state["keys"][f["env"]] = (gen, b64(f["pk"], 32))
        elif kind == "member-add":
            need(1)
            if is_owner(f["role"]):
                need(2)
            if f["member"] in members or any(k == public_key(f["key"]) for k, _ in members.values()):
                raise Integrity("member exists")
            if state["ever"].get(public_key(f["key"]), f["member"]) != f["member"]:
                raise Integrity("member-add: the key was another member's")
            members[f["member"]] = (public_key(f["key"]), f["role"])
            state["member_keys"][f["member"]] = f["key"]
            state["ever"][public_key(f["key"])] = f["member"]
        elif kind in ("member-remove", "member-role"):
            need(1)
            key, old = members[f["member"]]
            check_lists(f, old)
            owners = [n for n, (_, r) in members.items() if is_owner(r)]
            new = f.get("role")
            if is_owner(old) or (new and is_owner(new)):
                need(2)
            if is_owner(old) and not (new and is_owner(new)) and len(owners) < 2:
                raise Integrity("last owner")
            if new:
                members[f["member"]] = (key, new)
            else:
                del members[f["member"]]
                del state["member_keys"][f["member"]]
            state["kept"].update((key, item) for item in items(f["keep"]))
        elif kind == "member-key":
            key, role = members[f["member"]]
            if actor_name == f["member"]:
                raise Integrity("member-key: nobody replaces their own key")
            need(1)
            if is_owner(role):
                need(2)
            new = public_key(f["key"])
            if new in state["ever"]:
                raise Integrity("member-key: the key was a member's before")
            check_lists(f, role)
            members[f["member"]] = (new, role)
            state["member_keys"][f["member"]] = f["key"]
            state["ever"][new] = f["member"]
            state["kept"].update((key, item) for item in items(f["keep"]))
        elif kind == "exposure-ack":
            need(1)
            if f["env"] not in state["envs"] or "w" not in roles[actor[0]][1].get(f["env"], ""):
                raise Integrity("exposure-ack by a non-writer")
            reason = b64(f["reason"])
            if not reason or len(reason) > 500:
                raise Integrity("exposure-ack reason")
        elif kind == "role-add":
            need(2)
            roles[f["role"]] = [f["manage"], {e: p for e, p in (i.split(":") for i in items(f["access"]))}]
        elif kind in ("policy-add", "policy-remove"):
            need(1)
        elif kind == "inject-allow":
            need(2)
            if f["name"].upper().startswith("SECR_") or f["name"] in state["inject"]:
                raise Integrity("inject-allow")
            state["inject"].add(f["name"])
        elif kind == "inject-revoke":
            need(2)
            state["inject"].remove(f["name"])
        elif kind == "role-remove":
            need(2)
            if f["role"] in BUILT_IN or any(r == f["role"] for _, r in members.values()):
                raise Integrity("role in use or built in")
            del roles[f["role"]]
    return state


def permission(state, key, env):
    for name, (k, role) in state["members"].items():
        if k == key:
            return name, state["roles"][role][1].get(env, "")
    return None, ""


# --- §4 environment files -------------------------------------------------------------------

ENV_LAYOUT = {
    "header": [(n, True) for n in "env project gen pk time by sig".split()],
    "reader": [(n, True) for n in "name key box".split()],
    "secret": [("key", True), ("v", True), ("prev", True), ("from", False), ("time", True), ("by", True),
               ("kc", True), ("nonce", True), ("ct", True), ("vk", True), ("sig", True)],
    "deleted": [(n, True) for n in "key v prev time by sig".split()],
}


def read_environment(state, env, text, seed):
    lines = text.split("\n")
    if lines[0] != "secr-env v1" or lines[-1] != "":
        raise Integrity("env magic")
    kind, header = parse_line(lines[1], ENV_LAYOUT)
    h = dict(header)
    if kind != "header" or h["env"] != env or h["project"] != state["project"]:
        raise Integrity("header")
    signer = public_key(h["by"])
    verify(signer, b64(h["sig"], 64), signed_message("secr-v1 env header", [], kind, header, {"sig"}))
    if "r" not in permission(state, signer, env)[1]:
        raise Integrity("header signer is not a reader")
    env_pk = b64(h["pk"], 32)
    # §4 freshness: the header must be the current key the roster names.
    if state["keys"].get(env) != (int(h["gen"]), env_pk):
        raise Integrity("header is not the roster's current key")

    me_pk, me_sk = b.crypto_sign_seed_keypair(seed)
    my_box_pk = b.crypto_sign_ed25519_pk_to_curve25519(me_pk)
    my_box_sk = b.crypto_sign_ed25519_sk_to_curve25519(me_sk)
    env_sk = None
    records = []
    for line in lines[2:-1]:
        kind, fields = parse_line(line, ENV_LAYOUT)
        f = dict(fields)
        if kind == "reader":
            key = public_key(f["key"])
            name, perm = permission(state, key, env)
            if name != f["name"] or "r" not in perm:
                raise Integrity("reader line for a non-reader")
            if key == me_pk:
                try:
                    env_sk = b.crypto_box_seal_open(b64(f["box"], 80), my_box_pk, my_box_sk)
                except nacl.exceptions.CryptoError:
                    raise Integrity("own reader line does not open")
                if b.crypto_scalarmult_base(env_sk) != env_pk:
                    raise Integrity("environment key does not match header")
        elif kind in ("secret", "deleted"):
            records.append((kind, fields))
        else:
            raise Integrity("unknown line kind")
    if permission(state, me_pk, env)[0] is None or "r" not in permission(state, me_pk, env)[1]:
        raise Denied()
    if env_sk is None:
        raise Integrity("no reader line for me")

    values = {}
    for kind, fields in records:
        f = dict(fields)
        writer = public_key(f["by"])
        message = signed_message("secr-v1 record", [("project", state["project"]), ("env", env)], kind, fields, {"vk", "sig"})
        verify(writer, b64(f["sig"], 64), message)
        record_id = "%s/%s@%s:%s" % (env, f["key"], f["v"], enc(H(lp("secr-v1 record hash") + lp(message))))
        if "w" not in permission(state, writer, env)[1] and (writer, record_id) not in state["kept"]:
            raise Integrity("writer may not write")
        if kind == "deleted":
            continue
        try:
            vkey = b.crypto_box_seal_open(b64(f["vk"], 80), env_pk, env_sk)
        except nacl.exceptions.CryptoError:
            raise Integrity("value key does not open")
        if H(lp("secr-v1 value key commitment") + vkey) != b64(f["kc"], 32):
            raise Integrity("commitment mismatch")
        ad = lp("secr-v1 value") + lp(state["project"]) + lp(env) + lp(f["key"]) + lp(f["v"])
        try:
            plain = b.crypto_aead_xchacha20poly1305_ietf_decrypt(b64(f["ct"]), ad, b64(f["nonce"], 24), vkey)
        except nacl.exceptions.CryptoError:
            raise Integrity("ciphertext does not decrypt")
        values[f["key"]] = plain.decode("utf-8")
    return values


def main():
    store, env = sys.argv[1], sys.argv[2]
    secret_lines = [l.strip() for l in os.environ["SECR_IDENTITY"].splitlines() if l.strip() and not l.startswith("#")]
    hrp, seed = bech32_decode(secret_lines[0])
    if hrp != "secr-secret-key-" or len(seed) != 32:
        raise Denied()
    with open(os.path.join(store, "roster"), encoding="utf-8", newline="") as fh:
        state = load_roster(fh.read())
    with open(os.path.join(store, "env", env + ".secr"), encoding="utf-8", newline="") as fh:
        values = read_environment(state, env, fh.read(), seed)
    print(json.dumps(values, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    try:
        main()
    except Integrity as error:
        print("integrity failure: %s" % error, file=sys.stderr)
        sys.exit(4)
    except Denied:
        print("access denied", file=sys.stderr)
        sys.exit(3)
