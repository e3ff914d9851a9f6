"""User text is hostile in every sink: one place cleans it on the way in, one on the way out.

In: `clean_text` drops control characters (C0 except tab, newline and carriage return; DEL; C1)
and the non-characters U+FFFE/U+FFFF. A bell in a task title otherwise breaks every Excel export
of it, a NUL is refused by PostgreSQL. Every model save goes through it (core/apps.py), and the
importers that write in bulk call it themselves.

Out: `safe_cell` makes a value safe for a spreadsheet cell (CSV or XLSX): text starting with
= + - @ tab or carriage return is prefixed with an apostrophe so Excel shows it as text instead
of running it as a formula (OWASP, "CSV injection"), and characters Excel cannot store go.

Public: `redact` masks what identifies a person in a citizen's own words before anyone may read
them on a public page or through the Open311 API: mobile and landline numbers, identity-card
numbers, e-mail addresses.
"""

import re

CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERSONAL = [
    re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"),  # identity card
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),  # mobile
    re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"),  # landline with area code
    re.compile(r"(?<!\d)\d{7,8}(?!\d)"),  # local landline
    re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),  # e-mail
]


def clean_text(value: str) -> str:
    """`value` without control characters (tab, newline and carriage return are kept)."""
    return CONTROL_CHARS.sub("", value)


def redact(value: str) -> str:
    """`value` with phone, identity-card and e-mail addresses replaced by ＊＊＊ (public pages)."""
    for pattern in PERSONAL:
        value = pattern.sub("＊＊＊", value)
    return value


def safe_cell(value):
    """A value for a CSV or XLSX cell: numbers, dates and None pass; text is cleaned and, if a
    spreadsheet would read it as a formula, kept as text."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def clean_stored_text(sender, instance, **kwargs) -> None:
    """pre_save: the control characters of every text field of `instance` go (see clean_text)."""
    from django.db import models

    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str) or value.isprintable():
            continue
        setattr(instance, field.attname, clean_text(value))
