"""QR codes (segno) for projects and service windows: a PNG and a printable A4 sheet (PDF,
WeasyPrint with the Noto CJK fonts) to hang at the window. The code holds the absolute address
of the rating page (settings.SITE_URL: the address the public reaches the portal at)."""

import base64
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from jiebang.core.pdf import render_pdf


def project_path(project) -> str:
    return reverse("feedback:rate-project", args=[project.pk])


def window_path(point) -> str:
    return reverse("feedback:rate-window", args=[point.pk])


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def png(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


@dataclass
class Sheet:
    title: str  # what is rated
    subtitle: str  # where
    url: str

    @classmethod
    def for_project(cls, project):
        unit = project.implementing_unit
        return cls(project.title, str(unit or ""), absolute(project_path(project)))

    @classmethod
    def for_window(cls, point):
        return cls(
            point.name,
            " · ".join(filter(None, [str(point.institution), point.location])),
            absolute(window_path(point)),
        )

    @property
    def image(self) -> str:
        return "data:image/png;base64," + base64.b64encode(png(self.url, scale=12)).decode()


def sheet_pdf(sheets: list[Sheet]) -> bytes:
    return render_pdf("supervision/qr_sheet.html", {"sheets": sheets})


def sheet_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    response = HttpResponse(sheet_pdf(sheets), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
