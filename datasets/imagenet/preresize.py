#!/usr/bin/python3
"""Offline pre-resize of an ImageNet-layout folder: shorter side to 256, aspect kept.

    preresize.py SRC DST [--size 256] [--quality 95] [--jobs N]

Mirrors SRC into DST (train/<wnid>/..., val/...; small .txt/.csv files such as synsets.txt and
val_labels.csv are copied). Every image is written as RGB JPEG under its original name, so CMYK,
grayscale and PNG-in-disguise files of ILSVRC-2012 become plain RGB JPEGs any decoder reads.
Resumable: an output newer than its input is skipped; each output is written to NAME.part and
renamed, so a killed run leaves no half-written image under a real name. Unreadable inputs are
counted, listed in DST/preresize_errors.txt, and do not stop the run (exit status 3 then).
Needs: apt-get install python3-pil
"""
import argparse
import multiprocessing
import os
import shutil
import sys
import time

from PIL import Image

IMAGE_EXT = (".jpeg", ".jpg", ".png")
COPY_EXT = (".txt", ".csv")


def is_fresh(src, dst):
    try:
        return os.stat(dst).st_mtime >= os.stat(src).st_mtime
    except FileNotFoundError:
        return False


def resize_one(job):
    """Returns (status, path, message); status is 'done', 'skipped' or 'failed'."""
    src, dst, size, quality = job
    if is_fresh(src, dst):
        return "skipped", src, ""
    tmp = dst + ".part"
    try:
        with Image.open(src) as im:
            w, h = im.size
            scale = size / min(w, h)
            target = (max(1, round(w * scale)), max(1, round(h * scale)))
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale while that stays at least twice
            # the target: much faster, and Lanczos below still does the final resampling.
            im.draft("RGB", (target[0] * 2, target[1] * 2))
            im = im.convert("RGB")   # CMYK (Adobe inverted too), L, P, RGBA -> RGB
            if im.size != target:
                im = im.resize(target, Image.LANCZOS)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            im.save(tmp, "JPEG", quality=quality)
        os.replace(tmp, dst)
        return "done", src, ""
    except Exception as e:   # any decoder error: report the file, keep going
        try:
            os.remove(tmp)
        except OSError:
            pass
        return "failed", src, f"{type(e).__name__}: {e}"


def find_jobs(src_root, dst_root, size, quality):
    jobs, copies = [], []
    for d, dirs, files in os.walk(src_root):
        dirs.sort()
        rel = os.path.relpath(d, src_root)
        for name in sorted(files):
            lower = name.lower()
            if name.startswith(".part-") or lower.endswith(".part"):
                continue   # temporaries of prepare.sh or of this script
            src, dst = os.path.join(d, name), os.path.normpath(os.path.join(dst_root, rel, name))
            if lower.endswith(IMAGE_EXT):
                jobs.append((src, dst, size, quality))
            elif lower.endswith(COPY_EXT) and name != "preresize_errors.txt":
                copies.append((src, dst))
    return jobs, copies


def main(argv=None):
    p = argparse.ArgumentParser(prog="preresize.py",
                                description="Resize every image under SRC so its shorter side is SIZE, into DST.")
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--size", type=int, default=256, help="shorter side in pixels (default 256)")
    p.add_argument("--quality", type=int, default=95, help="JPEG quality, 90..100 (default 95)")
    p.add_argument("--jobs", type=int, default=os.cpu_count(), help="processes (default: all cores)")
    args = p.parse_args(argv)
    if not os.path.isdir(args.src):
        p.error(f"not a folder: {args.src}")
    if not 90 <= args.quality <= 100:
        p.error("--quality must be 90..100")
    if os.path.abspath(args.src) == os.path.abspath(args.dst):
        p.error("DST must differ from SRC")
    jobs, copies = find_jobs(args.src, args.dst, args.size, args.quality)
    for src, dst in copies:
        if not is_fresh(src, dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst + ".part")
            os.replace(dst + ".part", dst)
    counts, failed = {"done": 0, "skipped": 0, "failed": 0}, []
    tty, start = sys.stderr.isatty(), time.time()
    last = start

    def progress(final=False):
        n = sum(counts.values())
        elapsed = time.time() - start
        rate = counts["done"] / elapsed if elapsed > 0 else 0
        eta = (len(jobs) - n) / rate if rate > 0 else 0
        line = (f"preresize: {n}/{len(jobs)} (resized {counts['done']}, skipped {counts['skipped']}, "
                f"unreadable {counts['failed']}) {rate:.0f} img/s, ETA {eta / 60:.0f} min")
        sys.stderr.write(("\r" + line + ("\n" if final else "\x1b[K")) if tty else line + "\n")
        sys.stderr.flush()

    pool = multiprocessing.Pool(max(1, args.jobs))
    try:
        for status, src, msg in pool.imap_unordered(resize_one, jobs, chunksize=32):
            counts[status] += 1
            if status == "failed":
                failed.append(f"{src}\t{msg}")
            if time.time() - last > (0.5 if tty else 30):
                last = time.time()
                progress()
        pool.close()
    except KeyboardInterrupt:
        pool.terminate()
        sys.stderr.write("\npreresize: interrupted; rerun the same command to resume\n")
        return 130
    finally:
        pool.join()
    progress(final=True)
    report = os.path.join(args.dst, "preresize_errors.txt")
    if failed:
        os.makedirs(args.dst, exist_ok=True)
        with open(report, "w") as f:
            f.write("\n".join(sorted(failed)) + "\n")
        print(f"preresize: {len(failed)} unreadable files, listed in {report}:", file=sys.stderr)
        for line in sorted(failed)[:5]:
            print("  " + line, file=sys.stderr)
        return 3
    if os.path.exists(report):
        os.remove(report)   # a clean rerun clears the old list
    return 0


if __name__ == "__main__":
    sys.exit(main())
