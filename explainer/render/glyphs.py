"""Lines of text measured and drawn as Pillow draws them, from glyphs drawn once.

Pillow sets a line by shaping it (Raqm, with HarfBuzz) and then loading and rendering each of its
glyphs with FreeType, twice (once to find the line's box); nothing is kept for the next line. A
site's social images set the same few hundred glyphs, at a few sizes, thousands of times: drawing
text was about half of an image's time. Here a line is shaped with HarfBuzz (uharfbuzz), each
glyph is drawn once per font and size, by Pillow itself, and pasted where the shaping puts it.
The result is Pillow's, pixel for pixel, as Pillow places glyphs on whole pixels and draws them
hinted, so a glyph's pixels do not depend on where it stands:

- a glyph's advance is Pillow's (hinted, a whole number of pixels) for the glyph alone; HarfBuzz
  adds the kerning and other positioning between glyphs, at the scale FreeType gives the size;
- its pen position is rounded to the pixel as Pillow rounds it, from the line's start;
- it is pasted with its coverage, as Pillow blends a glyph into a line.

So a line's width is Pillow's `getlength`, exactly, and the lines break where they did.

Only lines sure to come out as Pillow draws them take this way: one script (with the digits,
punctuation and marks common to all), set left to right, each glyph standing for a cluster of
characters that, shaped alone, is that one glyph (a letter, or a ligature such as "fi"). Anything
else, right-to-left text, mixed scripts, a cluster of several glyphs (Indic and Thai vowel signs,
stacked marks), is drawn by Pillow as before. tests/test_publish.py compares the two ways' pixels
and widths over Latin, Greek, Cyrillic and Vietnamese, kerning pairs and ligatures.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex
import uharfbuzz as hb
from PIL import Image, ImageDraw, ImageFont


@cache
def _one_script(script: str | None) -> regex.Pattern[str] | None:
    """Text of that script and the characters common to all scripts (digits, punctuation, marks);
    None for a script HarfBuzz knows and regex does not (none yet), whose lines Pillow draws."""
    own = rf"\p{{sc={script}}}" if script else ""
    try:
        return regex.compile(rf"[{own}\p{{sc=Zyyy}}\p{{sc=Zinh}}]*")
    except regex.error:
        return None


class Glyphs:
    """One font at one size and weight: Pillow's font, and what has been drawn with it."""

    def __init__(self, font: ImageFont.FreeTypeFont, path: Path, size: int, weight: int) -> None:
        self.font = font
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        # The scale FreeType sets for a size in pixels (FT_Set_Pixel_Sizes, then FT_DivFix), in
        # HarfBuzz's units as hb-ft, which Raqm shapes with, turns it: 64ths of a pixel.
        x_scale = (size * 64 * 65536 + face.upem // 2) // face.upem
        self._plain = hb.Font(face)
        self._plain.scale = ((x_scale * face.upem + (1 << 15)) >> 16,) * 2
        if any(axis.tag == "wght" for axis in face.axis_infos):
            self._plain.set_variations({"wght": weight})
        # The font HarfBuzz shapes with: the plain one, with Pillow's advances.
        self._shaper = hb.Font(self._plain)
        funcs = hb.FontFuncs()
        funcs.set_glyph_h_advance_func(self._advance, None)
        self._shaper.funcs = funcs
        self._advances: dict[int, int] = {}  # glyph -> Pillow's advance, 64ths of a pixel
        self._drawn: dict[int, tuple[Image.Image | None, int, int] | None] = {}  # glyph -> its pixels and offset; None: not drawn alone
        self._unknown = False  # an advance was asked for that Pillow's is not known for yet

    def _advance(self, font: hb.Font, glyph: int, data: object) -> int:
        advance = self._advances.get(glyph)
        if advance is None:
            self._unknown = True
            return self._plain.get_glyph_h_advance(glyph)
        return advance

    def _shape(self, text: str, font: hb.Font) -> hb.Buffer | None:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        one_script = _one_script(buffer.script)
        if buffer.direction != "ltr" or one_script is None or not one_script.fullmatch(text):
            return None
        hb.shape(font, buffer)
        return buffer

    def _learn(self, glyph: int, cluster: str) -> bool:
        """Whether the glyph can be drawn alone: its cluster, shaped alone, is that glyph. Its
        advance and pixels are then Pillow's, for the cluster alone."""
        if glyph not in self._drawn:
            alone = self._shape(cluster, self._plain)
            if alone is None or [info.codepoint for info in alone.glyph_infos] != [glyph]:
                self._drawn[glyph] = None
            else:
                self._advances[glyph] = round(self.font.getlength(cluster) * 64)
                left, top, right, bottom = self.font.getbbox(cluster, anchor="la")
                pixels = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
                ImageDraw.Draw(pixels).text((-left, -top), cluster, font=self.font, fill=255)
                self._drawn[glyph] = (pixels if pixels.getbbox() else None, left, top)  # None: nothing to draw (a space)
        return self._drawn[glyph] is not None

    def _layout(self, text: str) -> tuple[list[tuple[tuple[Image.Image | None, int, int], int, int]], int] | None:
        """Each glyph of a line with its pen position (64ths of a pixel, y up), and the line's
        width; None if the line is not sure to come out as Pillow draws it."""
        if not text:
            return [], 0
        self._unknown = False
        buffer = self._shape(text, self._shaper)
        if buffer is None:
            return None
        starts = [info.cluster for info in buffer.glyph_infos] + [len(text)]
        if any(a >= b for a, b in zip(starts, starts[1:])):
            return None  # a cluster of several glyphs, or glyphs out of the text's order
        if not all(self._learn(info.codepoint, text[a:b]) for info, a, b in zip(buffer.glyph_infos, starts, starts[1:])):
            return None
        if self._unknown:  # shaped before some advances were known: again, with them
            buffer = self._shape(text, self._shaper)
            assert buffer is not None
        placed, pen = [], 0
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
            drawn = self._drawn[info.codepoint]
            assert drawn is not None
            placed.append((drawn, pen + position.x_offset, position.y_offset))
            pen += position.x_advance
        return placed, pen

    def cached(self, text: str, direction: str) -> bool:
        """Whether the line is drawn from glyphs drawn once (else Pillow draws it whole)."""
        return direction == "ltr" and self._layout(text) is not None

    def width(self, text: str, direction: str) -> float:
        """The line's width in pixels: Pillow's `getlength`."""
        laid = self._layout(text) if direction == "ltr" else None
        return laid[1] / 64 if laid is not None else self.font.getlength(text, direction=direction)

    def draw(self, layer: Image.Image, xy: tuple[float, float], text: str, direction: str) -> None:
        """The line's coverage (255 where fully covered) on layer, from xy: its left end at the
        height of the font's ascender, as Pillow's `ImageDraw.text` draws it."""
        x, y = int(xy[0]), int(xy[1])
        laid = self._layout(text) if direction == "ltr" and (x, y) == xy else None  # Pillow draws from a fraction of a pixel too
        if laid is None:
            ImageDraw.Draw(layer).text(xy, text, font=self.font, fill=255, direction=direction)
            return
        for (pixels, left, top), pen_x, pen_y in laid[0]:
            if pixels is not None:
                layer.paste(255, (x + ((pen_x + 32) >> 6) + left, y - ((pen_y + 32) >> 6) + top), pixels)
