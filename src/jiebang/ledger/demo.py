"""Demo data of the ledger app."""


def load(progress=None) -> dict[str, int]:
    return {}
