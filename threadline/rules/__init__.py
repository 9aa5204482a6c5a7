"""Pure domain rules: compliance, SMART lint, billing codes, scoring.

Nothing in this package imports Django, touches the database, reads files at import time or reads
the clock: callers pass `today` and the code set in. See README.md beside this file.
"""
