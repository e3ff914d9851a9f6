"""Demo data of the assessment app."""


def load(progress=None) -> dict[str, int]:
    return {}
