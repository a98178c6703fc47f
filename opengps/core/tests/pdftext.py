"""Read a platform PDF without a PDF library: its objects, decoded streams, fonts and drawn text.

Enough for the files `opengps.core.pdf` writes (ReportLab: one object per `N 0 obj`, streams
filtered by ASCII85 and/or Flate, embedded TrueType subsets whose one-byte codes map to Unicode
through each font's ToUnicode CMap), so tests can check what a reader sees.
"""

from __future__ import annotations

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\r?\n(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def objects(pdf: bytes) -> dict[int, bytes]:
    """Every indirect object's body by number."""
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}


def dictionary(body: bytes) -> bytes:
    """The dictionary part of an object (before its stream, if any)."""
    return body.split(b"stream", 1)[0]


def stream(body: bytes) -> bytes:
    """An object's stream data with its filters undone (b"" when it has no stream)."""
    match = _STREAM.search(body)
    if match is None:
        return b""
    data = match.group(1)
    filters = re.search(rb"/Filter\s*\[([^\]]*)\]", dictionary(body)) or re.search(
        rb"/Filter\s*(/\w+)", dictionary(body)
    )
    for name in re.findall(rb"/(\w+)", filters.group(1)) if filters else []:
        if name == b"ASCII85Decode":
            data = base64.a85decode(b"<~" + data.strip(), adobe=True)
        elif name == b"FlateDecode":
            data = zlib.decompress(data)
        else:  # pragma: no cover - the platform writes no other filter
            raise ValueError(f"unexpected filter {name!r}")
    return data


def _ref(body: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(match.group(1)) if match else None


def font_maps(pdf: bytes) -> dict[bytes, dict[int, str]]:
    """For each font resource name (``F1+0``…) the code → text map of its ToUnicode CMap."""
    objs = objects(pdf)
    out: dict[bytes, dict[int, str]] = {}
    for body in objs.values():
        head = dictionary(body)
        if b"/Type /Font" not in head:
            continue
        name = re.search(rb"/Name\s*/([^\s/>]+)", head)
        cmap_ref = _ref(head, b"ToUnicode")
        if name is None or cmap_ref is None:
            continue
        cmap = stream(objs[cmap_ref]).decode("latin-1")
        out[name.group(1)] = {
            int(code, 16): chr(int(text, 16))
            for code, text in re.findall(r"<([0-9A-F]+)>\s*<([0-9A-F]+)>", cmap)
        }
    return out


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    return bytes([int(code, 8)]) if code[:1].isdigit() else _ESCAPES.get(code, code)


def pdf_text(pdf: bytes) -> str:
    """The text the pages draw, decoded through each font's ToUnicode map (page order)."""
    return "".join(page_texts(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """The text each page draws, in page order."""
    objs = objects(pdf)
    maps = font_maps(pdf)
    pages: list[str] = []
    token = re.compile(rb"/([^\s/\[\]()<>]+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
    for body in objs.values():
        head = dictionary(body)
        if not re.search(rb"/Type\s*/Page\b", head):
            continue
        contents = _ref(head, b"Contents")
        if contents is None:
            continue
        current: dict[int, str] = {}
        out: list[str] = []
        for match in token.finditer(stream(objs[contents])):
            if match.group(1) is not None:
                current = maps.get(match.group(1), {})
                continue
            raw = re.sub(rb"\\([0-7]{1,3}|.)", _unescape, match.group(2), flags=re.S)
            out.append("".join(current.get(code, "\ufffd") for code in raw))
        pages.append("".join(out))
    return pages
