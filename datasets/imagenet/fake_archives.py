#!/usr/bin/python3
"""Build tiny archives with the structure of the official ILSVRC-2012 ones, for tests.

    OUT/ILSVRC2012_img_train.tar       tar of per-class tars <wnid>.tar holding <wnid>_<n>.JPEG
    OUT/ILSVRC2012_img_val.tar         flat ILSVRC2012_val_<8 digits>.JPEG
    OUT/ILSVRC2012_devkit_t12.tar.gz   ILSVRC2012_devkit_t12/data/meta.mat (the 'synsets' struct array)
                                       and data/ILSVRC2012_validation_ground_truth.txt
    OUT/LOC_synset_mapping.txt, OUT/LOC_val_solution.csv   Kaggle's label files for the same images
    OUT/truth.txt                      "wnid<TAB>ILSVRC2012_ID<TAB>R,G,B<TAB>train count" per class

Every image is filled with its class's colour, so a test can check where each file landed by
decoding it. ILSVRC2012_IDs are deliberately not in wnid order, as in the real devkit.
"""
import io
import os
import sys
import tarfile

import numpy as np
import scipy.io
from PIL import Image

# (wnid, ILSVRC2012_ID, words); real wnids, ids shuffled
CLASSES = [("n01440764", 2, "tench, Tinca tinca"),
           ("n01443537", 4, "goldfish, Carassius auratus"),
           ("n01484850", 5, "great white shark, white shark"),
           ("n01491361", 3, "tiger shark, Galeocerdo cuvieri"),
           ("n01494475", 1, "hammerhead, hammerhead shark")]
INNER = [("n01439121", 1001, "cyprinid"), ("n02512053", 1002, "fish")]   # non-class WordNet nodes
VAL_IDS = [3, 1, 5, 2, 4, 4, 1, 2, 3, 5, 2, 1]   # ground truth of val images 1..12


def colour(k):
    return (30 + 50 * k, 220 - 40 * k, 60 + 25 * (k % 3))


def jpeg(k, size):
    buf = io.BytesIO()
    Image.new("RGB", size, colour(k)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), 1_300_000_000
    tar.addfile(info, io.BytesIO(data))


def meta_mat():
    """The devkit's layout: a 'synsets' struct array (N x 1) with these fields per entry."""
    fields = ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children",
              "wordnet_height", "num_train_images"]
    rows = sorted(CLASSES, key=lambda c: c[1]) + INNER
    s = np.zeros((len(rows), 1), dtype=[(f, "O") for f in fields])
    for i, (wnid, sid, words) in enumerate(rows):
        leaf = sid <= 1000
        s[i, 0] = (np.array([[sid]], dtype=np.uint16), np.array([wnid]), np.array([words]),
                   np.array([f"gloss of {words.split(',')[0]}"]),
                   np.array([[0 if leaf else 2]], dtype=np.uint8),
                   np.zeros((1, 0), dtype=np.uint8) if leaf else np.array([[1, 2]], dtype=np.uint8),
                   np.array([[0 if leaf else 1]], dtype=np.uint8),
                   np.array([[train_count([c[0] for c in CLASSES].index(wnid)) if leaf else 0]], dtype=np.uint16))
    buf = io.BytesIO()
    scipy.io.savemat(buf, {"synsets": s})
    return buf.getvalue()


def train_count(k):
    return 3 + k


def main(out):
    os.makedirs(out, exist_ok=True)
    with tarfile.open(os.path.join(out, "ILSVRC2012_img_train.tar"), "w", format=tarfile.GNU_FORMAT) as outer:
        for k, (wnid, _, _) in enumerate(CLASSES):
            inner = io.BytesIO()
            with tarfile.open(fileobj=inner, mode="w", format=tarfile.GNU_FORMAT) as t:
                for n in range(train_count(k)):
                    add(t, f"{wnid}_{1000 + 7 * n}.JPEG", jpeg(k, (40 + 8 * n, 32)))
            add(outer, f"{wnid}.tar", inner.getvalue())
    by_id = {sid: (k, wnid) for k, (wnid, sid, _) in enumerate(CLASSES)}
    with tarfile.open(os.path.join(out, "ILSVRC2012_img_val.tar"), "w", format=tarfile.GNU_FORMAT) as t:
        for i, sid in enumerate(VAL_IDS, 1):
            add(t, f"ILSVRC2012_val_{i:08d}.JPEG", jpeg(by_id[sid][0], (36, 30 + i)))
    with tarfile.open(os.path.join(out, "ILSVRC2012_devkit_t12.tar.gz"), "w:gz") as t:
        add(t, "ILSVRC2012_devkit_t12/COPYING", b"fake devkit for tests\n")
        add(t, "ILSVRC2012_devkit_t12/data/meta.mat", meta_mat())
        add(t, "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt",
            "".join(f"{sid}\n" for sid in VAL_IDS).encode())
    with open(os.path.join(out, "LOC_synset_mapping.txt"), "w") as f:
        f.writelines(f"{wnid} {words}\n" for wnid, _, words in sorted(CLASSES))
    with open(os.path.join(out, "LOC_val_solution.csv"), "w") as f:
        f.write("ImageId,PredictionString\n")
        for i in sorted(range(1, len(VAL_IDS) + 1), key=lambda i: (i * 7) % 13):   # Kaggle's rows are unordered
            wnid = by_id[VAL_IDS[i - 1]][1]
            f.write(f"ILSVRC2012_val_{i:08d},{wnid} 10 12 30 28 {wnid} 1 2 20 22 \n")
    with open(os.path.join(out, "truth.txt"), "w") as f:
        for k, (wnid, sid, _) in enumerate(CLASSES):
            f.write(f"{wnid}\t{sid}\t{','.join(map(str, colour(k)))}\t{train_count(k)}\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: fake_archives.py OUT")
    main(sys.argv[1])
