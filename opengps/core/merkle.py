"""Merkle trees as in Certificate Transparency (RFC 9162 §2.1): tree hash, inclusion and consistency proofs.

Pure functions over bytes, no Django. Hashes are SHA-256 with domain separation:
leaf hash ``SHA-256(0x00 || data)``, interior node ``SHA-256(0x01 || left || right)``; the tree
hash of n leaves ``MTH(D[n])`` splits at k, the largest power of two smaller than n (RFC 9162
§2.1.1), so a tree of any size has one root and growing the log never changes the old leaves'
subtrees. The verification functions follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, so an
independent implementation (``scripts/verify_receipt.py``, any CT library) gives the same answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) — the hash of the empty tree (RFC 9162 §2.1.1)."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """k: the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf *hashes* (not leaf data), in O(n) time and O(log n) memory.

    Folds a stack of perfect subtrees left to right; merging the remaining ones right to left at
    the end gives exactly the RFC's recursive split for sizes that are not powers of two.
    """
    if not leaves:
        return EMPTY_ROOT
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
    for leaf in leaves:
        size, value = 1, leaf
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, value = left_size + size, node_hash(left, value)
        stack.append((size, value))
    value = stack[-1][1]
    for _size, left in reversed(stack[:-1]):
        value = node_hash(left, value)
    return value


def roots_at(leaves: Sequence[bytes], sizes: Sequence[int]) -> dict[int, bytes]:
    """MTH(D[s]) for each size s in `sizes` (0 ≤ s ≤ len(leaves)), in one pass over the leaves.

    For checking many checkpoints against one log: O(n + k log n) instead of O(n) per size.
    """
    wanted = sorted(set(sizes))
    if wanted and not 0 <= wanted[0] <= wanted[-1] <= len(leaves):
        raise ValueError("tree size outside the log")
    result: dict[int, bytes] = {}
    stack: list[tuple[int, bytes]] = []
    position = 0
    for size in wanted:
        for leaf in leaves[position:size]:
            width, value = 1, leaf
            while stack and stack[-1][0] == width:
                left_width, left = stack.pop()
                width, value = left_width + width, node_hash(left, value)
            stack.append((width, value))
        position = size
        if not stack:
            result[size] = EMPTY_ROOT
            continue
        value = stack[-1][1]
        for _width, left in reversed(stack[:-1]):
            value = node_hash(left, value)
        result[size] = value
    return result


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1): the audit path of leaf `index` in the tree of `leaves`."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} outside a tree of {n} leaves")
    path: list[bytes] = []
    lo, hi, m = 0, n, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root(leaves[lo : lo + k]))
            lo, m = lo + k, m - k
    path.reverse()  # collected top-down; the proof runs from the leaf up
    return path


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 9162 §2.1.4.1) between the first `first` leaves and all of `leaves`.

    Empty when ``first`` is 0 or equals the tree size (nothing to prove).
    """
    n = len(leaves)
    if not 0 <= first <= n:
        raise ValueError(f"tree size {first} outside 0..{n}")
    if first in (0, n):
        return []
    proof: list[bytes] = []
    lo, hi, m, complete = 0, n, first, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            proof.append(root(leaves[lo + k : hi]))
            hi = lo + k
        else:
            proof.append(root(leaves[lo : lo + k]))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(root(leaves[lo:hi]))
    proof.reverse()
    return proof


def _lsb(value: int) -> bool:
    return bool(value & 1)


def verify_inclusion(
    *, index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: whether `proof` shows the leaf hash `leaf` at `index` in a tree with `root_hash`."""
    if not 0 <= index < tree_size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if _lsb(fn) or fn == sn:
            r = node_hash(p, r)
            while not _lsb(fn) and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(
    *, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: whether the tree (`second`, `second_root`) extends (`first`, `first_root`).

    The RFC specifies 0 < first < second; the edge cases are decided the only sound way: any
    tree extends the empty one (empty proof), and a tree extends itself only with the same root
    (empty proof).
    """
    if not 0 <= first <= second or any(len(p) != HASH_SIZE for p in proof):
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # first is an exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while _lsb(fn):
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if _lsb(fn) or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not _lsb(fn) and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0
