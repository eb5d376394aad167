"""Build the TrueType fonts the documents embed, from Noto Sans SC and Noto Sans JP (SIL OFL 1.1).

ReportLab embeds TrueType outlines only, and Noto's OpenType fonts have PostScript (CFF) outlines:
this converts them (fontTools cu2qu, max error 1 unit of 1000), keeps the Chinese font whole and from
the Japanese one only the characters the Chinese one lacks (rare ideographs such as 𠮷), drops
layout tables ReportLab does not read. Run once by a maintainer; the outputs are committed.

    python documents/fonts/build.py NotoSansSC-Regular.otf NotoSansJP-Regular.otf documents/fonts/
    gzip -9 documents/fonts/NotoSansSC-Regular.ttf

The sources: Noto Sans SC and Noto Sans JP 2.x (the PyPI packages pylopdf-fonts-zh-cn 0.1.1 and
pylopdf-fonts-cjk 0.1.0 ship them), licensed under the SIL Open Font License 1.1 (OFL.txt).
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable


def to_truetype(font: TTFont) -> None:
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    head = font["head"]
    head.glyphDataFormat = 0
    head.indexToLocFormat = 1
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"


def build(source: Path, target: Path, unicodes: set[int]) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_bounds = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    to_truetype(font)
    font.save(target)


def main(sc: str, jp: str, out: str) -> None:
    out_dir = Path(out)
    sc_map = set(TTFont(sc).getBestCmap())
    jp_map = set(TTFont(jp).getBestCmap())
    build(Path(sc), out_dir / "NotoSansSC-Regular.ttf", sc_map)
    build(Path(jp), out_dir / "NotoSansJP-Supplement.ttf", jp_map - sc_map)


if __name__ == "__main__":
    main(*sys.argv[1:4])
