"""Importers that turn published files into elections in the database (all-or-nothing).

Every problem names where it is, "row N, column X: what is wrong", in the active language: the
administrator's on the import page, the terminal's on the command line.
"""

from __future__ import annotations

from vaalikone.i18n import gettext as _


def problem(row: int | str, column: str, message: str, file: str | None = None) -> str:
    """One problem of a file, located by row and column (and file, when an import reads several)."""
    if file:
        return _(
            "%(file)s: rivi %(row)s, sarake %(column)s: %(message)s",
            file=file,
            row=row,
            column=column,
            message=message,
        )
    return _(
        "rivi %(row)s, sarake %(column)s: %(message)s", row=row, column=column, message=message
    )


def decode_utf8(
    raw: bytes, problems: list[str], file: str | None = None, hint: str | None = None
) -> str | None:
    """The bytes as UTF-8 text (a byte order mark allowed), or None with a problem naming the row where
    decoding failed and how to fix it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        row = raw[: e.start].count(b"\n") + 1
        reason = _("tiedosto ei ole UTF-8-muodossa (%(hint)s)", hint=hint or e.reason)
        problems.append(problem(row, "-", reason, file))
        return None
