"""The share panel: the link reopens the view, the QR code decodes to it (Debian's zbarimg), and
presentation mode lives in the URL."""

import subprocess

import pytest
from pages import open_page

from derivcore.share import qr_png, view_link


def decode(png: bytes, tmp_path) -> str:
    image = tmp_path / "qr.png"
    image.write_bytes(png)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_view_link_keeps_repeated_parameters():
    link = view_link("http://host:8501/error", [("schemes", "forward"), ("schemes", "central")])
    assert link == "http://host:8501/error?schemes=forward&schemes=central"
    assert view_link("http://host/", []) == "http://host/"


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:8501/",
        "https://class.example.org/error?f=1%2Fw%5E2&at=4&eps=1e-9&schemes=forward"
        "&schemes=central&dtypes=float32&present=true",
    ],
)
def test_the_qr_code_decodes_to_the_link(link, tmp_path):
    assert decode(qr_png(link), tmp_path) == link


def test_the_qr_code_is_big_enough_for_a_lecture_hall():
    # A 25-module code with a 4-module border at 10 px a module: 330 px, about 9 cm on a 1080p
    # projector image 2.5 m wide; read from 10 m away at the rule of thumb distance ≤ 10 × side.
    png = qr_png("http://127.0.0.1:8501/")
    width = int.from_bytes(png[16:20], "big")  # the PNG header's IHDR width
    assert width >= 330


def test_the_share_panel_shows_the_link_of_the_view_and_presentation_mode(tmp_path):
    # the student opened "Share this view"
    at = open_page(f="1/w^2", at="4", present="true", session={"share_open": True})
    assert at.toggle(key="present").value is True
    link = next(m.value for m in at.markdown if m.value.startswith("[http"))
    assert "f=1%2Fw%5E2" in link and "at=4" in link and "present=true" in link
