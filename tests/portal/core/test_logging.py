import logging

from portal.core.logging import RedactPersonalDataFilter, redact


def test_redact_masks_emails_iins_and_phone_numbers():
    text = "user aigerim@example.kz IIN 900101300123 phone +7 701 123 45 67 or 87011234567"
    masked = redact(text)
    assert "aigerim@example.kz" not in masked
    assert "900101300123" not in masked
    assert "701 123 45 67" not in masked and "87011234567" not in masked
    assert "[email]" in masked and "[iin]" in masked and "[phone]" in masked


def test_filter_rewrites_formatted_records():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login failed for %s", ("a@b.kz",), None)
    RedactPersonalDataFilter().filter(record)
    assert record.getMessage() == "login failed for [email]"
