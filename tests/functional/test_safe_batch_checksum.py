"""The Safe batch checksum against the Transaction Builder's own published test vectors.

The other tests of proposals compare a written batch's checksum with `batch_checksum` itself,
which cannot notice a serialisation that differs from the app's. These feed the app's published
batch (tests/fixtures/safe_tx_builder_checksum.json, data copied from its tests) to our function
and expect the app's published checksums."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from eth_utils import keccak

from revshare.governance.safe_batch import _serialize, batch_checksum

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "safe_tx_builder_checksum.json").read_text())
CURRENT = FIXTURE["vectors"]["current"]["checksum"]
LEGACY = FIXTURE["vectors"]["legacy"]["checksum"]


@pytest.fixture
def batch() -> dict:
    return copy.deepcopy(FIXTURE["batch"])


def reversed_keys(batch: dict) -> dict:
    """The published batch with its keys (and its meta's keys) in reverse order, as the app's test does."""
    out = {key: batch[key] for key in reversed(list(batch))}
    out["meta"] = {key: batch["meta"][key] for key in reversed(list(batch["meta"]))}
    return out


def test_published_vector(batch):
    assert batch_checksum(batch) == CURRENT


def test_published_vector_with_keys_in_another_order(batch):
    assert list(reversed_keys(batch)) != list(batch)
    assert batch_checksum(reversed_keys(batch)) == CURRENT


def test_published_batch_validates_and_a_modified_one_does_not(batch):
    """What the app does on import: drop meta.checksum, hash, compare."""
    batch["meta"]["checksum"] = CURRENT
    assert batch_checksum(batch) == batch["meta"]["checksum"]
    # A renamed batch still validates (the name is not hashed) ...
    assert batch_checksum({**batch, "meta": {**batch["meta"], "name": "renamed"}}) == CURRENT
    # ... any other change does not.
    for change in (
        lambda b: b["transactions"].reverse(),  # the app's own published property
        lambda b: b["transactions"][2].update(value="2000000000000000001"),
        lambda b: b["meta"].update(txBuilderVersion="1.4.1"),
        lambda b: b["transactions"][1]["contractInputsValues"].update(paramBool="true"),
        lambda b: b.update(createdAt=b["createdAt"] + 1),
    ):
        changed = copy.deepcopy(batch)
        change(changed)
        assert batch_checksum(changed) != CURRENT


def test_legacy_vector_pins_the_serialisation(batch):
    """The older app hashed the meta with its (empty) checksum key still in it: the same
    serialisation over a slightly different object, so a second independent check of it."""
    unnamed = {**batch, "meta": {**batch["meta"], "name": None}}
    assert "checksum" in unnamed["meta"]
    assert "0x" + keccak(_serialize(unnamed).encode()).hex() == LEGACY
