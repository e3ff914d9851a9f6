"""One permission question (issue 10): services, views, templates and the menu all ask
core.permissions.can (the rules only). user.has_perm and the templates' `perms` let the
Django superuser (the city admin) through, which showed buttons that answer 403."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "jiebang"


def test_nothing_asks_for_permissions_another_way():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).as_posix() == "core/permissions.py" or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\.has_perm\(|rules\.test_rule\(", line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    for path in SRC.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\bperms\.|\{%\s*has_perm|\{%\s*load[^%]*\brules\b", line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []
