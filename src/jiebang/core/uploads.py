"""One check for every upload (claim plans, letter scans, evidence): the extension is one of
the accepted types, the size within the limit and the first bytes those of the type, so a
renamed file is refused too. Messages name the file so the user knows which one to fix."""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# extension → the first bytes of such a file
MAGIC = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}


def check_upload(upload, types, *, max_bytes: int = MAX_BYTES) -> None:
    """ValidationError (codes file_type, file_size, file_content) naming the file."""
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type; use one of: %(types)s.")
            % {"name": name, "types": ", ".join(types)},
            code="file_type",
        )
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": max_bytes // 1024 // 1024},
            code="file_size",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not head.startswith(MAGIC[extension]):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file; its content does not match its name.")
            % {"name": name, "type": extension.upper()},
            code="file_content",
        )
