#!/usr/bin/env python3
"""Decodes a PNG screenshot (8-bit RGB or RGBA, as chromium writes them) with the standard
library alone and prints its size and how many pixels have each of the colours asked for, as
JSON, so a test can tell that the page's styles were applied (a missing cell is tinted) and
that the screenshot is not blank.

usage: png_colours.py FILE [#rrggbb …]
"""
import json
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("not a PNG")
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise SystemExit("unsupported PNG: depth %d, colour type %d, interlace %d" % (depth, colour, interlace))
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    width, height, channels, rows = decode(sys.argv[1])
    wanted = {c.lower(): 0 for c in sys.argv[2:]}
    distinct = set()
    for line in rows:
        for x in range(0, len(line), channels):
            colour = "#%02x%02x%02x" % (line[x], line[x + 1], line[x + 2])
            if len(distinct) < 4096:
                distinct.add(colour)
            if colour in wanted:
                wanted[colour] += 1
    print(json.dumps({"width": width, "height": height, "colours": wanted, "distinct": len(distinct)}))


if __name__ == "__main__":
    main()
