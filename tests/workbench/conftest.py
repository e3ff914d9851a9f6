from tests.ledger.conftest import (  # noqa: F401 — the ledger's fixtures, shared
    _media,
    freeze_today,
    guanxian_staff,
    guanxian_unit,
    make_task,
    project,
)
