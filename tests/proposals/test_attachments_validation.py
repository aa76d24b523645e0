import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.services.attachment import _check_pdf, safe_file_name

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\x\\Жоба.PDF", "Жоба.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "img src_x onerror_alert(1).pdf"),
        ("evil.exe", "evil.exe.pdf"),
        ("\x00\x1b[31m.pdf", "31m.pdf"),
        ("...pdf", "pdf.pdf"),
    ],
)
def test_file_names_are_made_safe(name, expected):
    assert safe_file_name(name) == expected


def test_a_real_pdf_passes():
    assert _check_pdf(SimpleUploadedFile("a.pdf", PDF)) == PDF


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 this is an executable renamed to pdf",
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%PDF-1.4\n<html><script>alert(1)</script>\n%%EOF",  # polyglot
        b"%PDF-1.4 truncated without an end marker",
    ],
)
def test_anything_but_a_clean_pdf_is_refused(content):
    with pytest.raises(ValidationError, match="not a PDF"):
        _check_pdf(SimpleUploadedFile("renamed.pdf", content))


def test_files_over_ten_megabytes_are_refused():
    big = PDF[:-7] + b"0" * (10 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        _check_pdf(SimpleUploadedFile("big.pdf", big))
