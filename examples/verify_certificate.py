#!/usr/bin/env python3
"""Checks a cdr-pipeline erasure certificate offline, with Python's standard library only.

    python3 verify_certificate.py --verifier-key audit.key.pub certificate.json

The certificate (`cdr-pipeline audit prove`) holds deletion receipts of the cdr.audit topic, each
with its inclusion proof in the Merkle tree of its partition (RFC 6962 hashing, RFC 9162 proofs),
and the checkpoints of those trees, signed by the operator (a C2SP signed note, Ed25519). This checks,
trusting nothing but the verifier key given on the command line (the operator's `.pub` file):

  1. each checkpoint carries a valid Ed25519 signature by that key;
  2. each receipt's leaf is in its signed tree (its inclusion proof leads to the signed root);
  3. each receipt lists the key hash claimed (the hex string is in the receipt's bytes) and, for a
     case, the case reference.

It prints what it checked and exits 0, or names what failed and exits 1. Ed25519 is verified
here as RFC 8032 defines it, so no library is needed; it is slow (about 50 ms a signature) and
meant for checking, not for signing.
"""
import argparse
import base64
import hashlib
import json
import sys

# --- Ed25519 verification (RFC 8032 §5.1), edwards25519 in extended coordinates -----------------
P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
GY = 4 * pow(5, P - 2, P) % P


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _decode_point(b):
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _equal(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0


G = (_recover_x(GY, 0), GY, 1, _recover_x(GY, 0) * GY % P)


def ed25519_verify(public_key, message, signature):
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode_point(public_key)
    r = _decode_point(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    return _equal(_mul(s, G), _add(r, _mul(h, a)))


# --- C2SP signed note and checkpoint ------------------------------------------------------------
def parse_verifier_key(vkey):
    name, key_id, key = vkey.strip().split("+", 2)
    typed = base64.b64decode(key)
    if len(typed) != 33 or typed[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    public_key = typed[1:]
    expected = hashlib.sha256(name.encode() + b"\n" + b"\x01" + public_key).digest()[:4]
    if expected.hex() != key_id:
        raise ValueError("the verifier key's id does not match its name and key")
    return name, expected, public_key


def verify_note(note, vkey):
    name, key_id, public_key = parse_verifier_key(vkey)
    split = note.find("\n\n")
    if split < 0:
        raise ValueError("the checkpoint is not a signed note")
    body = note[:split + 1]
    for line in note[split + 2:].splitlines():
        if not line.startswith("\u2014 "):
            raise ValueError("not a signature line: " + line)
        signer, sig = line[2:].split(" ", 1)
        sig = base64.b64decode(sig)
        if signer == name and sig[:4] == key_id:
            if ed25519_verify(public_key, body.encode("utf-8"), sig[4:]):
                return body
            raise ValueError("the checkpoint's signature does not verify: the checkpoint was changed")
    raise ValueError("the checkpoint is not signed by " + name + " with this key")


# --- RFC 6962 / RFC 9162 -----------------------------------------------------------------------
def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def main():
    ap = argparse.ArgumentParser(description="Check a cdr-pipeline erasure certificate offline.")
    ap.add_argument("--verifier-key", required=True, help="the operator's verifier key file (.pub)")
    ap.add_argument("certificate", help="the JSON file `cdr-pipeline audit prove` wrote")
    args = ap.parse_args()
    try:
        with open(args.verifier_key, encoding="utf-8") as f:
            vkey = f.read().strip()
        with open(args.certificate, encoding="utf-8") as f:
            cert = json.load(f)
        if cert.get("format") != "cdr-pipeline erasure certificate v1":
            raise ValueError("not a cdr-pipeline erasure certificate v1")
        trees = []
        for note in cert["checkpoints"]:
            body = verify_note(note, vkey)
            lines = body.splitlines()
            trees.append((int(lines[1]), base64.b64decode(lines[2])))
            print("checkpoint: %s, %s receipts, signed by %s (%s)" % (lines[0], lines[1], vkey.split("+")[0], lines[5]))
        if not cert["receipts"]:
            raise ValueError("the certificate proves no receipt")
        case = cert.get("case")
        for r in cert["receipts"]:
            size, root = trees[r["checkpoint"]]
            leaf = base64.b64decode(r["leaf"])
            proof = [base64.b64decode(p) for p in r["proof"]]
            if r["tree_size"] != size:
                raise ValueError("receipt %s: proved in a tree of %d, its checkpoint has %d" % (r["position"],
                                                                                                r["tree_size"], size))
            if not verify_inclusion(leaf_hash(leaf), r["leaf_index"], size, proof, root):
                raise ValueError("receipt %s: its inclusion proof does not lead to the signed root" % r["position"])
            if r["key_hash"].encode("ascii") not in leaf:
                raise ValueError("receipt %s does not list key hash %s" % (r["position"], r["key_hash"]))
            if case is not None and case.encode("utf-8") not in leaf:
                raise ValueError("receipt %s is not of case %s" % (r["position"], case))
            print("receipt %s (leaf %d): in the signed tree, lists %s — %s" % (r["position"], r["leaf_index"],
                                                                              r["key_hash"], json.dumps(r["receipt"])))
        print("OK")
        return 0
    except (ValueError, KeyError, TypeError, OSError) as e:
        print("FAILED: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
