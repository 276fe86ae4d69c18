"""What a file is, read from its bytes (never from the name or the client's word)."""

from __future__ import annotations

__all__ = ["OCTET_STREAM", "same_kind", "sniff"]

OCTET_STREAM = "application/octet-stream"
_TEXT_SAMPLE = 8192
# Text has no magic number: the name tells which text it is, once the bytes are known to be text.
_TEXT_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".js": "text/javascript",
    ".css": "text/css",
    ".tsv": "text/tab-separated-values",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}
# Formats that are zip archives inside: a sniffer may name any of them for any zip.
_ZIP_FAMILY = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/epub+zip",
        "application/java-archive",
        "application/vnd.android.package-archive",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "audio/mp3": "audio/mpeg",
    "application/x-pdf": "application/pdf",
    "text/xml": "application/xml",
    "application/x-javascript": "text/javascript",
    "application/javascript": "text/javascript",
}


def _normal(mime: str) -> str:
    base = mime.split(";", 1)[0].strip().lower()
    return _ALIASES.get(base, base)


def sniff(data: bytes, name: str) -> str:
    """The MIME type of ``data``: by its magic number (puremagic), else ``text/plain`` (or the
    text type its extension names) when it is UTF-8 text, else ``application/octet-stream``.

    Example:
        >>> sniff(b"%PDF-1.7 ...", "report.txt")
        'application/pdf'
    """
    import puremagic  # its signature table loads on the first upload, not at a cold start

    head = data[:_TEXT_SAMPLE]
    try:
        found = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        found = ""
    if found:
        return _normal(found)
    if _is_text(head):
        extension = name[name.rfind(".") :].lower() if "." in name else ""
        return _TEXT_TYPES.get(extension, "text/plain")
    return OCTET_STREAM


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample's end is still text.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def same_kind(declared: str, sniffed: str) -> bool:
    """Whether a client's declared type agrees with the bytes: equal (aliases aside), or no
    claim at all (``application/octet-stream``), two zip-based formats, or two text types."""
    claim, found = _normal(declared), _normal(sniffed)
    if claim in ("", OCTET_STREAM) or claim == found:
        return True
    if claim in _ZIP_FAMILY and found in _ZIP_FAMILY:
        return True
    text_claim = claim.startswith("text/") or claim in _TEXT_TYPES.values()
    text_found = found.startswith("text/") or found in _TEXT_TYPES.values()
    return text_claim and text_found and found != "image/svg+xml"
