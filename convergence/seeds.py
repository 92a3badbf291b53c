"""Per-claim random streams: spawned from the master seed and a hash of the id.

Hashing the id (not the claim's position in a list) means adding or removing
a claim never changes another claim's numbers, and the stream is the same
whatever the order or parallelism of the run.
"""

from __future__ import annotations

import hashlib

import numpy as np

DEFAULT_SEED = 20261125


def claim_seed_sequence(master_seed: int, claim_id: str) -> np.random.SeedSequence:
    digest = hashlib.sha256(claim_id.encode("utf-8")).digest()
    id_words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    return np.random.SeedSequence([int(master_seed), *id_words])


def claim_rng(master_seed: int, claim_id: str) -> np.random.Generator:
    return np.random.default_rng(claim_seed_sequence(master_seed, claim_id))
