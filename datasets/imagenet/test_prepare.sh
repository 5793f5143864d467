#!/bin/bash
# Checks prepare.sh on fake archives with the official structure (built by fake_archives.py):
# layout, labels, synsets.txt, --flat-val, --classes/--per-class, Kaggle labels, reruns and
# resuming, and its one-line errors. Exits non-zero on the first failed check.
# Needs: apt-get install python3-scipy python3-pil
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prepare="$here/prepare.sh"
py=/usr/bin/python3
work="$(mktemp -d /tmp/test_prepare.XXXXXX)"
mounted=""
cleanup() { [ -n "$mounted" ] && umount "$mounted" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
checks=0

pass() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }

# check_root ROOT CLASSES PER_CLASS FLAT: decodes every file and compares its colour with
# the colour fake_archives.py gave its class; counts files per class; reads synsets.txt.
check_root() {
    "$py" - "$@" <<'EOF' || fail "layout of $1"
import os, sys
from PIL import Image
root, nclasses, per_class, flat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "flat"
truth = [l.split("\t") for l in open("a/truth.txt").read().splitlines()]
chosen = sorted(truth)[:nclasses]
colour = {w: tuple(map(int, c.split(","))) for w, _, c, _ in truth}
errors = []
def label_of(path):
    px = Image.open(path).convert("RGB").getpixel((5, 5))
    near = [w for w, c in colour.items() if max(abs(a - b) for a, b in zip(px, c)) <= 6]
    return near[0] if len(near) == 1 else None
# train
if sorted(os.listdir(f"{root}/train")) != [w for w, *_ in chosen]:
    errors.append(f"train folders {sorted(os.listdir(root + '/train'))}")
for w, _, _, n in chosen:
    files = sorted(os.listdir(f"{root}/train/{w}"))
    want = min(int(n), per_class) if per_class else int(n)
    if len(files) != want or any(label_of(f"{root}/train/{w}/{f}") != w for f in files):
        errors.append(f"train/{w}: {len(files)} files, want {want} of colour {colour[w]}")
# val: every image of a chosen class, in its class folder (or listed in val_labels.csv)
gt = [l for l in open("a/ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt").read().split()]
by_id = {sid: w for w, sid, _, _ in truth}
want = {f"ILSVRC2012_val_{i:08d}.JPEG": by_id[s] for i, s in enumerate(gt, 1) if by_id[s] in dict((w, 1) for w, *_ in chosen)}
got = {}
if flat:
    rows = open(f"{root}/val_labels.csv").read().splitlines()
    if rows[0] != "file,wnid":
        errors.append("val_labels.csv header " + rows[0])
    got = dict(r.split(",") for r in rows[1:])
    if sorted(os.listdir(f"{root}/val")) != sorted(want):
        errors.append("flat val files differ")
else:
    for w in os.listdir(f"{root}/val"):
        for f in os.listdir(f"{root}/val/{w}"):
            got[f] = w
for f, w in got.items():
    path = f"{root}/val/{f}" if flat else f"{root}/val/{w}/{f}"
    if label_of(path) != w:
        errors.append(f"val {f} is labelled {w} but shows class {label_of(path)}")
if got != want:
    errors.append(f"val labels {sorted(got.items())} != {sorted(want.items())}")
# synsets.txt: chosen classes in ILSVRC2012_ID order (from the devkit) with their words
lines = open(f"{root}/synsets.txt").read().splitlines()
ids = {w: int(s) for w, s, _, _ in truth}
if [l.split("\t")[0] for l in lines] != sorted((w for w, *_ in chosen), key=ids.get):
    errors.append(f"synsets.txt order {lines}")
if not all(len(l.split("\t")) == 2 and l.split("\t")[1] for l in lines):
    errors.append("synsets.txt lines are not wnid<TAB>words")
leftovers = [os.path.join(d, n) for d, ds, fs in os.walk(root) for n in ds + fs if n.startswith(".part-")]
if leftovers:
    errors.append(f"temporary files left: {leftovers}")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
EOF
}

# expect_error WHAT PATTERN ARGS...: prepare.sh must exit 1 with exactly one stderr line matching PATTERN.
expect_error() {
    local what="$1" pattern="$2"; shift 2
    "$prepare" "$@" >out.txt 2>err.txt; local rc=$?
    [ "$rc" = 1 ] || fail "$what: exit code $rc, want 1 ($(cat err.txt))"
    [ "$(wc -l <err.txt)" = 1 ] || fail "$what: stderr has $(wc -l <err.txt) lines: $(cat err.txt)"
    grep -q -- "$pattern" err.txt || fail "$what: stderr '$(cat err.txt)' lacks '$pattern'"
    pass "$what -> $(cat err.txt)"
}

"$py" "$here/fake_archives.py" a || fail "building fake archives"
tar -xzf a/ILSVRC2012_devkit_t12.tar.gz -C a
mkdir a/val_flat && tar -xf a/ILSVRC2012_img_val.tar -C a/val_flat
pass "fake archives: 5 classes (ids not in wnid order), 25 train and 12 val JPEGs, meta.mat, ground truth, Kaggle files"

"$prepare" --root r --archives a >log.txt || fail "full run: $(cat log.txt)"
check_root r 5 0 tree && pass "full run: train/<wnid> and val/<wnid> hold the right images, synsets.txt in ILSVRC2012_ID order"

stamp="$(find r -type f -printf '%p %T@\n' | grep -v synsets.txt | sort)"
"$prepare" --root r --archives a >log.txt || fail "rerun"
grep -q "5 of 5 classes already complete, 0 to extract" log.txt || fail "rerun did not skip train: $(cat log.txt)"
grep -q "12 of 12 images already in place, 0 to write" log.txt || fail "rerun did not skip val: $(cat log.txt)"
[ "$stamp" = "$(find r -type f -printf '%p %T@\n' | grep -v synsets.txt | sort)" ] || fail "rerun rewrote files"
pass "rerun skips everything and leaves every file untouched"

# A killed run leaves a .part- folder / file and misses a class; a rerun must redo exactly that.
rm -rf r/train/n01484850; mkdir r/train/.part-n01484850; echo junk >r/train/.part-n01484850/x.JPEG
rm r/val/n01494475/ILSVRC2012_val_00000002.JPEG; echo junk >r/val/n01494475/.part-ILSVRC2012_val_00000002.JPEG
head -c 100 a/val_flat/ILSVRC2012_val_00000003.JPEG >r/val/n01484850/ILSVRC2012_val_00000003.JPEG
"$prepare" --root r --archives a >log.txt || fail "resume"
grep -q "4 of 5 classes already complete, 1 to extract" log.txt || fail "resume train: $(cat log.txt)"
grep -q "10 of 12 images already in place, 2 to write" log.txt || fail "resume val: $(cat log.txt)"
check_root r 5 0 tree && pass "resume after a killed run: redoes the missing class, a missing and a truncated val file, removes temporaries"

"$prepare" --root f --archives a --flat-val >log.txt || fail "--flat-val"
check_root f 5 0 flat && pass "--flat-val: flat val/ plus val_labels.csv (file,wnid) with the right labels"

"$prepare" --root s --archives a --classes 2 --per-class 2 >log.txt || fail "--classes"
check_root s 2 2 tree && pass "--classes 2 --per-class 2: first 2 wnids in sorted order, 2 train images each, their val images, 2-line synsets.txt"

"$prepare" --root k --train-tar a/ILSVRC2012_img_train.tar --val-dir a/val_flat \
    --kaggle-synsets a/LOC_synset_mapping.txt --kaggle-val-solution a/LOC_val_solution.csv >log.txt || fail "Kaggle"
diff -r r/val k/val >/dev/null || fail "Kaggle labels sort val differently from the devkit"
diff -r r/train k/train >/dev/null || fail "Kaggle run train differs"
[ "$(cut -f1 k/synsets.txt | tr '\n' ' ')" = "n01440764 n01443537 n01484850 n01491361 n01494475 " ] \
    || fail "Kaggle synsets.txt: $(cat k/synsets.txt)"
grep -qP '^n01443537\tgoldfish, Carassius auratus$' k/synsets.txt || fail "Kaggle words: $(cat k/synsets.txt)"
pass "Kaggle LOC_val_solution.csv + LOC_synset_mapping.txt + flat val folder: same val/ as the devkit; synsets.txt in the file's order"

expect_error "missing archive" "not found: a/nothing.tar" --root e --train-tar a/nothing.tar
expect_error "val archive given as train" "is not ILSVRC2012_img_train.tar" --root e --train-tar a/ILSVRC2012_img_val.tar
expect_error "train archive given as val" "is not ILSVRC2012_img_val.tar" --root e --val-tar a/ILSVRC2012_img_train.tar --devkit a/ILSVRC2012_devkit_t12.tar.gz
expect_error "wrong devkit" "is not ILSVRC2012_devkit_t12.tar.gz" --root e --val-tar a/ILSVRC2012_img_val.tar --devkit a/ILSVRC2012_img_train.tar
expect_error "val without labels" "needs labels" --root e --val-tar a/ILSVRC2012_img_val.tar
expect_error "too many classes" "only 5 classes" --root e --devkit a/ILSVRC2012_devkit_t12.tar.gz --classes 6

# Full disk: a 1 GB margin makes the up-front check refuse a tiny file system; with the check
# off, writing fails with ENOSPC; after the disk grows, a rerun finishes the job.
mkdir small
if mount -t tmpfs -o size=40k tmpfs small 2>/dev/null; then
    mounted="$work/small"
    expect_error "up-front disk space check" "not enough disk space" --root small/r --archives a
    expect_error "disk full while writing" "disk full" --root small/r --archives a --no-space-check
    mount -o remount,size=4m small || fail "remount"
    "$prepare" --root small/r --archives a --no-space-check >log.txt || fail "rerun after disk full: $(cat log.txt)"
    check_root small/r 5 0 tree && pass "rerun after a full disk completes the layout"
else
    echo "skip full-disk checks (cannot mount a tmpfs here)"
fi

echo "test_prepare: all $checks checks passed"
