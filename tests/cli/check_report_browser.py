"""The otto report in a real browser: headless chromium renders a report of a
study with hostile names. Passes only when the rendered DOM holds every
chart's SVG (counted by class), the hostile names are text and not
elements, and the screenshot is not blank (decoded here with zlib).
    check_report_browser.py [SCREENSHOT.png]   (kept when given)
Skips (exit 77) when chromium is not installed."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

CLI = os.environ["OTTO_CLI"]
MAKE = os.environ["OTTO_MAKE_STUDY"]
HOSTILE = "<script>alert('x')</script> \"q\" \u00fcn\u00efc\u00f8d\u00e9"


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(browser, url, *extra):
    # --no-sandbox: CI runs as root; a throwaway profile keeps runs apart
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                               "--hide-scrollbars", f"--user-data-dir={profile}", *extra, url],
                              capture_output=True, text=True, timeout=120)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    browser = chromium()
    if not browser:
        print("chromium is not installed: skipped")
        return 77
    keep = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as d:
        journal, report = os.path.join(d, "s.journal"), os.path.join(d, "report.html")
        subprocess.run([MAKE, journal], check=True)
        subprocess.run([CLI, "report", journal, "-s", HOSTILE, "-o", report], check=True)
        url = "file://" + report
        dom = render(browser, url, "--dump-dom")
        assert dom.returncode == 0, dom.stderr
        html = dom.stdout
        expected = {"history": 1, "importance": 1, "contour": 1, "parallel": 1, "slice": 4,
                    "intermediate": 1, "timeline": 1}
        for chart, n in expected.items():
            got = html.count(f'class="chart {chart}"')
            assert got == n, f"{chart}: {got} SVG charts in the rendered DOM, expected {n}"
        assert html.count("<svg") == sum(expected.values()), html.count("<svg")
        # The names were parsed as text: serialized back escaped, never as elements.
        assert "<script" not in html and "<img" not in html and "<b>sgd" not in html
        assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html, "hostile study name not shown"
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, "hostile param name not shown"
        assert "\u00fcn\u00efc\u00f8d\u00e9" in html, "non-ASCII name not shown as is"
        shot = keep or os.path.join(d, "report.png")
        r = render(browser, url, "--window-size=1280,2000", f"--screenshot={shot}")
        assert r.returncode == 0 and os.path.exists(shot), r.stderr
        w, h, bpp, rows = png_pixels(shot)
        colors, ink = set(), 0
        for row in rows[::4]:
            for i in range(0, w * bpp, 4 * bpp):
                px = row[i:i + 3]
                colors.add(px)
                ink += px != b"\xff\xff\xff" and px != b"\xf6\xf7\xf9"  # white, page background
        sampled = len(rows[::4]) * len(range(0, w * bpp, 4 * bpp))
        print(f"rendered {w}x{h}: {len(colors)} colours, {100 * ink / sampled:.0f}% ink; "
              f"{sum(expected.values())} charts in the DOM")
        assert len(colors) > 50, f"screenshot nearly blank ({len(colors)} colours)"
        assert ink / sampled > 0.05, f"screenshot nearly blank ({ink / sampled:.1%} ink)"
    return 0


if __name__ == "__main__":
    sys.exit(main())
