#!/usr/bin/env python3
"""Regenerates fuzz/corpus/ from the shared conformance cases (../shared/conformance/*.jsonl).

Every seed is one control byte followed by the payload (see fuzz/README.md). head/ gets each distinct
request; chunked/ gets the bytes after the head of each request that says Transfer-Encoding: chunked,
plus a few hand-written bodies. Control bytes cycle 0..31, so seeds start under every limit set,
destination size and segment count. Files are named by content hash: rerunning changes nothing.
"""
import base64
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT.parent / "shared" / "conformance"
CORPUS = ROOT / "fuzz" / "corpus"

HAND_WRITTEN_BODIES = [
    b"0\r\n\r\n",
    b"5\r\nhello\r\n0\r\n\r\n",
    b"5\r\nhello\r\n6;name=value\r\n world\r\n1A\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: t1\r\n\r\n",
    b"3;a=\"q\\\"x\"; b = c\r\nabc\r\n000\r\nA: 1\r\nB: 2\r\n\r\nGET / HTTP/1.1\r\n",
    b"ffffffffffffffff\r\n",
    b"7fffffffffffffff\r\nx\r\n",
    b"10\r\n0123456789abcdef\r\n0\r\n\r\n",
    b"1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n",
]


def requests():
    for path in sorted(CONFORMANCE.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                yield base64.b64decode(json.loads(line)["request_b64"])


def chunked_body(request):
    request = request.lstrip(b"\r\n")
    end = request.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = request[:end].lower()
    if b"transfer-encoding" not in head or b"chunked" not in head:
        return None
    return request[end + 4:] or None


def write(folder, payloads):
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for index, payload in enumerate(sorted(set(payloads))):
        seed = bytes([index % 32]) + payload
        (folder / hashlib.sha1(seed).hexdigest()[:16]).write_bytes(seed)
    print(f"{folder.relative_to(ROOT)}: {len(set(payloads))} seeds", file=sys.stderr)


def main():
    if not CONFORMANCE.is_dir():
        sys.exit(f"no conformance cases at {CONFORMANCE}")
    heads = list(requests())
    bodies = [b for b in map(chunked_body, heads) if b is not None] + HAND_WRITTEN_BODIES
    write(CORPUS / "head", heads)
    write(CORPUS / "chunked", bodies)


if __name__ == "__main__":
    main()
