"""Writers of the outcome report: the same content as PDF (fpdf2) and as an editable DOCX (python-docx)."""
