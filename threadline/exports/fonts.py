"""The fonts the PDFs are set in, and the per-character fallback that lets any client's name
print.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core), which covers Latin, Greek and Cyrillic
but no Chinese, Japanese or Korean. Characters DejaVu lacks are set in WenQuanYi Micro Hei
(Debian's fonts-wqy-microhei, about 5 MB, a TrueType collection: hence `subfontIndex`), which
covers CJK ideographs, kana and Hangul, embedded like DejaVu. Without that package the fallback
is one of reportlab's built-in CID fonts, chosen by script: they need no font file, but the PDF
names a font the reader's viewer must supply, so a warning says to install the package.

Without DejaVu the text is set in Helvetica, which prints only Latin-1; a warning says so.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger("threadline.exports.pdf")

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# TrueType-outlined CJK collections reportlab can embed (Noto CJK is CFF-outlined: it cannot).
CJK_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
CJK_FONT = "CJKSans"

# reportlab's CID fonts, one per script (Adobe's character collections): Korean for Hangul,
# Japanese for kana, simplified Chinese (GBK covers most Japanese kanji too) for the rest.
CID_HANGUL = "HYGothic-Medium"
CID_KANA = "HeiseiKakuGo-W5"
CID_HAN = "STSong-Light"

Covers = Callable[[int], bool]
# What Helvetica draws: the standard fonts' WinAnsi encoding, which is Windows-1252.
WIN_ANSI = frozenset(ord(bytes([b]).decode("cp1252", "ignore") or "\0") for b in range(32, 256)) - {
    0
}


@dataclass(frozen=True)
class Fallback:
    """A font for the characters the main font cannot draw, and which of them it can."""

    name: str
    covers: Covers


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    # The code points the main fonts draw (regular and bold cover the same ones).
    covered: frozenset[int] = field(default=frozenset(), compare=False, repr=False)
    fallbacks: tuple[Fallback, ...] = field(default=(), compare=False, repr=False)

    def runs(self, text: str, font: str) -> list[tuple[str, str]]:
        """`text` cut into (font, text) runs: `font` where it has the glyph, else the first
        fallback that does; a character no font has stays in `font`."""
        if text.isascii() or not self.fallbacks:
            return [(font, text)]
        out: list[tuple[str, str]] = []
        for char in text:
            chosen = font
            code = ord(char)
            if char == " " and out:
                chosen = out[-1][0]  # a space between two CJK words stays in their run
            elif code not in self.covered:
                chosen = next((f.name for f in self.fallbacks if f.covers(code)), font)
            if out and out[-1][0] == chosen:
                out[-1] = (chosen, out[-1][1] + char)
            else:
                out.append((chosen, char))
        return out

    def markup(self, text: str) -> str:
        """Paragraph markup for plain `text`: escaped, line breaks kept, runs the main font
        cannot draw wrapped in the fallback font."""
        parts = []
        for font, run in self.runs(text, self.regular):
            escaped = escape(run).replace("\n", "<br/>")
            parts.append(
                escaped if font == self.regular else f'<font face="{font}">{escaped}</font>'
            )
        return "".join(parts)

    def width(self, text: str, font: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(run, f, size) for f, run in self.runs(text, font))


def _family(name: str) -> None:
    # <b> inside a fallback run looks up the family's bold face; CJK has no bold here.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def _truetype_fallback(files: Iterable[Path]) -> Fallback | None:
    for path in files:
        if not path.is_file():
            continue
        font = TTFont(CJK_FONT, str(path), subfontIndex=0)
        pdfmetrics.registerFont(font)
        _family(CJK_FONT)
        glyphs = frozenset(font.face.charToGlyph)
        return Fallback(CJK_FONT, glyphs.__contains__)
    return None


def _script(code: int) -> str:
    if 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xAC00 <= code <= 0xD7AF:
        return "hangul"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF65 <= code <= 0xFF9F:
        return "kana"
    if (
        0x2E80 <= code <= 0x2FDF  # radicals
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x4E00 <= code <= 0x9FFF  # unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFF64  # full-width forms
    ):
        return "han"
    return ""


def _cid_fallbacks() -> tuple[Fallback, ...]:
    out = []
    for name, script in ((CID_HANGUL, "hangul"), (CID_KANA, "kana"), (CID_HAN, "han")):
        pdfmetrics.registerFont(UnicodeCIDFont(name))
        _family(name)
        out.append(Fallback(name, functools.partial(lambda s, code: _script(code) == s, script)))
    return tuple(out)


def load_fonts(folder: Path, cjk: Iterable[Path] = CJK_FILES) -> Fonts:
    """Register DejaVu Sans from `folder` (or fall back to Helvetica with a warning) and a CJK
    fallback from the first of `cjk` present (or reportlab's CID fonts, with a warning)."""
    fallback = _truetype_fallback(cjk)
    if fallback is None:
        log.warning(
            "No CJK font file (install fonts-wqy-microhei); Chinese, Japanese and Korean text "
            "in PDFs uses fonts the reader's PDF viewer must supply."
        )
        fallbacks = _cid_fallbacks()
    else:
        fallbacks = (fallback,)
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        log.warning(
            "DejaVu Sans is not in %s (install fonts-dejavu-core); PDFs fall back to "
            "Helvetica, which cannot print names outside Latin-1.",
            folder,
        )
        return Fonts("Helvetica", "Helvetica-Bold", WIN_ANSI, fallbacks)
    oblique = folder / "DejaVuSans-Oblique.ttf"
    main = TTFont("DejaVuSans", str(regular))
    pdfmetrics.registerFont(main)
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    italic = "DejaVuSans"
    if oblique.is_file():
        pdfmetrics.registerFont(TTFont("DejaVuSans-Oblique", str(oblique)))
        italic = "DejaVuSans-Oblique"
    pdfmetrics.registerFontFamily(
        "DejaVuSans",
        normal="DejaVuSans",
        bold="DejaVuSans-Bold",
        italic=italic,
        boldItalic="DejaVuSans-Bold",
    )
    covered = frozenset(main.face.charToGlyph)
    return Fonts("DejaVuSans", "DejaVuSans-Bold", covered, fallbacks)


@functools.cache
def fonts() -> Fonts:
    # Parsing a TrueType file takes longer than rendering a page: once per process.
    return load_fonts(DEJAVU, CJK_FILES)
