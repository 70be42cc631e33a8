"""Stage 5, for social images: a 1200x630 image per explainer, per question and per card, drawn
with Pillow.

Each shows the site's logo and name at the top, then the title in bold (the explainer's title
above a question's or a card's, in a lighter line), then the explainer's dek, a question's short
answer or a card's summary, and the site's address at the foot. When the item (or its question, or its explainer)
has a picture, the picture fills the side the text's lines end on, and the image is a JPEG of
under MAX_BYTES; without one it is a PNG, a few tens of kilobytes.

The text is set in open-licensed fonts that come as Python packages (FONTS below), so a build
needs no fonts on the machine and draws the same pixels wherever the same fonts and Pillow are
installed. Each text (the title, the kicker, the summary, the site's name, the address) is set in
the font of the list that has the most of its letters: Noto Sans for Latin, Greek and Cyrillic,
then fonts for Arabic, Hebrew, Devanagari, Thai and Tamil. Lines are laid out by Pillow's Raqm
layout, which shapes each script (joined Arabic letters, Devanagari conjuncts) and orders
right-to-left text (a line of one script set left to right is drawn by render/glyphs.py from
glyphs drawn once, with the same pixels); a text whose first strong letter is right-to-left is set from the right
margin (and the picture then goes on the left). A letter no font has is drawn as the font's box.
The images hold no timestamp or other metadata, so the same inputs give the same bytes.

Images are drawn with a palette of one ramp of shades per colour, from the background to that
colour, and the logo's own colours: text is drawn, anti-aliased, as coverage on a layer of its
own, and coverage picks the shade; the bar and the rule are drawn straight in their colour's full
shade. A PNG of one byte a pixel is about a third of the size of an RGB one and several times
quicker to write.

A site has an image for every explainer, question and card, so what every image of a site shows,
the bar, the logo, the site's name, the rule and the address, is drawn once and copied; the last
few blocks of lines drawn are kept, as a question's and a card's kicker is its explainer's title;
and a picture is cut to its panel once for all the images that show it (bench/social_images.py
measures it).
"""

from __future__ import annotations

import importlib
import io
import json
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from explainer.content.pictures import Picture
from explainer.render.glyphs import Glyphs
from explainer.render.pictures import bare, upright
from explainer.render.png import palette_png
from explainer.plan.pages import SOCIAL_IMAGE_SIZE, SOCIAL_PHOTO, Page
from explainer.plan.publish import SocialImage

WIDTH, HEIGHT = SOCIAL_IMAGE_SIZE
MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
# Light colours, as the site's light scheme: dark text on a pale card, the accent for the name.
BACKGROUND = (0xF5, 0xF6, 0xF8)
ACCENT, INK, MUTED, RULE = range(4)  # the colours, by their place in COLOURS
COLOURS = ((0x0B, 0x5C, 0xAD), (0x1B, 0x1B, 0x1B), (0x4A, 0x4A, 0x4A), (0xD6, 0xD6, 0xD6))  # the accent is the site's brand's
LOGO_COLOURS = 64  # palette entries kept for the logo
SHADES = (256 - LOGO_COLOURS) // len(COLOURS)  # palette entries per colour; the first of each is the background
LINE_HEIGHT = 1.25
NAME_TOP = 58
LOGO_HEIGHT, LOGO_MAX_WIDTH, LOGO_GAP = 56, 240, 20
TITLE_SIZES = range(68, 39, -4)  # the largest that fits is used
TITLE_TOP = 168
TITLE_BOTTOM = 520
SUMMARY_SIZE, SUMMARY_LINES, SUMMARY_GAP = 30, 3, 16  # the dek, a question's short answer or a card's summary, under the title
PHOTO_WIDTH, GAP = 480, 48  # the picture fills this much of the image's height, on the side the text ends on
MAX_BYTES = 150_000  # social sites fetch an image this size quickly, and show it whole
JPEG_QUALITIES = (85, 78, 70, 62, 54, 46, 38)
REGULAR, BOLD = 400, 700  # weights: the title is bold, the rest regular
JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: they shape the letters around them

# The fonts, by the package that carries each, in the order they are tried: a text is set in the
# first that has the most of its letters.
FONTS = (
    "fontpkg_noto_sans",  # Latin, Greek, Cyrillic, Vietnamese
    "fontpkg_noto_sans_arabic",  # Arabic, Persian, Urdu (and Latin)
    "fontpkg_rubik",  # Hebrew (and Latin, Cyrillic)
    "fontpkg_noto_sans_devanagari",  # Hindi, Marathi, Nepali
    "fontpkg_noto_sans_thai",
    "fontpkg_noto_sans_tamil",
)


@cache
def _font_file(package: str) -> Path:
    """The upright font file a font package carries, as its metadata lists it."""
    root = importlib.import_module(package).ROOT
    files = json.loads((root / "metadata.json").read_text("utf-8"))["files"]
    return root / next(f["path"] for f in files if f["style"] == "normal")


@cache
def _letters(index: int) -> frozenset[int]:
    """The characters a font has a glyph for, from its character map (read once per process)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(_font_file(FONTS[index])), lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def _font(index: int, size: int, weight: int = REGULAR) -> Glyphs:
    """FONTS[index] at size and weight: Pillow's font, and its glyphs as drawn so far."""
    path = _font_file(FONTS[index])
    font = ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)
    axes = font.get_variation_axes()
    font.set_variation_by_axes([weight if axis.get("name") in (b"Weight", "Weight") else axis["default"] for axis in axes])
    return Glyphs(font, path, size, weight)


def _any_font_has(char: str) -> bool:
    return any(ord(char) in _letters(i) for i in range(len(FONTS)))


@lru_cache(maxsize=1 << 14)
def _drawable(char: str) -> str:
    """A character no font has, as its letters without their marks if some font has those
    (remembered per character: an image's text is a few hundred characters of a few dozen)."""
    if char == " " or _any_font_has(char):
        return char
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if bare and all(_any_font_has(c) for c in bare) else char


def drawable_text(text: str) -> str:
    """text as the image draws it: one line, no control characters.

    Runs of white space, tabs and line breaks included, become one space, as on the page; other
    control and format characters (bidi overrides, the BOM) are left out, but for the zero-width
    joiner and non-joiner, which decide how Arabic and Indic letters join ("می‌کند" in Persian).
    A letter no font has is drawn without its marks where that makes one a font has.
    """
    visible = "".join(c for c in text if c.isspace() or c in JOINERS or unicodedata.category(c)[0] != "C")
    return "".join(_drawable(c) for c in " ".join(visible.split()))


def font_for(text: str) -> int:
    """The font a text is set in: of FONTS, the first with the most of its letters."""
    wanted = {ord(c) for c in text if not c.isspace()}
    best, most = 0, -1
    for i in range(len(FONTS)):  # the fonts' maps are read only as far as a text needs them
        has = len(wanted & _letters(i))
        if has == len(wanted):
            return i
        if has > most:
            best, most = i, has
    return best


def direction_of(text: str) -> str:
    """"rtl" if the text's first strong letter is written right to left (Arabic, Hebrew...),
    else "ltr": the paragraph direction the Unicode bidirectional algorithm gives it (rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@lru_cache(maxsize=1 << 16)
def _width(font: Glyphs, text: str, direction: str) -> float:
    return font.width(text, direction)


def _fit_word(word: str, font: Glyphs, width: int, direction: str, limit: int | None = None) -> list[str]:
    """A word wider than the line, broken into pieces that fit; after limit pieces, if given, the
    rest is left whole, as no more of it is shown."""
    pieces = []
    while word and _width(font, word, direction) > width and (limit is None or len(pieces) < limit):
        # Where to cut, from the widths of the letters on their own; then back, until the piece
        # (shaped, with its kerning) fits.
        cut = max(1, sum(w <= width for w in accumulate(_width(font, c, direction) for c in word[:-1])))
        while cut > 1 and _width(font, word[:cut], direction) > width:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + ([word] if word else [])


# A line's width is near the sum of its words' and spaces' widths: kerning and shaping across a
# space move it by far less than this share. Only a line whose sum is this near the width is
# measured whole.
SLACK = 0.04


def wrap(text: str, font: Glyphs, width: int, limit: int | None = None, direction: str = "ltr") -> list[str]:
    """Greedy word wrap: as many words on each line as fit in width, as the line is shaped whole.

    Each word is measured once per font (a site's titles share most of their words), and a line
    is measured whole only when its words come near the width. With a limit, only the first
    limit + 1 lines are made, enough to tell that the text runs over: a title of thousands of
    characters costs no more to wrap than one that just fills the image.
    """
    lines: list[str] = []
    line, guess, space = "", 0.0, _width(font, " ", direction)
    for word in text.split(" "):
        if limit is not None and len(lines) > limit:
            break
        candidate = f"{line} {word}" if line else word
        estimate = guess + space + _width(font, word, direction) if line else _width(font, word, direction)
        if estimate <= width * (1 - SLACK) or (estimate <= width * (1 + SLACK) and _width(font, candidate, direction) <= width):
            line, guess = candidate, estimate
            continue
        if line:
            lines.append(line)
        *whole, line = _fit_word(word, font, width, direction, None if limit is None else max(0, limit + 1 - len(lines))) or [""]  # a "" word: two spaces in a row
        lines.extend(whole)
        guess = _width(font, line, direction)
    if line:
        lines.append(line)
    return lines if limit is None else lines[: limit + 1]


def _clip(lines: list[str], font: Glyphs, width: int, count: int, direction: str) -> list[str]:
    """At most count lines; a cut ends with an ellipsis."""
    if len(lines) <= count:
        return lines
    last = lines[count - 1]
    while last and _width(font, last + "\u2026", direction) > width:
        last = last[:-1]
    return lines[: count - 1] + [last.rstrip() + "\u2026"]


def _set(text: str, size: int, count: int, weight: int = REGULAR, width: int = TEXT_WIDTH) -> tuple[tuple[str, ...], int, int, str]:
    """A text set at size in its font, on at most count lines of width: its lines, font, size and direction."""
    index, direction = font_for(text), direction_of(text)
    font = _font(index, size, weight)
    return tuple(_clip(wrap(text, font, width, count, direction), font, width, count, direction)), index, size, direction


def _fit_title(text: str, height: int, width: int = TEXT_WIDTH) -> tuple[tuple[str, ...], int, int, str]:
    """The largest size at which the title fits the space, clipped at the smallest if none does."""
    index, direction = font_for(text), direction_of(text)
    for size in TITLE_SIZES:
        font = _font(index, size, BOLD)
        room = max(1, int(height // (size * LINE_HEIGHT)))
        lines = wrap(text, font, width, room, direction)
        if len(lines) * size * LINE_HEIGHT <= height:
            return tuple(lines), index, size, direction
    return tuple(_clip(lines, font, width, room, direction)), index, size, direction


@lru_cache(maxsize=8)
def _palette(accent: tuple[int, int, int], logo: tuple[int, ...] = ()) -> list[int]:
    """Entry SHADES * c + k is k / (SHADES - 1) of the way from the background to colour c (the
    accent first); the logo's colours follow."""
    entries = []
    for colour in (accent, *COLOURS[1:]):
        for k in range(SHADES):
            entries.extend(round(b + (c - b) * k / (SHADES - 1)) for b, c in zip(BACKGROUND, colour))
    return entries + list(logo)


PALETTE = _palette(COLOURS[ACCENT])


# Coverage (0-255) to a palette index on colour c's ramp, and to a mask of the pixels it touches.
_SHADE_OF = [[c * SHADES + round(a * (SHADES - 1) / 255) for a in range(256)] for c in range(len(COLOURS))]
_TOUCHED = [0] + [255] * 255


@dataclass(frozen=True, slots=True)
class Column:
    """Where text goes across the image: from `left` to `right`; a line starts at the side its direction starts."""

    left: int = MARGIN
    right: int = WIDTH - MARGIN

    @property
    def width(self) -> int:
        return self.right - self.left


FULL = Column()


def coverage(lines: tuple[str, ...], index: int, size: int, direction: str, weight: int = REGULAR, column: Column = FULL) -> Image.Image:
    """Lines drawn whole, each from the side of the column its direction starts at, on a layer as
    wide as the image. The first line's top is a size down: a size is spared above the first line
    and two below the last, for marks above and below the letters."""
    font = _font(index, size, weight)
    pitch = round(size * LINE_HEIGHT)
    layer = Image.new("L", (WIDTH, len(lines) * pitch + 3 * size), 0)
    for i, line in enumerate(lines):
        x = column.left if direction == "ltr" else column.right - _width(font, line, direction)
        font.draw(layer, (x, size + i * pitch), line, direction)
    return layer


@lru_cache(maxsize=8)
def _block(lines: tuple[str, ...], index: int, size: int, direction: str, weight: int, colour: int, column: Column = FULL) -> tuple[Image.Image, Image.Image, tuple[int, int]] | None:
    """Lines drawn in colour: their shades, the mask of the pixels they touch, and where these go
    from the left edge and the first line's top. None if they touch none.

    Cached, as a question's and a card's kicker is their explainer's title, the same on each image.
    """
    layer = coverage(lines, index, size, direction, weight, column)
    box = layer.getbbox()
    if not box:
        return None
    ink = layer.crop(box)
    return ink.point(_SHADE_OF[colour]), ink.point(_TOUCHED), (box[0], box[1] - size)


def _draw_lines(canvas: Image.Image, colour: int, text: tuple[tuple[str, ...], int, int, str], top: int, weight: int = REGULAR, column: Column = FULL) -> int:
    """Set text (from _set or _fit_title) in colour from row top down; returns where the next line would start."""
    lines, index, size, direction = text
    block = _block(lines, index, size, direction, weight, colour, column)
    if block:
        shades, touched, (x, y) = block
        canvas.paste(shades, (x, top + y), mask=touched)
    return top + len(lines) * round(size * LINE_HEIGHT)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@lru_cache(maxsize=2)
def _logo(png: bytes) -> tuple[Image.Image, Image.Image, tuple[int, ...]]:
    """The site's logo at the height the image shows it: palette indices after the ramps', the mask
    of its visible pixels, and its colours (at most LOGO_COLOURS of them)."""
    with Image.open(io.BytesIO(png)) as opened:
        logo = opened.convert("RGBA")
    logo.thumbnail((LOGO_MAX_WIDTH, LOGO_HEIGHT), Image.Resampling.LANCZOS)
    flat = Image.new("RGB", logo.size, BACKGROUND)
    flat.paste(logo, mask=logo.getchannel("A"))
    quantized = flat.quantize(LOGO_COLOURS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colours = tuple(quantized.getpalette() or [])[: 3 * LOGO_COLOURS]
    indices = Image.frombytes("L", quantized.size, bytes(len(COLOURS) * SHADES + i for i in quantized.tobytes()))
    return indices, logo.getchannel("A").point(lambda a: 255 if a > 8 else 0), colours


@lru_cache(maxsize=8)
def _site_canvas(site_name: str, address: str, logo: bytes | None, column: Column) -> Image.Image:
    """What every image of a site shows, as palette indices: the accent bar, the logo and the
    site's name, the rule and the address, in the text's column."""
    canvas = Image.new("L", SOCIAL_IMAGE_SIZE, 0)
    pen = ImageDraw.Draw(canvas)
    pen.rectangle((0, 0, WIDTH, 14), fill=_SHADE_OF[ACCENT][255])
    name = drawable_text(site_name)
    name_column = column
    if logo is not None:
        indices, mask, _ = _logo(logo)
        rtl = direction_of(name) == "rtl"
        x = column.right - indices.width if rtl else column.left
        canvas.paste(indices, (x, NAME_TOP + 24 - indices.height // 2), mask=mask)
        name_column = Column(column.left, x - LOGO_GAP) if rtl else Column(x + indices.width + LOGO_GAP, column.right)
    _draw_lines(canvas, ACCENT, _set(name, 34, 1, width=max(1, name_column.width)), NAME_TOP, column=name_column)
    pen.line((column.left, 548, column.right, 548), fill=_SHADE_OF[RULE][255], width=2)
    _draw_lines(canvas, MUTED, _set(drawable_text(address), 26, 1, width=column.width), 564, column=column)
    return canvas


@lru_cache(maxsize=2)
def _photo(root: Path, picture: Picture, size: tuple[int, int]) -> Image.Image:
    """The picture filling a panel of size, cut to its shape about its middle (kept for the next
    image: an explainer's, its questions' and its cards' show the same one)."""
    return ImageOps.fit(upright(root, picture).convert("RGB"), size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def draw_social_image(image: SocialImage, root: Path | None = None) -> Image.Image:
    """The logo and the site's name at the top; the kicker, the title large and bold, and the
    summary; the address at the foot; and the picture, when there is one (and a project, root, to
    read it from), filling the side the title's lines end on."""
    title = drawable_text(image.title)
    photo = image.picture is not None and root is not None
    rtl = direction_of(title) == "rtl"
    column = FULL if not photo else Column(PHOTO_WIDTH + GAP, WIDTH - MARGIN) if rtl else Column(MARGIN, WIDTH - PHOTO_WIDTH - GAP)
    logo = image.logo.png if image.logo is not None else None
    canvas = _site_canvas(image.site_name, image.address, logo, column).copy()
    top = TITLE_TOP
    if image.kicker:
        top = _draw_lines(canvas, MUTED, _set(drawable_text(image.kicker), 30, 2, width=column.width), top, column=column) + 24
    summary = _set(drawable_text(image.summary), SUMMARY_SIZE, SUMMARY_LINES, width=column.width) if image.summary else None
    below = len(summary[0]) * round(SUMMARY_SIZE * LINE_HEIGHT) + SUMMARY_GAP if summary and summary[0] else 0
    top = _draw_lines(canvas, INK, _fit_title(title, TITLE_BOTTOM - top - below, column.width), top, BOLD, column)
    if summary:
        _draw_lines(canvas, INK, summary, top + SUMMARY_GAP, column=column)
    canvas.putpalette(_palette(_rgb(image.accent), _logo(logo)[2] if logo is not None else ()))  # the bytes are palette indices: this makes it a "P" image
    if not photo:
        return canvas
    assert image.picture is not None and root is not None
    drawn = canvas.convert("RGB")
    drawn.paste(_photo(root, bare(image.picture), (PHOTO_WIDTH, HEIGHT)), (0 if rtl else WIDTH - PHOTO_WIDTH, 0))
    return drawn


def render_social_image(page: Page) -> bytes:
    """The page's social image: a PNG, or a JPEG when it shows a picture (the picture does not
    shrink in a PNG), in either case with no timestamp or other metadata, the same every build,
    and under MAX_BYTES."""
    drawn = draw_social_image(page.context["image"], page.context.get("root"))
    if page.template != SOCIAL_PHOTO:
        return palette_png(drawn)
    for quality in JPEG_QUALITIES:  # the best that stays under the size social sites take quickly
        out = io.BytesIO()
        drawn.convert("RGB").save(out, format="JPEG", quality=quality, optimize=True)
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()
