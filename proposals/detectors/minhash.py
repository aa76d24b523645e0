"""Near-duplicate detection with MinHash (datasketch) and locality-sensitive hashing in bands.

A text becomes a set of word 3-grams; its MinHash signature (NUM_PERM 32-bit values) estimates the Jaccard
similarity of two such sets. The signature is cut into BANDS bands of ROWS values; texts that agree on a
whole band land in the same bucket and become candidates, which the signatures then confirm. With 20 bands
of 5 rows a pair at similarity 0.7 becomes a candidate with probability 1 − (1 − 0.7⁵)²⁰ ≈ 0.975, at 0.9
with ≈ 1.0, and a pair at 0.3 with ≈ 0.05: the lookup reads a handful of rows, not the whole table.
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
from datasketch import MinHash

from portal.core.lookalikes import plain_words

NUM_PERM = 100
BANDS, ROWS = 20, 5
SHINGLE = 3
SEED = 20261122


@cache
def _template() -> MinHash:
    # Creating the permutations is the expensive part of a MinHash; copies share them.
    return MinHash(num_perm=NUM_PERM, seed=SEED)


def shingles(*parts: str) -> set[bytes]:
    words = plain_words(*parts)
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(*parts: str) -> bytes:
    """The MinHash signature of the text as NUM_PERM little-endian uint32 values."""
    minhash = _template().copy()
    minhash.update_batch(sorted(shingles(*parts)))
    return minhash.hashvalues.astype("<u4").tobytes()


def band_buckets(sig: bytes) -> list[tuple[int, int]]:
    """(band, bucket) pairs: the bucket is a signed 64-bit hash of the band's values (fits a bigint)."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS * 4 : (band + 1) * ROWS * 4]
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        out.append((band, int.from_bytes(digest, "little", signed=True)))
    return out


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts' 3-gram sets."""
    left, right = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    if left.shape != right.shape:
        return 0.0
    return float(np.count_nonzero(left == right)) / NUM_PERM
