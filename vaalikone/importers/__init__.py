"""Importers that turn published files into elections in the database (all-or-nothing)."""


def decode_utf8(
    raw: bytes, problems: list[str], where: str = "", hint: str | None = None
) -> str | None:
    """The bytes as UTF-8 text (a byte order mark allowed), or None with a problem naming the row where
    decoding failed: "<where>row N, column -: the file is not UTF-8 (<hint, or the decoder's reason>)"."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        row = raw[: e.start].count(b"\n") + 1
        problems.append(f"{where}row {row}, column -: the file is not UTF-8 ({hint or e.reason})")
        return None
