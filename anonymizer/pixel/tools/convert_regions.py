#!/usr/bin/env python3
"""Converts the community libraries of known burned-in text regions into
rwdgate's own format: anonymizer/pixel/data/known_regions.inc, C++
initialisers of KnownRegionRule (anonymizer/pixel/known_regions.h).

Inputs (../shared/burned-in-regions/, see its SOURCE.md):
  ctp-DicomPixelAnonymizer.script  RSNA CTP "Burned-in Annotation Library":
      { Keyword.method("value") * ... + ... }  then (x,y,w,h) rectangles
  pydicom-deid-deid.dicom*         pydicom/deid recipes, %filter graylist:
      LABEL name / [+|||] op Field value / coordinates x0,y0,x1,y1 |
      ctpcoordinates x,y,w,h

Every rule becomes one or more conjunctions (disjunctive normal form) of
conditions on top-level header attributes, with its boxes as x, y, width,
height. Rules without a box, rules whose boxes depend on other attributes
(keepcoordinates, coordinates from:, coordinates all) and whitelist/blacklist
filters are left out. Identical rules from both libraries are kept once,
with both origins.

Usage: convert_regions.py SOURCE_DIR OUTPUT_INC
"""
import os
import re
import sys

# Keywords the libraries use, and their tags (PS3.6). A keyword not listed
# here stops the conversion: add it rather than guess.
TAGS = {
    "Modality": (0x0008, 0x0060),
    "Manufacturer": (0x0008, 0x0070),
    "ManufacturerModelName": (0x0008, 0x1090),
    "Rows": (0x0028, 0x0010),
    "Columns": (0x0028, 0x0011),
    "ImageType": (0x0008, 0x0008),
    "SeriesDescription": (0x0008, 0x103E),
    "StudyDescription": (0x0008, 0x1030),
    "BurnedInAnnotation": (0x0028, 0x0301),
    "CodeMeaning": (0x0008, 0x0104),
    "CommentsOnRadiationDose": (0x0040, 0x0310),
    "WindowWidth": (0x0028, 0x1051),
    "ImplementationVersionName": (0x0002, 0x0013),
    "OverlayDescription": (0x6000, 0x0022),
    "ProtocolName": (0x0018, 0x1030),
    "BodyPartExamined": (0x0018, 0x0015),
    "SequenceOfUltrasoundRegions": (0x0018, 0x6011),
}
# Misspellings in the deid recipes, read as what they obviously mean.
ALIASES = {"Manfacturer": "Manufacturer", "Manufacture": "Manufacturer"}
# Conditions on attributes the header de-identification keeps come first:
# they decide most rules without reading anything else.
ORDER = ["Modality", "Rows", "Columns", "Manufacturer", "ManufacturerModelName", "ImageType",
         "BurnedInAnnotation", "WindowWidth", "ImplementationVersionName"]

OPS = {  # library spelling -> KnownRegionRule op
    "contains": "kContains", "containsignorecase": "kContains", "notcontains": "kNotContains",
    "equals": "kEquals", "equalsignorecase": "kEquals", "notequals": "kNotEquals",
    "startswith": "kStartsWith", "startswithignorecase": "kStartsWith",
    "endswith": "kEndsWith", "endswithignorecase": "kEndsWith",
    "missing": "kMissing", "empty": "kEmpty", "present": "kPresent",
}


class Cond:
    def __init__(self, field, op, values):
        field = ALIASES.get(field, field)
        m = re.fullmatch(r"\[([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\]", field)
        if m:
            tag = (int(m.group(1), 16), int(m.group(2), 16))
            field = next((k for k, v in TAGS.items() if v == tag), field)
        else:
            if field not in TAGS:
                raise SystemExit("convert_regions: unknown keyword %r (add it to TAGS)" % field)
            tag = TAGS[field]
        if op.lower() not in OPS:
            raise SystemExit("convert_regions: unknown operation %r" % op)
        self.field, self.tag, self.op = field, tag, OPS[op.lower()]
        self.values = tuple(v.strip() for v in values if v.strip()) if values else ()

    def key(self):
        return (self.tag, self.op, self.values)


# Expressions: ("and"|"or", [children]) or a Cond; to DNF (list of lists).
def dnf(e):
    if isinstance(e, Cond):
        return [[e]]
    kind, kids = e
    parts = [dnf(k) for k in kids]
    if kind == "or":
        return [c for p in parts for c in p]
    out = [[]]
    for p in parts:
        out = [a + b for a in out for b in p]
    return out


# ------------------------------------------------------------------ CTP
CTP_TERM = re.compile(r'\s*(\[[0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\]|[A-Za-z]+)\.([A-Za-z]+)\s*\(\s*"([^"]*)"\s*\)')


def parse_ctp_expr(text):
    """* is AND, + is OR, AND binds tighter, parentheses group."""
    pos = 0

    def skip():
        nonlocal pos
        while pos < len(text) and text[pos].isspace():
            pos += 1

    def primary():
        nonlocal pos
        skip()
        if text[pos] == "(":
            pos += 1
            e = disj()
            skip()
            assert text[pos] == ")", text
            pos += 1
            return e
        m = CTP_TERM.match(text, pos)
        if not m:
            raise SystemExit("convert_regions: cannot read CTP expression at %r" % text[pos:pos + 40])
        pos = m.end()
        return Cond(m.group(1), m.group(2), [m.group(3)])

    def conj():
        nonlocal pos
        kids = [primary()]
        while True:
            skip()
            if pos < len(text) and text[pos] == "*":
                pos += 1
                kids.append(primary())
            else:
                return kids[0] if len(kids) == 1 else ("and", kids)

    def disj():
        nonlocal pos
        kids = [conj()]
        while True:
            skip()
            if pos < len(text) and text[pos] == "+":
                pos += 1
                kids.append(conj())
            else:
                return kids[0] if len(kids) == 1 else ("or", kids)

    e = disj()
    skip()
    if pos != len(text):
        raise SystemExit("convert_regions: trailing CTP expression text %r" % text[pos:])
    return e


def read_ctp(path, rules):
    lines = open(path, encoding="utf-8").read().split("\n")
    section, labels, label = "", [], ""
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("*"):
            # A banner: "****" / "  CT" / "****"
            if i + 2 < len(lines) and lines[i + 2].strip().startswith("*"):
                section, labels = lines[i + 1].strip(), []
                i += 3
                continue
            i += 1
            continue
        if line.startswith("{"):
            start = i + 1
            text = line
            while "}" not in text:
                i += 1
                text += " " + lines[i].strip()
            expr = text[text.index("{") + 1:text.index("}")]
            boxes = []
            i += 1
            while i < len(lines) and (lines[i].strip().startswith("(") or not lines[i].strip()):
                boxes += [tuple(int(v) for v in m) for m in
                          re.findall(r"\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", lines[i])]
                if boxes and not lines[i].strip():
                    break
                i += 1
            # The text lines since the previous block name it (a device and
            # what the capture is); a block right after another shares its name.
            if labels:
                label = " ".join([section] + labels[-2:]).strip()
                labels = []
            for conj in dnf(parse_ctp_expr(expr)):
                rules.append((label, "CTP DicomPixelAnonymizer.script:%d" % start, conj, boxes))
            continue
        if line and not line.startswith("(") and i > 12:
            labels.append(re.sub(r"\s+", " ", line)[:60])
        i += 1


# ------------------------------------------------------------------ deid
DEID_CRIT = re.compile(r"(contains|notcontains|equals|notequals|startswith|endswith|missing|empty|present)\s+(\S+)\s*(.*)",
                       re.IGNORECASE)


def read_deid(path, rules):
    name = os.path.basename(path)
    graylist = False
    label, lineno, expr, boxes = None, 0, None, []

    def flush():
        if label is not None and boxes and expr is not None:
            for conj in dnf(expr):
                rules.append((label, "pydicom/deid %s:%d" % (name, lineno), conj, list(boxes)))

    for n, raw in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        line = raw.split("#", 1)[0].strip() if raw.strip().startswith("LABEL") else raw.strip()
        if raw.startswith("%"):
            flush()
            label, expr, boxes = None, None, []
            graylist = raw.strip() == "%filter graylist"
            continue
        if not graylist or not line:
            continue
        if line.startswith("LABEL"):
            flush()
            label, lineno, expr, boxes = line[len("LABEL"):].strip(), n, None, []
            continue
        if label is None:
            continue
        m = re.match(r"(ctpcoordinates|coordinates|keepcoordinates)\s+(.*)", line)
        if m:
            values = m.group(2).replace(" ", "")
            if m.group(1) == "keepcoordinates" or not re.fullmatch(r"\d+,\d+,\d+,\d+", values):
                label = None  # regions defined by other attributes, or the whole image: not converted
                continue
            a, b, c, d = (int(v) for v in values.split(","))
            boxes.append((a, b, c, d) if m.group(1) == "ctpcoordinates" else (a, b, c - a, d - b))
            continue
        # Criteria, folded left to right over the whole rule as deid's
        # evaluate_group does: "+" is AND, "||" is OR, at the start of a line
        # or inside it.
        for op_text, crit in re.findall(r"(^|\s\+\s|\s\|\|\s|^\+\s|^\|\|\s)?\s*((?:contains|notcontains|equals|notequals|"
                                        r"startswith|endswith|missing|empty|present)\s.*?)(?=\s\+\s|\s\|\|\s|$)",
                                        line, re.IGNORECASE):
            cm = DEID_CRIT.match(crit.strip())
            op, field, value = cm.group(1), cm.group(2), cm.group(3).strip()
            cond = Cond(field, op, value.split("|") if value else [])
            conn = op_text.strip()
            if expr is None:
                expr = cond
            elif conn == "||":
                expr = ("or", [expr, cond])
            else:
                expr = ("and", [expr, cond])
    flush()


def cpp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    rules = []
    read_ctp(os.path.join(src, "ctp-DicomPixelAnonymizer.script"), rules)
    for f in sorted(os.listdir(src)):
        if f.startswith("pydicom-deid-deid.dicom"):
            read_deid(os.path.join(src, f), rules)

    merged, order = {}, []
    for label, origin, conj, boxes in rules:
        if not boxes:
            continue
        # One condition per attribute and operation; stable attributes first.
        conj = sorted({c.key(): c for c in conj}.values(),
                      key=lambda c: (ORDER.index(c.field) if c.field in ORDER else len(ORDER), c.tag, c.op))
        key = (tuple(c.key() for c in conj), tuple(boxes))
        if key in merged:
            if origin.split()[0] not in " ".join(merged[key][1]):
                merged[key][1].append(origin)
            continue
        merged[key] = (label, [origin], conj, boxes)
        order.append(key)

    lines = [
        "// Generated by anonymizer/pixel/tools/convert_regions.py; do not edit.",
        "// Known burned-in text regions, converted from two community libraries:",
        "//  - RSNA CTP \"Burned-in Annotation Library\", source/files/scripts/DicomPixelAnonymizer.script",
        "//    (https://github.com/johnperry/CTP, commit 361e90f8032fbb343000f3397159ae24a001229a),",
        "//    compiled from many users' contributions; RSNA Public License.",
        "//  - pydicom/deid recipes deid/data/deid.dicom* %filter graylist coordinates",
        "//    (https://github.com/pydicom/deid, commit 8d26fca2ea09793932877f285ad76e196f205b27),",
        "//    Copyright (c) 2016-2022 Vanessa Sochat, MIT License (../shared/burned-in-regions/LICENSE-pydicom-deid.txt).",
        "// Rules are conjunctions of conditions on top-level attributes (expressions",
        "// were expanded to disjunctive normal form; deid criteria fold left to right;",
        "// values are literal, '|' separates alternatives; string comparisons ignore",
        "// case); boxes are x, y, width, height (deid corner pairs converted).",
        "// Both libraries are incomplete by construction: a triage signal and a",
        "// fast path, never instead of detecting text in the pixels.",
        "// {label, origin, {{group, element, op, {values}}...}, {{x, y, w, h}...}}",
    ]
    for key in order:
        label, origins, conj, boxes = merged[key]
        conds = ", ".join("{0x%04X, 0x%04X, Op::%s, {%s}}" % (c.tag[0], c.tag[1], c.op,
                                                                ", ".join(cpp_string(v) for v in c.values))
                          for c in conj)
        lines.append("{%s, %s, {%s}, {%s}}," % (cpp_string(label), cpp_string("; ".join(origins)), conds,
                                              ", ".join("{%d, %d, %d, %d}" % b for b in boxes)))
    text = "\n".join(lines) + "\n"
    if not os.path.exists(out) or open(out, encoding="utf-8").read() != text:
        open(out, "w", encoding="utf-8").write(text)
    print("convert_regions: %d rules (%d conjunctions read) -> %s" % (len(order), len(rules), out))


if __name__ == "__main__":
    main()
