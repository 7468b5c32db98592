"""The link of a view and its QR code, for an instructor to share with a class."""

import io
from urllib.parse import urlencode

import segno


def view_link(page_url: str, params: list[tuple[str, str]]) -> str:
    """The URL of a page with its query parameters (a key may repeat: schemes=a&schemes=b)."""
    return page_url + ("?" + urlencode(params) if params else "")


def qr_png(text: str, scale: int = 10) -> bytes:
    """A QR code of `text` as PNG: error correction M (15% of it may be unreadable, a projector's
    glare), `scale` pixels per module, the standard quiet zone of 4 modules."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
