"""Real PDF files for tests, generated on the fly (fpdf2, plus one hand-written file).

Why: parser and indexer tests need PDFs with known text on known pages, running headers
and footers, document info, and the failures a real collection contains (damaged,
password-protected, image-only, pathologically slow) without committing binary files.

Text is set in the core font Helvetica with the Windows-1252 encoding whenever that
covers it (Dutch é ë ï, curly quotes, en dashes, non-breaking spaces, soft hyphens): it is
fast and needs no font file. Other characters (ligatures such as `ﬁ`, `ĳ`) need DejaVu
Sans from the system; without it `make_pdf` raises a clear error.
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw

UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SAMPLE_TEXT = [
    "Het integraal kindcentrum werkt aan samen-",
    "werking tussen kinderopvang en onderwijs.",
]


class _Document(FPDF):
    """An A4 document whose running header and footer may contain `{page}` (and `{nb}`)."""

    def __init__(self, header: str | None, footer: str | None, unicode: bool = False) -> None:
        super().__init__(format="A4")
        self._header_text = header
        self._footer_text = footer
        self.set_auto_page_break(False)  # one list of lines is exactly one page
        if unicode:
            if not UNICODE_FONT.is_file():
                raise RuntimeError(f"text outside Windows-1252 needs the font {UNICODE_FONT}")
            self.add_font("DejaVu", "", str(UNICODE_FONT))
            self.set_font("DejaVu", size=11)
        else:
            self.core_fonts_encoding = "windows-1252"
            self.set_font("Helvetica", size=11)

    def _running_line(self, template: str | None, y: float) -> None:
        if template:
            self.set_y(y)
            self.cell(w=0, h=6, text=template.replace("{page}", str(self.page_no())))

    def header(self) -> None:
        self._running_line(self._header_text, 10)

    def footer(self) -> None:
        self._running_line(self._footer_text, -15)


def _needs_unicode(texts: list[str | None]) -> bool:
    try:
        "".join(text or "" for text in texts).encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, 12, tzinfo=dt.UTC)


def make_pdf(
    path: Path | str,
    pages: list[list[str]],
    title: str | None = None,
    author: str | None = None,
    creation_date: dt.date | dt.datetime | None = None,
    header: str | None = None,
    footer: str | None = None,
    encrypt_password: str | None = None,
    owner_password: str | None = None,
) -> Path:
    """Write a PDF with one page per list of lines and return its path.

    `header`/`footer` repeat on every page; `{page}` becomes the page number and `{nb}`
    the page count. `encrypt_password` is the user password needed to open the file;
    `owner_password` alone gives a file that is encrypted but opens without a password.
    `creation_date` None means fpdf2's default: now.
    """
    texts = [line for lines in pages for line in lines]
    pdf = _Document(header, footer, unicode=_needs_unicode([*texts, header, footer]))
    if title is not None:
        pdf.set_title(title)
    if author is not None:
        pdf.set_author(author)
    if creation_date is not None:
        pdf.set_creation_date(_as_datetime(creation_date))
    if encrypt_password is not None or owner_password is not None:
        user = encrypt_password or ""
        pdf.set_encryption(owner_password=owner_password or f"{user}-eigenaar", user_password=user)
    for lines in pages:
        pdf.add_page()
        pdf.set_y(25)
        for line in lines:
            pdf.cell(w=0, h=6, text=line, new_x="LMARGIN", new_y="NEXT")
    path = Path(path)
    pdf.output(str(path))
    return path


def make_damaged_pdf(path: Path | str) -> Path:
    """A valid three-page PDF cut off halfway, like an interrupted download."""
    path = make_pdf(path, [SAMPLE_TEXT, ["Tweede pagina."], ["Derde pagina."]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_encrypted_pdf(path: Path | str, password: str = "geheim") -> Path:
    """A PDF that needs the user password `password` to open (RC4, 128 bits)."""
    return make_pdf(path, [["Vertrouwelijk verslag van de kopgroep."]], encrypt_password=password)


def make_image_only_pdf(path: Path | str) -> Path:
    """One page with an image and a rectangle but no text layer, like a scan."""
    scan = Image.new("L", (240, 340), 235)
    draw = ImageDraw.Draw(scan)
    for y in range(30, 320, 14):
        draw.line((20, y, 220, y), fill=90, width=3)
    pdf = _Document(header=None, footer=None)
    pdf.add_page()
    pdf.image(scan, x=20, y=20, w=170)
    pdf.rect(15, 15, 180, 260)
    path = Path(path)
    pdf.output(str(path))
    return path


def make_slow_pdf(path: Path | str, arrays: int = 12_000) -> Path:
    """A ~20 kB PDF on which pypdf's text extraction takes very long (to test time limits).

    One page whose single Flate-compressed content stream holds `arrays` TJ operators,
    each with 50 one-letter strings separated by large kerning offsets. pypdf's work
    grows faster than linearly with this input: `extract_text()` with pypdf 7.1 on a
    2-core development machine took 28 s for 10,000 arrays and 37 s for 12,000 (the
    default: a 20 kB file, 5.5 MB of content stream). It stays under pypdf's per-stream
    token budget (2,000,000), so pypdf does not give up early. fpdf2 cannot emit raw
    operators, so the file is hand-written.
    """
    operator = b"[" + b"(a)-3000 " * 50 + b"] TJ\n"
    content = b"BT /F1 10 Tf 72 720 Td\n" + operator * arrays + b"ET\n"
    path = Path(path)
    path.write_bytes(_single_page_pdf(zlib.compress(content, 9)))
    return path


def _single_page_pdf(flate_content: bytes) -> bytes:
    """A minimal, valid one-page PDF (Helvetica) around a Flate-compressed content stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(flate_content)
        + flate_content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
