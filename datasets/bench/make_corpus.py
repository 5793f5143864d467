#!/usr/bin/python3
"""Build a benchmark corpus of real photographs at ILSVRC-2012's typical sizes.

    make_corpus.py OUT [--count 256] [--classes 4] [--seed 2012]

Source: the natural colour photographs Debian's opencv-doc ships in
/usr/share/doc/opencv-doc/examples/data/ (apt-get install opencv-doc python3-pil). Each output is
a random crop (60-100 % of the largest crop with the target's aspect) of one photo, resized with
Lanczos to a size cycling through common ILSVRC shapes (500x375, 500x333, 400x350 and their
portrait forms), saved as JPEG quality 90: about 42 KB each (ILSVRC-2012's training files average
~110 KB, 138 GB / 1.28 M; these smoother photos compress better, so decode work is a little lower). Written as OUT/train/<pseudo-wnid>/<wnid>_<n>.JPEG plus OUT/synsets.txt, the layout
prepare.sh produces. Same arguments, same PIL -> same bytes.

    make_corpus.py OUT --originals MIN_SIDE

instead copies, unchanged, the JPEG photographs whose shorter side is at least MIN_SIDE (one class):
images the pipeline decodes at half size in libjpeg-turbo's DCT, for PipelineBenchmark --resampling.
"""
import argparse
import os
import random
import shutil
import sys

from PIL import Image

PHOTOS = "/usr/share/doc/opencv-doc/examples/data"
# Renders, drawings, logos, plots and text shots among the colour files: not photographs.
NOT_PHOTOS = {"Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg", "LinuxLogo.jpg", "WindowsLogo.jpg", "opencv-logo.png", "ml.png", "blox.jpg", "gradient.png",
              "pic1.png", "pic2.png", "pic3.png", "pic4.png", "pic5.png", "pic6.png", "sudoku.png",
              "text_defocus.jpg", "text_motion.jpg", "graf1.png", "graf3.png", "cards.png", "chessboard.png",
              "detect_blob.png", "chicky_512.png", "board.jpg", "imageTextN.png", "imageTextR.png"}
SIZES = [(500, 375), (500, 333), (400, 350), (375, 500), (333, 500), (350, 400)]


def photos(folder, min_side=200):
    found = []
    for name in sorted(os.listdir(folder)):
        if name in NOT_PHOTOS or not name.lower().endswith((".jpg", ".png")):
            continue
        with Image.open(os.path.join(folder, name)) as im:
            if im.mode == "RGB" and min(im.size) >= min_side:
                found.append(os.path.join(folder, name))
    return found


def crop_to(im, size, rng):
    """A random crop of im with the aspect of size, 60-100 % of the largest such crop, resized to size."""
    w, h = im.size
    aspect = size[0] / size[1]
    cw, ch = (w, w / aspect) if w / h < aspect else (h * aspect, h)
    s = rng.uniform(0.6, 1.0)
    cw, ch = cw * s, ch * s
    x, y = rng.uniform(0, w - cw), rng.uniform(0, h - ch)
    return im.resize(size, Image.LANCZOS, box=(x, y, x + cw, y + ch))


def main(argv=None):
    p = argparse.ArgumentParser(prog="make_corpus.py", description=__doc__.split("\n")[1])
    p.add_argument("out")
    p.add_argument("--count", type=int, default=256, help="number of images (default 256)")
    p.add_argument("--classes", type=int, default=4, help="pseudo-classes (default 4)")
    p.add_argument("--seed", type=int, default=2012)
    p.add_argument("--photos", default=PHOTOS, help="folder of source photographs")
    p.add_argument("--originals", type=int, metavar="MIN_SIDE",
                   help="copy the JPEG photographs with a shorter side of at least MIN_SIDE unchanged instead")
    args = p.parse_args(argv)
    if not os.path.isdir(args.photos):
        sys.exit(f"make_corpus: no photographs in {args.photos}: apt-get install opencv-doc")
    if args.originals:
        return copy_originals(args)
    sources = photos(args.photos)
    if not sources:
        sys.exit(f"make_corpus: no colour photographs of at least 200 px in {args.photos}")
    rng = random.Random(args.seed)
    wnids = [f"n{90000001 + k:08d}" for k in range(args.classes)]   # not real WordNet ids
    for w in wnids:
        os.makedirs(os.path.join(args.out, "train", w), exist_ok=True)
    cache, total = {}, 0
    for i in range(args.count):
        src = sources[i % len(sources)]
        if src not in cache:
            cache[src] = Image.open(src).convert("RGB")
        wnid = wnids[sources.index(src) % args.classes]   # a photo always lands in the same class
        path = os.path.join(args.out, "train", wnid, f"{wnid}_{i + 1}.JPEG")
        crop_to(cache[src], SIZES[i % len(SIZES)], rng).save(path, "JPEG", quality=90)
        total += os.path.getsize(path)
    with open(os.path.join(args.out, "synsets.txt"), "w") as f:
        f.writelines(f"{w}\tbenchmark class {k + 1}\n" for k, w in enumerate(wnids))
    print(f"make_corpus: {args.count} JPEGs from {len(sources)} photographs in {args.classes} classes, "
          f"{total / args.count / 1000:.0f} KB each on average, under {args.out}/train")


def copy_originals(args):
    wnid = "n90000001"
    os.makedirs(os.path.join(args.out, "train", wnid), exist_ok=True)
    chosen = [p for p in photos(args.photos, args.originals) if p.lower().endswith(".jpg")]
    for src in chosen:
        name = os.path.splitext(os.path.basename(src))[0]
        shutil.copyfile(src, os.path.join(args.out, "train", wnid, f"{wnid}_{name}.JPEG"))
    with open(os.path.join(args.out, "synsets.txt"), "w") as f:
        f.write(f"{wnid}\tlarge photographs\n")
    print(f"make_corpus: {len(chosen)} JPEG photographs of at least {args.originals} px, unchanged, under {args.out}/train")


if __name__ == "__main__":
    main()
