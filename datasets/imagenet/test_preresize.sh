#!/bin/bash
# Checks preresize.py: shorter side 256 with the aspect kept, RGB JPEG out of CMYK, grayscale and
# PNG inputs, colours kept, unreadable files listed (exit 3) without stopping, reruns skip fresh
# outputs and redo stale ones, no .part files left. Exits non-zero on failure.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3
work="$(mktemp -d /tmp/test_preresize.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL $*" >&2; exit 1; }

"$py" - <<'PY' || fail "building inputs"
import os
from PIL import Image
os.makedirs("src/train/n00000001"); os.makedirs("src/val")
d = "src/train/n00000001/"
Image.new("RGB", (500, 375), (200, 40, 30)).save(d + "wide.JPEG", quality=95)
Image.new("RGB", (333, 500), (20, 90, 220)).save(d + "tall.JPEG", quality=95)
Image.new("RGB", (120, 90), (10, 200, 10)).save(d + "small.JPEG", quality=95)
Image.new("RGB", (400, 300), (200, 40, 30)).convert("CMYK").save(d + "cmyk.JPEG", quality=95)
Image.new("L", (300, 450), 128).save(d + "gray.JPEG", quality=95)
Image.new("RGBA", (256, 300), (250, 250, 0, 255)).save(d + "png.JPEG", format="PNG")
open(d + "broken.JPEG", "wb").write(b"\xff\xd8\xff\xe0 not really a jpeg")
Image.new("RGB", (375, 500), (90, 90, 90)).save("src/val/ILSVRC2012_val_00000001.JPEG", quality=95)
open("src/synsets.txt", "w").write("n00000001\ttest class\n")
open("src/train/n00000001/x.JPEG.part", "w").write("left over by a killed run")
PY

"$py" "$here/preresize.py" src dst --jobs 2 2>err.txt; rc=$?
[ "$rc" = 3 ] || fail "exit code $rc with an unreadable file, want 3: $(cat err.txt)"
grep -q "1 unreadable files" err.txt || fail "no unreadable count: $(cat err.txt)"
grep -q "broken.JPEG" dst/preresize_errors.txt || fail "broken.JPEG not listed"
echo "ok   unreadable file counted, listed in preresize_errors.txt, exit 3, the rest processed"

"$py" - <<'PY' || fail "outputs"
from PIL import Image
want = {"wide": ((341, 256), (200, 40, 30)), "tall": ((256, 384), (20, 90, 220)),
        "small": ((341, 256), (10, 200, 10)), "cmyk": ((341, 256), (200, 40, 30)),
        "gray": ((256, 384), (128, 128, 128)), "png": ((256, 300), (250, 250, 0))}
errors = []
for name, (size, rgb) in want.items():
    im = Image.open(f"dst/train/n00000001/{name}.JPEG")
    px = im.getpixel((im.width // 2, im.height // 2))
    if im.format != "JPEG" or im.mode != "RGB" or im.size != size or max(abs(a - b) for a, b in zip(px, rgb)) > 8:
        errors.append(f"{name}: {im.format} {im.mode} {im.size} {px}, want JPEG RGB {size} {rgb}")
im = Image.open("dst/val/ILSVRC2012_val_00000001.JPEG")
if im.size != (256, 341):
    errors.append(f"val image {im.size}")
if open("dst/synsets.txt").read() != "n00000001\ttest class\n":
    errors.append("synsets.txt not copied")
import os
left = [os.path.join(d, f) for d, _, fs in os.walk("dst") for f in fs if f.endswith(".part")]
if left or os.path.exists("dst/train/n00000001/broken.JPEG") or os.path.exists("dst/train/n00000001/x.JPEG"):
    errors.append(f"unexpected files {left}")
if errors:
    raise SystemExit("\n".join(errors))
PY
echo "ok   shorter side 256, aspect kept, upscales small, CMYK/gray/PNG become RGB JPEG with their colours, text files copied, no .part files"

rm src/train/n00000001/broken.JPEG
before="$(find dst -name '*.JPEG' -printf '%p %T@\n' | sort)"
"$py" "$here/preresize.py" src dst 2>err.txt || fail "clean rerun exit $?: $(cat err.txt)"
grep -q "resized 0, skipped 7, unreadable 0" err.txt || fail "rerun did not skip: $(cat err.txt)"
[ "$before" = "$(find dst -name '*.JPEG' -printf '%p %T@\n' | sort)" ] || fail "rerun rewrote outputs"
[ ! -e dst/preresize_errors.txt ] || fail "clean rerun kept the old error list"
echo "ok   rerun skips all 7 fresh outputs, leaves them untouched, clears the error list"

sleep 1; touch src/train/n00000001/wide.JPEG
"$py" "$here/preresize.py" src dst 2>err.txt || fail "stale rerun"
grep -q "resized 1, skipped 6" err.txt || fail "stale input not redone: $(cat err.txt)"
echo "ok   an input newer than its output is redone"
echo "test_preresize: all checks passed"
