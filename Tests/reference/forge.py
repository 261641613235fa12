#!/usr/bin/env python3
"""An attacker's tools, written from docs/FORMAT.md (PyNaCl, no secr code). Each produces a
*correctly signed* line with whatever key the attacker holds, so the tests show that secr rejects
forgeries by its permission rules, not by luck.

usage:
  forge.py roster-append STORE IDENTITY_FILE KIND NAME=VALUE...   append a chained, signed entry
  forge.py record STORE ENV IDENTITY_FILE KEY VALUE                write a signed, encrypted record
  forge.py header STORE ENV IDENTITY_FILE NAME                    replace the header with a new key pair
        (next generation) signed by IDENTITY, sealed to IDENTITY alone (as NAME): a hostile re-key
  forge.py rekey STORE ENV IDENTITY_FILE                          rotate ENV the way the spec says a
        reader may (new key pair, value keys re-sealed, reader lines for the roster's readers,
        header and env-key roster entry signed by IDENTITY)
  forge.py record-bytes STORE ENV IDENTITY_FILE KEY HEX            a record whose value is raw bytes
  forge.py bulk-roster STORE IDENTITY_FILE ENV MEMBERS KEYS         append MEMBERS viewer member-adds, then
        KEYS env-key entries for ENV, each correctly chained and signed (a long hostile roster)
  forge.py cache OUT IDENTITY_FILE STORE ENV KEY   a verification cache (FORMAT.md §6) sealed with
        IDENTITY's key that lists the signature of KEY's record in ENV as verified, whether or not
        it verifies: what an attacker would plant to make an altered record pass
  forge.py cache-holds CACHE IDENTITY_FILE STORE ENV KEY   whether a verification cache (opened with
                                                           the identity, FORMAT.md §6) holds the
                                                           value key of KEY's record: holds,
                                                           absent, or not-this-identity
  forge.py read-snapshot OUT SEALER_IDENTITY_FILE READER_PUBLIC_KEY REPO ENV VERSION KEY=VALUE...
        a read snapshot (FORMAT.md §6) of ENV for the reader with that public key, running secr
        VERSION, bound to the store's inputs as they are now and holding the values given, sealed with SEALER's key:
        what an attacker would plant for a reader's next `pull` or `run`
  forge.py reader-box STORE ENV NAME      NAME's reader line sealed around a fresh random key
                                         (anyone can seal to a member's public key)
  forge.py open-with-old-key OLD_ENV_FILE NEW_ENV_FILE IDENTITY_FILE KEY
        unseal the environment key from an old copy of the file (as a removed reader kept it)
        and try to decrypt KEY's record in the new file: exit 0 and print it if that works
"""
import os
import sys
import time

import nacl.bindings as b
import nacl.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secr_reference import CHARSET, H, b64, bech32_decode, load_roster, lp, reader_set_hash, signed_message  # noqa: E402


def bech32_encode(hrp, data):
    acc, bits, values = 0, 0, []
    for byte in data:
        acc, bits = (acc << 8) | byte, bits + 8
        while bits >= 5:
            bits -= 5
            values.append((acc >> bits) & 31)
    if bits:
        values.append((acc << (5 - bits)) & 31)
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + values + [0] * 6:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    chk ^= 1
    return hrp + "1" + "".join(CHARSET[v] for v in values + [(chk >> 5 * (5 - i)) & 31 for i in range(6)])


def enc(raw):
    import base64
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def identity_seed(path):
    lines = [l.strip() for l in open(path, encoding="utf-8") if l.strip() and not l.startswith("#")]
    return bech32_decode(lines[0])[1]


def identity(path):
    pk, sk = b.crypto_sign_seed_keypair(identity_seed(path))
    return pk, sk, bech32_encode("secr", pk)


def sign(sk, message):
    return b.crypto_sign(message, sk)[:64]


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def line_fields(line):
    parts = line.split(" ")
    return parts[0], [tuple(p.split("=", 1)) for p in parts[1:]]


def roster_append(store, identity_file, kind, pairs):
    path = os.path.join(store, "roster")
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    last = lines[-1]
    pk, sk, pub = identity(identity_file)
    fields = [("seq", str(len(lines) - 1))] + [tuple(p.split("=", 1)) for p in pairs]
    fields += [("prev", enc(H(lp("secr-v1 roster hash") + lp(last)))), ("time", now()), ("by", pub)]
    sig = sign(sk, signed_message("secr-v1 roster entry", [], kind, fields, {"sig"}))
    fields.append(("sig", enc(sig)))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(kind + "".join(" %s=%s" % f for f in fields) + "\n")


def record(store, env, identity_file, key, value):
    path = os.path.join(store, "env", env + ".secr")
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    roster = open(os.path.join(store, "roster"), encoding="utf-8").read().split("\n")[1]
    project = dict(line_fields(roster)[1])["project"]
    header = dict(line_fields(lines[1])[1])
    env_pk = b64(header["pk"], 32)
    pk, sk, pub = identity(identity_file)
    context = [("project", project), ("env", env)]
    version, prev = 1, "-"
    for line in lines[2:]:
        kind, fields = line_fields(line)
        if kind in ("secret", "deleted") and dict(fields)["key"] == key:
            version = int(dict(fields)["v"]) + 1
            message = signed_message("secr-v1 record", context, kind, fields, {"vk", "sig"})
            prev = enc(H(lp("secr-v1 record hash") + lp(message)))
    vkey = os.urandom(32)
    nonce = os.urandom(24)
    ad = lp("secr-v1 value") + lp(project) + lp(env) + lp(key) + lp(str(version))
    ct = b.crypto_aead_xchacha20poly1305_ietf_encrypt(value if isinstance(value, bytes) else value.encode(), ad, nonce, vkey)
    fields = [("key", key), ("v", str(version)), ("prev", prev), ("time", now()), ("by", pub),
              ("kc", enc(H(lp("secr-v1 value key commitment") + vkey))), ("nonce", enc(nonce)), ("ct", enc(ct)),
              ("vk", enc(b.crypto_box_seal(vkey, env_pk)))]
    fields.append(("sig", enc(sign(sk, signed_message("secr-v1 record", context, "secret", fields, {"vk", "sig"})))))
    new_line = "secret" + "".join(" %s=%s" % f for f in fields)
    kept = [l for l in lines[2:] if not (l.split(" ")[0] in ("secret", "deleted") and dict(line_fields(l)[1])["key"] == key)]
    readers = [l for l in kept if l.startswith("reader ")]
    records = sorted([l for l in kept if not l.startswith("reader ")] + [new_line], key=lambda l: dict(line_fields(l)[1])["key"])
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines[:2] + readers + records) + "\n")


def signed_header(env, project, gen, env_pk, pk, sk, pub):
    fields = [("env", env), ("project", project), ("gen", str(gen)), ("pk", enc(env_pk)), ("time", now()), ("by", pub)]
    fields.append(("sig", enc(sign(sk, signed_message("secr-v1 env header", [], "header", fields, {"sig"})))))
    return "header" + "".join(" %s=%s" % f for f in fields)


def reader_line(name, key_text, env_sk):
    box_pk = b.crypto_sign_ed25519_pk_to_curve25519(bech32_decode(key_text)[1])
    return "reader name=%s key=%s box=%s" % (name, key_text, enc(b.crypto_box_seal(env_sk, box_pk)))


def header(store, env, identity_file, name):
    path = os.path.join(store, "env", env + ".secr")
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    h = dict(line_fields(lines[1])[1])
    pk, sk, pub = identity(identity_file)
    env_pk, env_sk = b.crypto_box_keypair()
    records = [l for l in lines[2:] if not l.startswith("reader ")]
    new = [lines[0], signed_header(env, h["project"], int(h["gen"]) + 1, env_pk, pk, sk, pub), reader_line(name, pub, env_sk)]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(new + records) + "\n")


def rekey(store, env, identity_file):
    path = os.path.join(store, "env", env + ".secr")
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    roster_path = os.path.join(store, "roster")
    state = load_roster(open(roster_path, encoding="utf-8", newline="").read())
    h = dict(line_fields(lines[1])[1])
    pk, sk, pub = identity(identity_file)
    box_pk, box_sk = b.crypto_sign_ed25519_pk_to_curve25519(pk), b.crypto_sign_ed25519_sk_to_curve25519(sk)
    old_pk = b64(h["pk"], 32)
    old_sk = None
    for line in lines[2:]:
        if line.startswith("reader ") and dict(line_fields(line)[1])["key"] == pub:
            old_sk = b.crypto_box_seal_open(b64(dict(line_fields(line)[1])["box"], 80), box_pk, box_sk)
    if old_sk is None:
        sys.exit("IDENTITY has no reader line in " + path)
    env_pk, env_sk = b.crypto_box_keypair()
    gen = int(h["gen"]) + 1
    readers = [reader_line(name, state["member_keys"][name], env_sk) for name in sorted(state["members"])
               if "r" in state["roles"][state["members"][name][1]][1].get(env, "")]
    records = []
    for line in lines[2:]:
        kind, fields = line_fields(line)
        if kind == "secret":
            vkey = b.crypto_box_seal_open(b64(dict(fields)["vk"], 80), old_pk, old_sk)
            fields = [(n, enc(b.crypto_box_seal(vkey, env_pk)) if n == "vk" else v) for n, v in fields]
            records.append("secret" + "".join(" %s=%s" % f for f in fields))
        elif kind == "deleted":
            records.append(line)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join([lines[0], signed_header(env, h["project"], gen, env_pk, pk, sk, pub)] + readers + records) + "\n")
    roster_append(store, identity_file, "env-key",
                  ["env=" + env, "gen=%d" % gen, "pk=" + enc(env_pk), "readers=" + enc(reader_set_hash(state, env))])


def bulk_roster(store, identity_file, env, members, keys):
    path = os.path.join(store, "roster")
    text = open(path, encoding="utf-8", newline="").read()
    state = load_roster(text)
    lines = text.split("\n")[:-1]
    last, seq, t = lines[-1], len(lines) - 1, now()
    pk, sk, pub = identity(identity_file)
    out = []

    def add(kind, fields):
        nonlocal last, seq
        fields = [("seq", str(seq))] + fields + [("prev", enc(H(lp("secr-v1 roster hash") + lp(last)))), ("time", t), ("by", pub)]
        fields.append(("sig", enc(sign(sk, signed_message("secr-v1 roster entry", [], kind, fields, {"sig"})))))
        last = kind + "".join(" %s=%s" % f for f in fields)
        out.append(last)
        seq += 1

    for i in range(int(members)):
        key = bech32_encode("secr", b.crypto_sign_keypair()[0])
        name = "m%06d" % i
        state["members"][name] = (bech32_decode(key)[1], "viewer")
        state["member_keys"][name] = key
        add("member-add", [("member", name), ("key", key), ("role", "viewer")])
    gen = state["keys"].get(env, (0, None))[0]
    readers = enc(reader_set_hash(state, env))
    for _ in range(int(keys)):
        gen += 1
        add("env-key", [("env", env), ("gen", str(gen)), ("pk", enc(os.urandom(32))), ("readers", readers)])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


def open_with_old_key(old_file, new_file, identity_file, key):
    pk, sk, pub = identity(identity_file)
    box_pk, box_sk = b.crypto_sign_ed25519_pk_to_curve25519(pk), b.crypto_sign_ed25519_sk_to_curve25519(sk)
    old = open(old_file, encoding="utf-8").read().split("\n")
    old_pk = b64(dict(line_fields(old[1])[1])["pk"], 32)
    env_sk = None
    for line in old[2:]:
        if line.startswith("reader ") and dict(line_fields(line)[1])["key"] == pub:
            env_sk = b.crypto_box_seal_open(b64(dict(line_fields(line)[1])["box"], 80), box_pk, box_sk)
    if env_sk is None:
        sys.exit("no reader line for this identity in the old file")
    for line in open(new_file, encoding="utf-8").read().split("\n"):
        if line.startswith("secret ") and dict(line_fields(line)[1])["key"] == key:
            try:
                vkey = b.crypto_box_seal_open(b64(dict(line_fields(line)[1])["vk"], 80), old_pk, env_sk)
            except nacl.exceptions.CryptoError:
                sys.exit("the old environment key does not open the new value key")
            print("opened the value key of %s with the old environment key (%d bytes)" % (key, len(vkey)))
            return
    sys.exit("no record for " + key)


CACHE_MAGIC = b"secr-cache v2\n"
CACHE_SEGMENTS = 64


def cache_segment_ad(pk, index):
    return b"secr-v2 cache" + pk + CACHE_SEGMENTS.to_bytes(4, "big") + index.to_bytes(4, "big")


def record_fact_segment(digest):
    """A fact about a record (its signature, its value key) is in segment 1 + (first 8 bytes of
    the digest, big-endian) mod 63; every other fact in segment 0."""
    return 1 + int.from_bytes(digest[:8], "big") % (CACHE_SEGMENTS - 1)


def cache(out, identity_file, store, env, key):
    seed = identity_seed(identity_file)
    pk, _ = b.crypto_sign_seed_keypair(seed)
    roster = open(os.path.join(store, "roster"), encoding="utf-8").read().split("\n")[1]
    project = dict(line_fields(roster)[1])["project"]
    for line in open(os.path.join(store, "env", env + ".secr"), encoding="utf-8").read().split("\n")[2:]:
        kind, fields = line_fields(line) if line else ("", [])
        if kind in ("secret", "deleted") and dict(fields)["key"] == key:
            f = dict(fields)
            _, signer = bech32_decode(f["by"])
            message = signed_message("secr-v1 record", [("project", project), ("env", env)], kind, fields, {"vk", "sig"})
            digest = H(lp(b"secr-v2 verified signature") + lp(signer) + lp(b64(f["sig"], 64)) + lp(message))
            # One segment holds the fact (a record's: placed by its digest); the rest are empty.
            index = record_fact_segment(digest)
            plain = (1).to_bytes(4, "big") + digest + (0).to_bytes(4, "big")
            cache_key = H(lp(b"secr-v2 cache key") + seed)
            nonce = os.urandom(24)
            sealed = nonce + b.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, cache_segment_ad(pk, index), nonce, cache_key)
            table = b"".join((len(sealed) if i == index else 0).to_bytes(4, "big") for i in range(CACHE_SEGMENTS))
            with open(out, "wb") as fh:
                fh.write(CACHE_MAGIC + table + sealed)
            os.chmod(out, 0o600)
            return
    sys.exit("no record for " + key)


READ_MAGIC = b"secr-read v1\n"


def short_hash(text):
    return H(text.encode()).hex()[:16]


def read_snapshot(out, sealer_file, reader_public, repo, env, version, pairs):
    """The snapshot as FORMAT.md §6 specifies it, for a store at REPO/.secr in a plain clone
    (its own git directory, no worktrees, no origin)."""
    _, reader_pk = bech32_decode(reader_public)
    store_key, store = ".secr", os.path.join(repo, ".secr")
    roster_lines = open(os.path.join(store, "roster"), encoding="utf-8").read().split("\n")
    root = enc(H(lp("secr-v1 roster hash") + lp(roster_lines[1])))
    git = os.path.join(repo, ".git")
    head = open(os.path.join(git, "HEAD"), encoding="utf-8").read()
    branch = head[5:].split("\n")[0] if head.startswith("ref: ") else None
    default = next((r for r in ("refs/heads/main", "refs/heads/master") if os.path.exists(os.path.join(git, r))), "refs/heads/main")
    state = os.path.join(git, "secr")
    files = [os.path.join(store, "roster"), os.path.join(store, "env", env + ".secr"), os.path.join(state, "pins")]
    if branch is not None:
        files.append(os.path.join(state, "seen-" + short_hash(store_key), short_hash(root), short_hash(branch), env))
    files.append(os.path.join(git, "secr-pins"))
    parts = [b"secr-v2 read snapshot inputs", version.encode(), root.encode(), store_key.encode(), env.encode(), reader_pk,
             b"no root", b"no head", ("branch " + branch if branch is not None else "detached").encode(), default.encode()]
    for path in files:
        parts.append(path.encode())
        parts.append(b"\x01" + H(open(path, "rb").read()) if os.path.exists(path) else b"\x00")
    digest = H(b"".join(lp(part) for part in parts))
    values = [pair.split("=", 1) for pair in pairs]
    plain = digest + lp(root) + len(values).to_bytes(4, "big")
    for key, value in values:
        plain += lp(key) + lp(value)
    plain += (0).to_bytes(4, "big")
    ad = READ_MAGIC + lp(b"secr-v2 read snapshot") + lp(reader_pk) + lp(store_key) + lp(env)
    key = H(lp(b"secr-v2 read snapshot key") + identity_seed(sealer_file))
    nonce = os.urandom(24)
    with open(out, "wb") as fh:
        fh.write(READ_MAGIC + nonce + b.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, nonce, key))
    os.chmod(out, 0o600)


def reader_box(store, env, name):
    path = os.path.join(store, "env", env + ".secr")
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if line.startswith("reader ") and dict(line_fields(line)[1])["name"] == name:
            lines[i] = reader_line(name, dict(line_fields(line)[1])["key"], os.urandom(32))
            open(path, "w", encoding="utf-8").write("\n".join(lines))
            return
    sys.exit("no reader line for " + name)


def cache_holds(cache_file, identity_file, store, env, key):
    seed = identity_seed(identity_file)
    pk, _ = b.crypto_sign_seed_keypair(seed)
    data = open(cache_file, "rb").read()
    if not data.startswith(CACHE_MAGIC):
        sys.exit("not a secr cache")
    at = len(CACHE_MAGIC)
    lengths = [int.from_bytes(data[at + 4 * i:at + 4 * i + 4], "big") for i in range(CACHE_SEGMENTS)]
    offsets = [at + 4 * CACHE_SEGMENTS + sum(lengths[:i]) for i in range(CACHE_SEGMENTS)]
    def opened(index):
        segment = data[offsets[index]:offsets[index] + lengths[index]]
        if not segment:
            return None
        return b.crypto_aead_xchacha20poly1305_ietf_decrypt(segment[24:], cache_segment_ad(pk, index), segment[:24],
                                                           H(lp(b"secr-v2 cache key") + seed))
    # Whose cache: a segment that does not open with this identity's key is another's file.
    try:
        for index in range(CACHE_SEGMENTS):
            if lengths[index]:
                opened(index)
                break
    except nacl.exceptions.CryptoError:
        print("not-this-identity")
        return
    env_lines = open(os.path.join(store, "env", env + ".secr"), encoding="utf-8").read().split("\n")
    env_pk = b64(dict(line_fields(env_lines[1])[1])["pk"], 32)
    for line in env_lines[2:]:
        kind, fields = line_fields(line) if line else ("", [])
        if kind == "secret" and dict(fields)["key"] == key:
            digest = H(lp(b"secr-v2 sealed value key") + lp(env_pk) + lp(b64(dict(fields)["vk"], 80)))
            plain = opened(record_fact_segment(digest))
            if plain is None:
                print("absent")
                return
            n = int.from_bytes(plain[:4], "big")
            m_at = 4 + 32 * n
            m = int.from_bytes(plain[m_at:m_at + 4], "big")
            entries = plain[m_at + 4:]
            print("holds" if any(entries[64 * i:64 * i + 32] == digest for i in range(m)) else "absent")
            return
    sys.exit("no record for " + key)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "roster-append":
        roster_append(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif command == "record":
        record(*sys.argv[2:7])
    elif command == "header":
        header(*sys.argv[2:6])
    elif command == "rekey":
        rekey(*sys.argv[2:5])
    elif command == "record-bytes":
        record(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], bytes.fromhex(sys.argv[6]))
    elif command == "bulk-roster":
        bulk_roster(*sys.argv[2:7])
    elif command == "cache":
        cache(*sys.argv[2:7])
    elif command == "read-snapshot":
        read_snapshot(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8:])
    elif command == "reader-box":
        reader_box(*sys.argv[2:5])
    elif command == "cache-holds":
        cache_holds(*sys.argv[2:7])
    elif command == "open-with-old-key":
        open_with_old_key(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
