#!/usr/bin/env python3
"""Generates the binary files of the demo site (www/favicon.ico, www/pdf.png, www/test.pdf).

They are drawn and written from code, with the standard library only, so that the repository holds
their source and anyone can regenerate them: `python3 scripts/make-demo-assets.py`.
The output is deterministic (no timestamps), so regenerating does not change the files.
"""

import os
import struct
import zlib

WWW = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'www')

# ---- PNG ----


def png_chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)


def encode_png(width, height, pixels):
    """pixels: rows of (r, g, b, a) tuples, 8 bits each, straight (not premultiplied) alpha."""
    raw = bytearray()
    for row in pixels:
        raw.append(0)  # filter: none; zlib does well enough on such small flat images
        for r, g, b, a in row:
            raw += bytes((r, g, b, a))
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 6, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) +
            png_chunk(b'IDAT', zlib.compress(bytes(raw), 9)) + png_chunk(b'IEND', b''))


def render(width, height, scene, samples=4):
    """Rasterises scene(x, y) -> (r, g, b, a) or None, with samples x samples supersampling so that
    edges are anti-aliased. Coordinates are in pixels, (0, 0) the top-left corner of the image."""
    rows = []
    n = samples * samples
    for py in range(height):
        row = []
        for px in range(width):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(samples):
                for sx in range(samples):
                    c = scene(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples)
                    if c:
                        a = c[3] / 255.0
                        acc[0] += c[0] * a
                        acc[1] += c[1] * a
                        acc[2] += c[2] * a
                        acc[3] += a
            alpha = acc[3] / n
            if alpha <= 0:
                row.append((0, 0, 0, 0))
            else:
                row.append(tuple(int(round(v / acc[3])) for v in acc[:3]) + (int(round(alpha * 255)),))
        rows.append(row)
    return rows


def in_round_rect(x, y, x0, y0, x1, y1, radius):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + radius), x1 - radius)
    cy = min(max(y, y0 + radius), y1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def distance_to_segment(x, y, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / float(dx * dx + dy * dy)))
    return ((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2) ** 0.5


# 5x7 glyphs of the letters the icons need.
GLYPHS = {
    'P': ['1111.', '1...1', '1...1', '1111.', '1....', '1....', '1....'],
    'D': ['111..', '1..1.', '1...1', '1...1', '1...1', '1..1.', '111..'],
    'F': ['11111', '1....', '1....', '1111.', '1....', '1....', '1....'],
}


def in_text(x, y, text, left, top, scale, gap):
    """True when (x, y) falls on a lit cell of `text` drawn in the 5x7 font."""
    col = int((x - left) // scale)
    line = int((y - top) // scale)
    if x < left or y < top or line >= 7:
        return False
    index, cell = divmod(col, 5 + gap)
    if index >= len(text) or cell >= 5:
        return False
    return GLYPHS[text[index]][line][cell] == '1'


# ---- pdf.png: a sheet with a folded corner and a red "PDF" label ----

BORDER = (110, 110, 118, 255)
PAPER = (255, 255, 255, 255)
FOLD = (214, 214, 222, 255)
TEXT_LINE = (176, 180, 190, 255)
RED = (211, 47, 47, 255)
WHITE = (255, 255, 255, 255)


def pdf_icon(x, y):
    left, top, right, bottom, fold = 9.0, 3.0, 39.0, 45.0, 10.0
    if in_round_rect(x, y, 4.0, 22.0, 44.0, 39.0, 2.5):
        return WHITE if in_text(x, y, 'PDF', 7.0, 23.5, 2.0, 1) else RED
    inside_sheet = (left <= x <= right and top <= y <= bottom and (x - (right - fold)) <= (y - top))
    if not inside_sheet:
        return None
    edge = 1.5
    on_border = (x < left + edge or x > right - edge or y < top + edge or y > bottom - edge or
                 (x - (right - fold)) > (y - top) - edge * 1.41)
    if on_border:
        return BORDER
    if x >= right - fold - edge / 2 and y <= top + fold + edge / 2:
        return BORDER if (x < right - fold + edge / 2 or y > top + fold - edge / 2) else FOLD
    for line_y, line_right in ((10.0, 27.0), (14.5, 33.0), (19.0, 30.0), (42.0, 25.0)):
        if left + 5 <= x <= line_right and line_y <= y <= line_y + 1.5:
            return TEXT_LINE
    return PAPER


# ---- favicon.ico: a blue rounded square with a white "W" ----

BLUE = (30, 111, 217, 255)
W_POINTS = ((0.20, 0.28), (0.35, 0.74), (0.50, 0.42), (0.65, 0.74), (0.80, 0.28))


def favicon_scene(size):
    stroke = 0.055 * size if size > 16 else 0.075 * size
    points = [(px * size, py * size) for px, py in W_POINTS]

    def scene(x, y):
        if not in_round_rect(x, y, 0.0, 0.0, float(size), float(size), size * 0.2):
            return None
        for i in range(len(points) - 1):
            (ax, ay), (bx, by) = points[i], points[i + 1]
            if distance_to_segment(x, y, ax, ay, bx, by) <= stroke:
                return WHITE
        return BLUE
    return scene


def encode_ico(pngs):
    """pngs: list of (size, png bytes). PNG-in-ICO, which browsers and Windows Vista+ read."""
    header = struct.pack('<HHH', 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, data = b'', b''
    for size, png in pngs:
        entries += struct.pack('<BBBBHHII', size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


# ---- test.pdf ----

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 612, 792, 72

PAGES = [
    [
        ('title', 'MicroWebSrv2 for Espruino \u2014 test document'),
        ('rule', ''),
        ('text', 'If you can read this, the web server running on your board (or on the Node shim of your '
                 'laptop) has just sent you a binary file: a PDF of two pages, served from its file system '
                 'with the Content-Type application/pdf.'),
        ('head', 'What is this project?'),
        ('text', 'MicroWebSrv2 is a small and complete web server written for MicroPython by Jean-Christophe '
                 'Bos. This port brings it to Espruino, the JavaScript interpreter for microcontrollers: '
                 'the same ideas and the same API names (WebRoute, ReturnOk, ReturnRedirect, OnWebSocket'
                 'Accepted...), written in TypeScript and compiled to plain ES5 that the board runs.'),
        ('head', 'What it offers'),
        ('item', 'Static files with MIME types, caching headers and directory index pages.'),
        ('item', 'Routes with arguments, such as /api/args/<id>/<name>, answered now or later.'),
        ('item', 'Forms posted as URL-encoded data or JSON.'),
        ('item', 'WebSockets: an echo test and a chat room shared by every browser.'),
        ('item', '.pyhtml pages: HTML templates with JavaScript blocks, conditions and loops.'),
        ('item', 'A Node shim, so that the whole site also runs on a laptop without a board.'),
        ('head', 'How did you get here?'),
        ('text', 'Most likely through the demo link /test-redir, which answers with a redirection '
                 '(302 Found) to /test.pdf. Your browser followed it and then asked for this file.'),
    ],
    [
        ('title', 'The demo pages'),
        ('rule', ''),
        ('text', 'The home page of the demo links to every feature. Each line below is a path on the '
                 'board; open it in a browser connected to the same network.'),
        ('space', ''),
        ('code', '/                        the home page (index.html)'),
        ('code', '/test-redir              a redirection to this PDF'),
        ('code', '/test-post               a form (GET), then its answer (POST)'),
        ('code', '/api/args/42/Alice?x=1   a JSON route with arguments'),
        ('code', '/api/later               a JSON answer sent after 100 ms'),
        ('code', '/wstest.html             a WebSocket echo tester'),
        ('code', '/wschat.html             a chat room over WebSockets'),
        ('code', '/test.pyhtml             a page made from a template'),
        ('head', 'Small by design'),
        ('text', 'A microcontroller has a few hundred kilobytes of flash and a few thousand variables of '
                 'memory. The files of this site are therefore small, need no Internet connection and load '
                 'nothing from elsewhere: no fonts, no scripts from a CDN. This document itself was written '
                 'by a short Python script, with its cross-reference table computed byte by byte.'),
        ('text', 'End of the test document.'),
    ],
]

STYLES = {  # font resource, size, leading, space before
    'title': ('F2', 20, 26, 0),
    'head': ('F2', 13, 18, 10),
    'text': ('F1', 11, 15, 6),
    'item': ('F1', 11, 15, 2),
    'code': ('F3', 10, 13, 0),
}


def pdf_string(text):
    """A PDF literal string in WinAnsiEncoding."""
    out = ''
    for ch in text:
        if ch in '()\\':
            out += '\\' + ch
        elif ch == '\u2014':
            out += '\\227'
        else:
            out += ch
    return '(' + out + ')'


def wrap(text, limit):
    """Word wrap at `limit` characters: Helvetica averages about half an em per character, so
    limit = usable width / (size * 0.5) keeps lines inside the margins."""
    lines, line = [], ''
    for word in text.split(' '):
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = word if not line else line + ' ' + word
    if line:
        lines.append(line)
    return lines


def page_content(blocks, number, total):
    ops = []
    y = PAGE_HEIGHT - MARGIN
    usable = PAGE_WIDTH - 2 * MARGIN
    for kind, text in blocks:
        if kind == 'space':
            y -= 6
            continue
        if kind == 'rule':
            y -= 4
            ops.append('0.12 0.44 0.85 RG 1.5 w %d %d m %d %d l S' % (MARGIN, y, PAGE_WIDTH - MARGIN, y))
            y -= 8
            continue
        font, size, leading, before = STYLES[kind]
        y -= before
        indent = 16 if kind in ('item', 'code') else 0
        lines = wrap(text, int((usable - indent) / (size * 0.5))) if kind != 'code' else [text]
        for i, line in enumerate(lines):
            y -= leading
            color = '0.12 0.44 0.85 rg' if kind in ('title', 'head') else '0.1 0.1 0.1 rg'
            ops.append('BT /%s %d Tf %s %d %d Td %s Tj ET' % (font, size, color, MARGIN + indent, y, pdf_string(line)))
            if kind == 'item' and i == 0:
                ops.append('BT /F1 %d Tf %d %d Td (\\225) Tj ET' % (size, MARGIN + 4, y))
    footer = 'MicroWebSrv2 for Espruino \u2014 page %d of %d' % (number, total)
    ops.append('BT /F1 9 Tf 0.5 0.5 0.5 rg %d %d Td %s Tj ET' % (MARGIN, MARGIN / 2, pdf_string(footer)))
    return ('\n'.join(ops) + '\n').encode('latin-1')


def build_pdf():
    objects = {}  # number -> bytes of the object body

    def font(base):
        return ('<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>' % base).encode()

    objects[1] = b'<< /Type /Catalog /Pages 2 0 R >>'
    objects[3] = font('Helvetica')
    objects[4] = font('Helvetica-Bold')
    objects[5] = font('Courier')
    objects[6] = (b"<< /Title (MicroWebSrv2 for Espruino \\204 test document) "
                  b'/Author (MicroWebSrv2 for Espruino) /Creator (scripts/make-demo-assets.py) >>')
    kids = []
    number = 7
    for index, blocks in enumerate(PAGES):
        page, content = number, number + 1
        number += 2
        stream = page_content(blocks, index + 1, len(PAGES))
        objects[content] = (b'<< /Length %d >>\nstream\n' % len(stream)) + stream + b'endstream'
        objects[page] = (b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R '
                         b'/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> >>'
                         % (PAGE_WIDTH, PAGE_HEIGHT, content))
        kids.append(page)
    objects[2] = (b'<< /Type /Pages /Kids [%s] /Count %d >>'
                  % (b' '.join(b'%d 0 R' % k for k in kids), len(kids)))

    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b'%d 0 obj\n' % n + objects[n] + b'\nendobj\n'
    xref = len(out)
    count = max(objects) + 1
    out += b'xref\n0 %d\n' % count
    out += b'0000000000 65535 f \n'
    for n in range(1, count):
        out += b'%010d 00000 n \n' % offsets[n]  # each entry is exactly 20 bytes
    out += b'trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (count, xref)
    return bytes(out)


def write(name, data):
    path = os.path.join(WWW, name)
    with open(path, 'wb') as f:
        f.write(data)
    print('%-12s %6d bytes' % (name, len(data)))


def main():
    os.makedirs(WWW, exist_ok=True)
    write('pdf.png', encode_png(48, 48, render(48, 48, pdf_icon)))
    icons = [(size, encode_png(size, size, render(size, size, favicon_scene(size)))) for size in (16, 32)]
    write('favicon.ico', encode_ico(icons))
    write('test.pdf', build_pdf())


if __name__ == '__main__':
    main()
