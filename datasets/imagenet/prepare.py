#!/usr/bin/python3
"""Turn the official ILSVRC-2012 archives into the folder layout the toolkit reads.

    ROOT/train/<wnid>/*.JPEG     from ILSVRC2012_img_train.tar (a tar of 1000 per-class tars)
    ROOT/val/<wnid>/*.JPEG       from ILSVRC2012_img_val.tar (flat), sorted by the ground truth
    ROOT/val/*.JPEG + ROOT/val_labels.csv   instead, with --flat-val
    ROOT/synsets.txt             "wnid<TAB>words", one line per class in ILSVRC2012_ID order

Labels come from the devkit (ILSVRC2012_devkit_t12.tar.gz: data/meta.mat and
data/ILSVRC2012_validation_ground_truth.txt) or from Kaggle's LOC_synset_mapping.txt and
LOC_val_solution.csv. Run through prepare.sh, which picks a Python that has scipy.

Resumable: every class folder (train) and every file (val) is written under a temporary
name and renamed when complete, so a rerun skips what is done and redoes what is not.
"""
import argparse
import csv
import errno
import io
import os
import re
import shutil
import sys
import tarfile
import time

TRAIN_MEMBER = re.compile(r"^(?:.*/)?(n\d{8})\.tar$")
VAL_MEMBER = re.compile(r"^(?:.*/)?(ILSVRC2012_val_(\d{8})\.JPEG)$")
WNID = re.compile(r"^n\d{8}$")
PART = ".part-"          # prefix of folders/files being written; never read by the toolkit
GB = 1e9


class Fail(Exception):
    """An error we report as one line and exit 1."""


def log(msg):
    print("prepare: " + msg, flush=True)


class Progress:
    """One status line, redrawn in place on a terminal, printed every 30 s otherwise."""

    def __init__(self, what, total):
        self.what, self.total, self.start = what, total, time.time()
        self.last = self.start
        self.tty = sys.stdout.isatty()

    def show(self, done, detail="", final=False):
        now = time.time()
        if not final and now - self.last < (0.5 if self.tty else 30):
            return
        self.last = now
        line = f"{self.what}: {done}/{self.total} {detail} ({now - self.start:.0f} s)"
        if self.tty:
            sys.stdout.write("\r" + line + ("\n" if final else "\x1b[K"))
            sys.stdout.flush()
        else:
            print(line, flush=True)


# ---------------------------------------------------------------- labels

def read_devkit(path):
    """(classes, val_truth): classes = [(id, wnid, words)] for ids 1..1000; val_truth = [wnid per val image]."""
    try:
        import numpy as np
        import scipy.io
    except ImportError:
        raise Fail("reading the devkit needs scipy: apt-get install python3-scipy")
    try:
        tar = tarfile.open(path)
        names = tar.getnames()
    except (tarfile.TarError, OSError) as e:
        raise Fail(f"{path} is not a readable devkit archive ({e})")
    meta = [n for n in names if n.endswith("data/meta.mat")]
    truth = [n for n in names if n.endswith("data/ILSVRC2012_validation_ground_truth.txt")]
    if not meta or not truth:
        raise Fail(f"{path} is not ILSVRC2012_devkit_t12.tar.gz (no data/meta.mat or "
                   "data/ILSVRC2012_validation_ground_truth.txt inside)")
    mat = scipy.io.loadmat(io.BytesIO(tar.extractfile(meta[0]).read()))
    if "synsets" not in mat:
        raise Fail(f"{meta[0]} in {path} has no 'synsets' struct")
    classes = []
    for s in np.ravel(mat["synsets"]):
        sid = int(np.ravel(s["ILSVRC2012_ID"])[0])
        if 1 <= sid <= 1000:   # ids above 1000 are inner WordNet nodes, not classes
            classes.append((sid, str(np.ravel(s["WNID"])[0]), str(np.ravel(s["words"])[0])))
    classes.sort()
    by_id = {sid: wnid for sid, wnid, _ in classes}
    lines = tar.extractfile(truth[0]).read().decode().split()
    try:
        val = [by_id[int(x)] for x in lines]
    except (KeyError, ValueError) as e:
        raise Fail(f"{truth[0]} names an ILSVRC2012_ID that meta.mat does not have ({e})")
    return classes, val


def read_kaggle(synsets_path, solution_path):
    """Same as read_devkit, from Kaggle's LOC_synset_mapping.txt and LOC_val_solution.csv."""
    classes = []
    if synsets_path:
        with open(synsets_path) as f:
            for i, line in enumerate(f, 1):
                wnid, _, words = line.strip().partition(" ")
                if not WNID.match(wnid):
                    raise Fail(f"{synsets_path}:{i} does not start with a wnid (is it LOC_synset_mapping.txt?)")
                classes.append((i, wnid, words))
    val = None
    if solution_path:
        val = {}
        with open(solution_path, newline="") as f:
            rows = csv.reader(f)
            if next(rows, None) != ["ImageId", "PredictionString"]:
                raise Fail(f"{solution_path} does not start with ImageId,PredictionString (is it LOC_val_solution.csv?)")
            for image, pred in rows:
                m = re.match(r"ILSVRC2012_val_(\d{8})$", image)
                if not m or not pred.split():
                    raise Fail(f"{solution_path}: bad row {image},{pred[:30]}")
                val[int(m.group(1))] = pred.split()[0]
        if sorted(val) != list(range(1, len(val) + 1)):
            raise Fail(f"{solution_path} does not number its images 1..{len(val)} without gaps")
        val = [val[i] for i in range(1, len(val) + 1)]
    return classes, val


# ---------------------------------------------------------------- archives

def open_tar(path, what, pattern):
    """Open an uncompressed archive and check its first member looks like `what`."""
    if not os.path.isfile(path):
        raise Fail(f"not found: {path} (expected {what.split(' ')[0]})")
    try:
        tar = tarfile.open(path, "r:")
        first = tar.next()
    except (tarfile.TarError, OSError) as e:
        raise Fail(f"{path} is not a tar archive, expected {what} ({e})")
    if first is None or not pattern.match(first.name):
        raise Fail(f"{path} is not {what} (first member is {first.name if first else 'nothing'})")
    return tar


def free_bytes(path):
    while not os.path.exists(path):
        path = os.path.dirname(os.path.abspath(path))
    return shutil.disk_usage(path).free


def check_space(root, need, args):
    have = free_bytes(root)
    margin = 1 * GB + 0.02 * need   # file-system blocks and a little slack
    if args.no_space_check:
        return
    if need + margin > have:
        raise Fail(f"not enough disk space under {root}: need about {(need + margin) / GB:.1f} GB, "
                   f"{have / GB:.1f} GB free (use --classes N for a subset, or --no-space-check)")


def write_atomic(path, data_iter):
    tmp = os.path.join(os.path.dirname(path), PART + os.path.basename(path))
    with open(tmp, "wb") as out:
        for chunk in data_iter:
            out.write(chunk)
    os.replace(tmp, path)


def chunks(f, size=1 << 20):
    while True:
        b = f.read(size)
        if not b:
            return
        yield b


# ---------------------------------------------------------------- train

def prepare_train(args, wanted):
    tar = open_tar(args.train_tar, "ILSVRC2012_img_train.tar (a tar of per-class tars n01440764.tar ...)",
                   TRAIN_MEMBER)
    members = {}
    for m in tar.getmembers():
        hit = TRAIN_MEMBER.match(m.name)
        if not hit or not m.isfile():
            raise Fail(f"{args.train_tar} is not ILSVRC2012_img_train.tar (member {m.name})")
        members[hit.group(1)] = m
    if wanted is None:
        wanted = sorted(members)[:args.classes] if args.classes else sorted(members)
    missing = [w for w in wanted if w not in members]
    if missing:
        raise Fail(f"{args.train_tar} lacks {len(missing)} of the chosen classes, e.g. {missing[0]}.tar")
    out = os.path.join(args.root, "train")
    os.makedirs(out, exist_ok=True)
    todo = [w for w in wanted if not os.path.isdir(os.path.join(out, w))]
    fraction = min(1.0, args.per_class / 732) if args.per_class else 1.0   # 732 = smallest class
    check_space(args.root, sum(members[w].size for w in todo) * fraction, args)
    log(f"train: {len(wanted) - len(todo)} of {len(wanted)} classes already complete, {len(todo)} to extract")
    progress, images = Progress("train", len(todo)), 0
    for i, wnid in enumerate(todo, 1):
        part = os.path.join(out, PART + wnid)
        shutil.rmtree(part, ignore_errors=True)   # left over by a killed run
        os.makedirs(part)
        inner = tarfile.open(fileobj=tar.extractfile(members[wnid]), mode="r:")
        files = sorted((m for m in inner.getmembers() if m.isfile()), key=lambda m: m.name)
        if args.per_class:
            files = files[:args.per_class]
        for m in files:
            name = os.path.basename(m.name)
            with open(os.path.join(part, name), "wb") as f:
                shutil.copyfileobj(inner.extractfile(m), f, 1 << 20)
        os.rename(part, os.path.join(out, wnid))
        images += len(files)
        progress.show(i, f"classes, {images} images, last {wnid}", final=i == len(todo))
    return wanted


# ---------------------------------------------------------------- val

def val_sources(args):
    """Yield (number, name, size, open()) for every validation image, from the tar or a folder."""
    if args.val_dir:
        if not os.path.isdir(args.val_dir):
            raise Fail(f"validation folder not found: {args.val_dir}")
        names = sorted(n for n in os.listdir(args.val_dir) if VAL_MEMBER.match(n))
        if not names:
            raise Fail(f"{args.val_dir} holds no ILSVRC2012_val_*.JPEG files")
        for n in names:
            p = os.path.join(args.val_dir, n)
            yield int(VAL_MEMBER.match(n).group(2)), n, os.path.getsize(p), (lambda p=p: open(p, "rb"))
        return
    tar = open_tar(args.val_tar, "ILSVRC2012_img_val.tar (flat ILSVRC2012_val_00000001.JPEG ...)", VAL_MEMBER)
    for m in tar.getmembers():
        hit = VAL_MEMBER.match(m.name)
        if not hit or not m.isfile():
            raise Fail(f"{args.val_tar} is not ILSVRC2012_img_val.tar (member {m.name})")
        yield int(hit.group(2)), hit.group(1), m.size, (lambda m=m: tar.extractfile(m))


def prepare_val(args, truth, wanted):
    if truth is None:
        raise Fail("sorting validation images needs labels: give --devkit or --kaggle-val-solution")
    chosen = set(wanted)
    sources = list(val_sources(args))
    unlabelled = [s[1] for s in sources if s[0] > len(truth)]
    if unlabelled:
        raise Fail(f"{unlabelled[0]} has no label ({len(truth)} labels given)")
    sources = [s for s in sources if truth[s[0] - 1] in chosen]
    out = os.path.join(args.root, "val")
    os.makedirs(out, exist_ok=True)

    def target(number, name):
        wnid = truth[number - 1]
        return os.path.join(out, name) if args.flat_val else os.path.join(out, wnid, name)

    todo = [s for s in sources if not (os.path.isfile(target(s[0], s[1]))
                                       and os.path.getsize(target(s[0], s[1])) == s[2])]
    check_space(args.root, sum(s[2] for s in todo), args)
    log(f"val: {len(sources) - len(todo)} of {len(sources)} images already in place, {len(todo)} to write")
    progress = Progress("val", len(todo))
    for i, (number, name, _, opener) in enumerate(todo, 1):
        path = target(number, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with opener() as f:
            write_atomic(path, chunks(f))
        progress.show(i, "images", final=i == len(todo))
    if args.flat_val:
        labels = os.path.join(args.root, "val_labels.csv")
        write_atomic(labels, [("file,wnid\n" + "".join(
            f"{name},{truth[number - 1]}\n" for number, name, _, _ in sources)).encode()])
        log(f"wrote {labels} ({len(sources)} rows)")
    counts = {}
    for number, _, _, _ in sources:
        counts[truth[number - 1]] = counts.get(truth[number - 1], 0) + 1
    empty = [w for w in wanted if w not in counts]
    if empty:
        log(f"warning: no validation images for {len(empty)} classes, e.g. {empty[0]}")


# ---------------------------------------------------------------- main

def parse(argv):
    p = argparse.ArgumentParser(
        prog="prepare.sh", description="Lay out ILSVRC-2012 archives as ROOT/train/<wnid>, ROOT/val/<wnid>, "
        "ROOT/synsets.txt. Give only the archives you want processed; reruns skip finished work.")
    p.add_argument("--root", required=True, help="output folder")
    p.add_argument("--archives", metavar="DIR",
                   help="folder holding the archives under their official names (fills in the three below)")
    p.add_argument("--train-tar", help="ILSVRC2012_img_train.tar")
    p.add_argument("--val-tar", help="ILSVRC2012_img_val.tar")
    p.add_argument("--val-dir", help="a folder of flat ILSVRC2012_val_*.JPEG instead of --val-tar (Kaggle)")
    p.add_argument("--devkit", help="ILSVRC2012_devkit_t12.tar.gz (class names and validation labels)")
    p.add_argument("--kaggle-synsets", help="Kaggle's LOC_synset_mapping.txt, instead of --devkit")
    p.add_argument("--kaggle-val-solution", help="Kaggle's LOC_val_solution.csv, instead of --devkit")
    p.add_argument("--flat-val", action="store_true",
                   help="keep val/ flat and write ROOT/val_labels.csv (file,wnid) instead of class folders")
    p.add_argument("--classes", type=int, metavar="N", help="only the first N wnids in sorted order")
    p.add_argument("--per-class", type=int, metavar="M",
                   help="only the first M training images (by name) of each class")
    p.add_argument("--no-space-check", action="store_true", help="skip the free disk space check")
    args = p.parse_args(argv)
    if args.archives:
        for attr, name in [("train_tar", "ILSVRC2012_img_train.tar"), ("val_tar", "ILSVRC2012_img_val.tar"),
                           ("devkit", "ILSVRC2012_devkit_t12.tar.gz")]:
            path = os.path.join(args.archives, name)
            if getattr(args, attr) is None and os.path.exists(path):
                setattr(args, attr, path)
    if args.val_tar and args.val_dir:
        p.error("give --val-tar or --val-dir, not both")
    if args.devkit and (args.kaggle_synsets or args.kaggle_val_solution):
        p.error("give --devkit or the Kaggle files, not both")
    if not (args.train_tar or args.val_tar or args.val_dir or args.devkit or args.kaggle_synsets):
        p.error("nothing to do: give at least one archive (see --help)")
    for n in ("classes", "per_class"):
        if getattr(args, n) is not None and getattr(args, n) < 1:
            p.error(f"--{n.replace('_', '-')} must be at least 1")
    for path in (args.devkit, args.kaggle_synsets, args.kaggle_val_solution):
        if path and not os.path.isfile(path):
            raise Fail(f"not found: {path}")
    return args


def run(argv):
    args = parse(argv)
    try:
        layout(args)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise Fail(f"disk full under {args.root} (free space, then rerun: finished work is kept)")
        raise


def layout(args):
    classes, truth = [], None
    if args.devkit:
        classes, truth = read_devkit(args.devkit)
    elif args.kaggle_synsets or args.kaggle_val_solution:
        classes, truth = read_kaggle(args.kaggle_synsets, args.kaggle_val_solution)
    wanted = None
    if classes:
        if len({w for _, w, _ in classes}) != len(classes):
            raise Fail("the class list names a wnid twice")
        wanted = sorted(w for _, w, _ in classes)
    elif truth:
        wanted = sorted(set(truth))
    if wanted is not None and args.classes:
        if args.classes > len(wanted):
            raise Fail(f"--classes {args.classes} but only {len(wanted)} classes are known")
        wanted = wanted[:args.classes]
    os.makedirs(args.root, exist_ok=True)
    if args.train_tar:
        wanted = prepare_train(args, wanted)
    if args.val_tar or args.val_dir:
        if wanted is None:
            raise Fail("sorting validation images needs labels: give --devkit or --kaggle-val-solution")
        prepare_val(args, truth, wanted)
    if classes:
        chosen = set(wanted)
        path = os.path.join(args.root, "synsets.txt")
        write_atomic(path, ["".join(f"{w}\t{words}\n" for _, w, words in classes if w in chosen).encode()])
        log(f"wrote {path} ({len(chosen)} classes)")
    log("done: " + args.root)


def main(argv=None):
    try:
        run(sys.argv[1:] if argv is None else argv)
    except Fail as e:
        print(f"prepare: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"prepare: error: {e.strerror}: {e.filename}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nprepare: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
