"""RFC 9162 Merkle trees: roots, inclusion and consistency proofs against hand-built trees.

No database. The roots of sizes 1..8 are built by hand from `leaf_hash`/`node_hash` following
the RFC's split, and checked against the published Certificate Transparency test vectors; the
proofs of the RFC's own 7-leaf example are written out node by node.
"""

from __future__ import annotations

import pytest

from opengps.core import merkle
from opengps.core.merkle import leaf_hash as L
from opengps.core.merkle import node_hash as N

DATA = [bytes([i]) * (i + 1) for i in range(8)]
H = [L(d) for d in DATA]
a, b, c, d, e, f, g, h = H  # the leaves' hashes

# MTH(D[n]) by hand: k is the largest power of two below n
HAND_ROOTS = {
    1: a,
    2: N(a, b),
    3: N(N(a, b), c),
    4: N(N(a, b), N(c, d)),
    5: N(N(N(a, b), N(c, d)), e),
    6: N(N(N(a, b), N(c, d)), N(e, f)),
    7: N(N(N(a, b), N(c, d)), N(N(e, f), g)),
    8: N(N(N(a, b), N(c, d)), N(N(e, f), N(g, h))),
}

# The leaves of the Certificate Transparency reference test data and its published roots.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_hashes_are_domain_separated() -> None:
    import hashlib

    assert L(b"x") == hashlib.sha256(b"\x00x").digest()
    assert N(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert merkle.root([]) == hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_root_of_every_size_matches_the_hand_built_tree(size: int) -> None:
    assert merkle.root(H[:size]) == HAND_ROOTS[size]


def test_roots_at_many_sizes_in_one_pass() -> None:
    assert merkle.roots_at(H, [8, 3, 0, 5, 5]) == {
        0: merkle.EMPTY_ROOT,
        3: HAND_ROOTS[3],
        5: HAND_ROOTS[5],
        8: HAND_ROOTS[8],
    }
    with pytest.raises(ValueError):
        merkle.roots_at(H[:2], [3])


@pytest.mark.parametrize("size", range(1, 9))
def test_root_matches_the_certificate_transparency_test_vectors(size: int) -> None:
    leaves = [L(x) for x in CT_LEAVES[:size]]
    assert merkle.root(leaves).hex() == CT_ROOTS[size - 1]


# The RFC's example tree of 7 leaves (RFC 9162 §2.1.5): g=N(a,b) h=N(c,d) i=N(e,f) j=leaf 6,
# k=N(g,h) l=N(i,j).
_g, _h, _i, _j = N(a, b), N(c, d), N(e, f), g
_k, _l = N(_g, _h), N(_i, _j)


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0, [b, _h, _l]), (3, [c, _g, _l]), (4, [f, _j, _k]), (6, [_i, _k])],
)
def test_inclusion_paths_of_the_rfc_example(index: int, expected: list[bytes]) -> None:
    assert merkle.inclusion_proof(index, H[:7]) == expected


@pytest.mark.parametrize(
    ("first", "expected"),
    [(3, [c, d, _g, _l]), (4, [_l]), (6, [_i, _j, _k])],
)
def test_consistency_proofs_of_the_rfc_example(first: int, expected: list[bytes]) -> None:
    assert merkle.consistency_proof(first, H[:7]) == expected


def test_small_proofs_by_hand() -> None:
    assert merkle.inclusion_proof(0, H[:1]) == []
    assert merkle.inclusion_proof(2, H[:3]) == [N(a, b)]
    assert merkle.inclusion_proof(4, H[:5]) == [N(N(a, b), N(c, d))]
    assert merkle.inclusion_proof(7, H[:8]) == [g, N(e, f), N(N(a, b), N(c, d))]
    assert merkle.consistency_proof(1, H[:2]) == [b]
    assert merkle.consistency_proof(2, H[:3]) == [c]
    assert merkle.consistency_proof(1, H[:3]) == [b, c]
    assert merkle.consistency_proof(5, H[:8]) == [e, f, N(g, h), N(N(a, b), N(c, d))]


@pytest.mark.parametrize("size", range(1, 9))
def test_every_inclusion_proof_verifies_and_no_tampered_one_does(size: int) -> None:
    leaves, top = H[:size], HAND_ROOTS[size]
    for index in range(size):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(index=index, tree_size=size, leaf=H[index], proof=proof, root_hash=top)
        # a different leaf, position, root or path fails (the size is bound by the signed root)
        other = H[(index + 1) % 8]
        assert not merkle.verify_inclusion(
            index=index, tree_size=size, leaf=other, proof=proof, root_hash=top
        )
        assert not merkle.verify_inclusion(
            index=size, tree_size=size, leaf=H[index], proof=proof, root_hash=top
        )
        assert not merkle.verify_inclusion(
            index=index, tree_size=size, leaf=H[index], proof=proof, root_hash=HAND_ROOTS[size % 8 + 1]
        )
        assert not merkle.verify_inclusion(
            index=index, tree_size=size, leaf=H[index], proof=[*proof, a], root_hash=top
        )
        if proof:
            assert not merkle.verify_inclusion(
                index=index, tree_size=size, leaf=H[index], proof=proof[:-1], root_hash=top
            )
        for position in range(len(proof)):
            bad = list(proof)
            bad[position] = N(bad[position], bad[position])
            assert not merkle.verify_inclusion(
                index=index, tree_size=size, leaf=H[index], proof=bad, root_hash=top
            )
        for wrong in range(size):
            if wrong != index:
                assert not merkle.verify_inclusion(
                    index=wrong, tree_size=size, leaf=H[index], proof=proof, root_hash=top
                )


@pytest.mark.parametrize("second", range(1, 9))
def test_consistency_between_every_pair_of_sizes(second: int) -> None:
    for first in range(0, second + 1):
        proof = merkle.consistency_proof(first, H[:second])
        first_root = HAND_ROOTS[first] if first else merkle.EMPTY_ROOT
        assert merkle.verify_consistency(
            first=first, second=second, first_root=first_root, second_root=HAND_ROOTS[second], proof=proof
        ), (first, second)
        if 0 < first < second:
            # a rewritten history (one earlier leaf changed) is inconsistent with the old root
            forged = [*H[: first - 1], L(b"forged"), *H[first:second]]
            assert not merkle.verify_consistency(
                first=first,
                second=second,
                first_root=first_root,
                second_root=merkle.root(forged),
                proof=merkle.consistency_proof(first, forged),
            )
            assert not merkle.verify_consistency(
                first=first, second=second, first_root=first_root, second_root=HAND_ROOTS[second], proof=[]
            )
            for position in range(len(proof)):
                bad = list(proof)
                bad[position] = N(bad[position], bad[position])
                assert not merkle.verify_consistency(
                    first=first,
                    second=second,
                    first_root=first_root,
                    second_root=HAND_ROOTS[second],
                    proof=bad,
                ), (first, second, position)
            # a shorter tree never "extends" a longer one
            assert not merkle.verify_consistency(
                first=second, second=first, first_root=HAND_ROOTS[second], second_root=first_root, proof=proof
            )


def test_edge_cases_are_refused_or_trivial() -> None:
    with pytest.raises(ValueError):
        merkle.inclusion_proof(0, [])
    with pytest.raises(ValueError):
        merkle.consistency_proof(3, H[:2])
    assert merkle.consistency_proof(0, H[:4]) == [] == merkle.consistency_proof(4, H[:4])
    assert merkle.verify_consistency(
        first=4, second=4, first_root=HAND_ROOTS[4], second_root=HAND_ROOTS[4], proof=[]
    )
    assert not merkle.verify_consistency(
        first=4, second=4, first_root=HAND_ROOTS[4], second_root=HAND_ROOTS[5], proof=[]
    )
    assert not merkle.verify_inclusion(index=0, tree_size=1, leaf=a, proof=[b"short"], root_hash=a)
    assert merkle.verify_inclusion(index=0, tree_size=1, leaf=a, proof=[], root_hash=a)


def test_a_larger_tree_agrees_with_the_recursive_definition() -> None:
    def mth(leaves: list[bytes]) -> bytes:
        if len(leaves) == 1:
            return leaves[0]
        k = 1 << ((len(leaves) - 1).bit_length() - 1)
        return N(mth(leaves[:k]), mth(leaves[k:]))

    leaves = [L(str(i).encode()) for i in range(100)]
    for size in (9, 31, 32, 33, 63, 64, 65, 100):
        top = merkle.root(leaves[:size])
        assert top == mth(leaves[:size])
        assert merkle.roots_at(leaves, [size, 0, 1])[size] == top
        for index in (0, size // 3, size - 1):
            proof = merkle.inclusion_proof(index, leaves[:size])
            assert merkle.verify_inclusion(
                index=index, tree_size=size, leaf=leaves[index], proof=proof, root_hash=top
            )
        for first in (1, size // 2, size - 1):
            assert merkle.verify_consistency(
                first=first,
                second=size,
                first_root=merkle.root(leaves[:first]),
                second_root=top,
                proof=merkle.consistency_proof(first, leaves[:size]),
            )
