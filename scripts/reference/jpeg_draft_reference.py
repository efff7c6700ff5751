"""Reference pixels for test/jpeg-decoder.test.ts: PIL's JPEG draft mode (DCT-scaled decoding at
1/8, 1/4 or 1/2) followed by a Lanczos resize of the same source rectangle the addon resamples
(cover: centred square crop; contain: the whole photo letterboxed on white; fill: stretched).
Also writes the synthetic JPEGs the test needs beside the two real photos.
Run: /usr/bin/python3 scripts/reference/jpeg_draft_reference.py"""
import base64
import json
import math
import numpy as np
from PIL import Image

FOLDER = "test/fixtures/jpeg"


def synthetic():
    y, x = np.mgrid[0:90, 0:130]
    grey = (128 + 100 * np.sin(x / 7.0) * np.cos(y / 11.0)).astype(np.uint8)
    Image.fromarray(grey, "L").save(f"{FOLDER}/grey.jpg", quality=90)
    y, x = np.mgrid[0:120, 0:300]
    rgb = np.stack([(x * 255 // 299), (y * 255 // 119), ((x + y) % 64) * 4], -1).astype(np.uint8)
    Image.fromarray(rgb, "RGB").save(f"{FOLDER}/wide-444.jpg", quality=92, subsampling=0)
    y, x = np.mgrid[0:14, 0:20]
    tiny = np.stack([x * 12, y * 18, 255 - x * 12], -1).astype(np.uint8)
    Image.fromarray(tiny, "RGB").save(f"{FOLDER}/tiny.jpg", quality=95)


def dct_scale(w, h, size, fit):
    need = min(size / w, size / h) if fit == "contain" else max(size / w, size / h)
    for m in (1, 2, 4):
        if m / 8 >= need:
            return m
    return 8


def reference(path, size, fit):
    im = Image.open(path)
    w0, h0 = im.size
    m = dct_scale(w0, h0, size, fit)
    if m < 8:
        im.draft("RGB", (w0 * m // 8, h0 * m // 8))
    im = im.convert("RGB")
    w, h = im.size
    assert (w, h) == (math.ceil(w0 * m / 8), math.ceil(h0 * m / 8)), (path, im.size, m)
    if fit == "cover":
        s = max(size / w, size / h)
        e = size / s
        return im.resize((size, size), Image.LANCZOS, box=((w - e) / 2, (h - e) / 2, (w + e) / 2, (h + e) / 2))
    if fit == "fill":
        return im.resize((size, size), Image.LANCZOS)
    s = min(size / w, size / h)
    rw, rh = min(size, max(1, round(w * s))), min(size, max(1, round(h * s)))
    canvas = Image.new("RGB", (size, size), (255, 255, 255))
    canvas.paste(im.resize((rw, rh), Image.LANCZOS), ((size - rw) // 2, (size - rh) // 2))
    return canvas


synthetic()
cases = []
for name in ["clothing.jpg", "progressive.jpg", "grey.jpg", "wide-444.jpg", "tiny.jpg"]:
    for size, fit in [(32, "cover"), (32, "contain"), (32, "fill")] + ([(96, "cover")] if name == "clothing.jpg" else []):
        pixels = np.asarray(reference(f"{FOLDER}/{name}", size, fit), np.uint8)
        cases.append({"image": name, "size": size, "fit": fit, "rgb": base64.b64encode(pixels.tobytes()).decode()})
json.dump({"source": "PIL draft + LANCZOS", "cases": cases}, open(f"{FOLDER}/draft-reference.json", "w"))
