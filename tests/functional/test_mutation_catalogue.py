"""The mutation check's catalogue stays in step with the contracts (the check itself runs with
`make mutation`, outside `make test`)."""

import pytest

from revshare.mutation import MUTANTS, ROOT


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.id)
def test_each_mutant_targets_one_spot(mutant):
    source = (ROOT / mutant.file).read_text()
    assert source.count(mutant.original) == 1
    assert mutant.replacement != mutant.original
    assert mutant.tests


def test_mutant_ids_are_unique():
    ids = [m.id for m in MUTANTS]
    assert len(ids) == len(set(ids))
