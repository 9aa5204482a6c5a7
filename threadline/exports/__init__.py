"""Exports of the clinical record for readers outside the practice (`pdf`: printable PDFs).

Export functions return data and never read a request; the caller checks access and records
the export in the audit log.
"""
