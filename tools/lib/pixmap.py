"""Reading QEMU's screendump images (binary PPM, P6) and writing PNG, with only the
standard library: enough for the boot tests to look at the screen and for people to see it."""
import struct
import zlib


class Pixmap:
    def __init__(self, width, height, rgb):
        self.width = width
        self.height = height
        self.rgb = rgb  # bytes, 3 per pixel, rows top to bottom

    def pixel(self, x, y):
        offset = (y * self.width + x) * 3
        return tuple(self.rgb[offset : offset + 3])


def _ppm_tokens(data, count):
    tokens, offset = [], 0
    while len(tokens) < count:
        while offset < len(data) and (data[offset : offset + 1].isspace() or data[offset : offset + 1] == b"#"):
            if data[offset : offset + 1] == b"#":
                offset = data.index(b"\n", offset)
            offset += 1
        start = offset
        while offset < len(data) and not data[offset : offset + 1].isspace():
            offset += 1
        tokens.append(data[start:offset])
    return tokens, offset + 1  # exactly one whitespace byte ends the header


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    tokens, offset = _ppm_tokens(data, 4)
    if tokens[0] != b"P6" or int(tokens[3]) != 255:
        raise ValueError(f"{path}: not an 8-bit binary PPM")
    width, height = int(tokens[1]), int(tokens[2])
    rgb = data[offset : offset + width * height * 3]
    if len(rgb) != width * height * 3:
        raise ValueError(f"{path}: truncated PPM")
    return Pixmap(width, height, rgb)


def write_png(path, pixmap):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    stride = pixmap.width * 3
    raw = b"".join(b"\x00" + pixmap.rgb[y * stride : (y + 1) * stride] for y in range(pixmap.height))
    header = struct.pack(">IIBBBBB", pixmap.width, pixmap.height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
