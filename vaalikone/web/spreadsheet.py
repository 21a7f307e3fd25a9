"""CSV downloads that spreadsheets open safely (the open data and the organisations' reports).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return runs as a formula in Excel and
LibreOffice: a candidate's justification or a name could then fetch a URL or run a command on the reader's
machine. As OWASP recommends (CSV Injection), such a text cell is prefixed with a single quote, which
spreadsheets show as text; numbers are written as they are. The JSON downloads stay verbatim.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask import Response

from vaalikone.reports.cells import neutralised


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """The rows as CSV (UTF-8 with a BOM, so Excel reads the encoding right), formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralised(value) for value in row])
    return "\ufeff" + out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
