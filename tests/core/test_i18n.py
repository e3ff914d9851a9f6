"""A Chinese user never meets an English string: the zh_Hans catalogue is complete."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

import jiebang

SOURCE = Path(jiebang.__file__).parent


def _problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    untranslated = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    fuzzy = [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    return untranslated + fuzzy


def test_shipped_catalogue_has_no_untranslated_or_fuzzy_entry():
    assert _problems(SOURCE / "locale/zh_Hans/LC_MESSAGES/django.po") == []


def test_every_source_string_is_in_the_catalogue(tmp_path):
    """Re-extract the strings from a copy of the code: any new string shows up untranslated."""
    copy = tmp_path / "jiebang"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
    )
    assert _problems(copy / "locale/zh_Hans/LC_MESSAGES/django.po") == []
