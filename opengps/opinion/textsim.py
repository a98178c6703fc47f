"""Near-duplicate text (pure, no Django): a 64-bit simhash over character shingles of a normalized
text, its Hamming distance, and the four 16-bit bands that find the candidates in the database.

Two reposts of one story differ in a headline word, a byline or punctuation; their simhashes are a
few bits apart (Charikar 2002). Candidates are looked up by equality of one of four 16-bit bands,
not by scanning every item: two hashes within 3 bits always share a band (pigeonhole), within
`NEAR` bits almost always (a short story reposted with a byline differs in 4–5 bits)."""

from __future__ import annotations

import re
import struct
import unicodedata

BITS = 64
NEAR = 5
"""Texts whose simhashes differ in at most this many bits are the same story."""
SHINGLE = 3
MIN_CHARS = 12
"""Shorter texts carry too little to compare: they are never called near-duplicates."""

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC, lower case, punctuation and white space removed (full-width ，。 and ASCII alike)."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "").lower())


_MASK = (1 << BITS) - 1
_TABLES: dict[str, tuple[int, int, int]] = {}
"""Per character, its random 64-bit value at each of the three places of a shingle (bounded by the
character set: at most `_TABLE_LIMIT` entries are kept)."""
_TABLE_LIMIT = 100_000
_BITS_AS_BYTES = bytes.maketrans(b"01", b"\x00\x01")
_LANES = 255
"""Rows summed at once as 64 byte-wide lanes of one integer (a lane holds a count up to 255)."""


def _mix(value: int) -> int:
    """splitmix64's finalizer: a well-spread 64-bit value from an integer."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _table(char: str) -> tuple[int, int, int]:
    values = _TABLES.get(char)
    if values is None:
        code = ord(char) * SHINGLE
        values = (_mix(code), _mix(code + 1), _mix(code + 2))
        if len(_TABLES) < _TABLE_LIMIT:
            _TABLES[char] = values
    return values


def shingle_hashes(chars: str) -> list[int]:
    """The 64-bit hash of each 3-shingle of `chars` (the whole of a shorter text as one shingle):
    tabulation hashing — the XOR of each character's value for its place — stable across processes."""
    tables = _TABLES
    rows = [tables[char] if char in tables else _table(char) for char in chars]
    if len(rows) < SHINGLE:
        value = 0
        for place, row in enumerate(rows):
            value ^= row[place]
        return [value]
    return [a[0] ^ b[1] ^ c[2] for a, b, c in zip(rows, rows[1:], rows[2:], strict=False)]


def _row_sum(lanes: bytes, rows: int) -> bytes:
    """The 64 byte-wide lane sums of `rows` rows of 64 bytes (at most `_LANES` rows, so no lane
    overflows): the rows as one integer, folded in halves — the top rows added onto the bottom
    ones, log2(rows) big-integer additions in C instead of one per row."""
    value = int.from_bytes(lanes, "big")
    while rows > 1:
        half = rows // 2
        width = BITS * 8 * half
        value = (value >> width) + (value & ((1 << width) - 1))
        rows -= half
    return value.to_bytes(BITS, "big")


def simhash(text: str) -> int:
    """The unsigned 64-bit simhash of `text` over its character 3-shingles (0 for an empty text)."""
    return _simhash(normalize(text))


def fingerprint(text: str) -> tuple[int, bool]:
    """`simhash(text)` and `comparable(text)`, normalizing the text once (the ingest's hot path)."""
    chars = normalize(text)
    return _simhash(chars), len(chars) >= MIN_CHARS


def _simhash(chars: str) -> int:
    if not chars:
        return 0
    hashes = shingle_hashes(chars)
    count = len(hashes)
    # Count each bit over all hashes in C: the hashes' bits as one byte per bit, each 64-byte row
    # an integer of 64 byte-wide lanes, rows summed (at most 255 at a time, so no lane overflows).
    bits = format(int.from_bytes(struct.pack(f">{count}Q", *hashes), "big"), f"0{BITS * count}b")
    lanes = bits.encode("ascii").translate(_BITS_AS_BYTES)
    totals = [0] * BITS
    for first in range(0, count, _LANES):
        rows = min(_LANES, count - first)
        summed = _row_sum(lanes[first * BITS : (first + rows) * BITS], rows)
        totals = [total + value for total, value in zip(totals, summed, strict=True)]
    half = count / 2
    return int("".join(["1" if total > half else "0" for total in totals]), 2)


def comparable(text: str) -> bool:
    """Whether `text` is long enough for its simhash to mean anything."""
    return len(normalize(text)) >= MIN_CHARS


def hamming(a: int, b: int) -> int:
    """How many bits differ between two 64-bit hashes."""
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()


def signed(value: int) -> int:
    """The unsigned hash as a signed 64-bit integer (a database BIGINT holds it)."""
    return value - (1 << BITS) if value >= 1 << (BITS - 1) else value


def unsigned(value: int) -> int:
    """The signed BIGINT back as the unsigned hash."""
    return value + (1 << BITS) if value < 0 else value


def bands(value: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of an unsigned hash, low to high."""
    return (value & 0xFFFF, value >> 16 & 0xFFFF, value >> 32 & 0xFFFF, value >> 48 & 0xFFFF)
