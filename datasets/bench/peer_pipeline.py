#!/usr/bin/python3
"""The Python peer of the toolkit's ImageNet input pipeline: how many training images per second
one core prepares with torchvision + PIL.

    peer_pipeline.py DIR [--seconds 10 | --passes P] [--threads 1]

Per image, as torchvision's ImageFolder and the usual ImageNet recipes do it: PIL decode and convert
to RGB, Resize(256) (shorter side, bilinear with antialiasing), CenterCrop(256), RandomCrop(224),
RandomHorizontalFlip, ToTensor, the paper's PCA colour augmentation, Normalize.

Where this differs from the paper's (and the toolkit's) pipeline:
  - the mean is a constant per channel (torchvision has no per-pixel mean image); subtracting a
    3x256x256 mean image cropped like the input would be the same amount of elementwise work;
  - std is 1 (the paper only subtracts the mean) but Normalize still does the divide;
  - PCA eigenvectors/eigenvalues come from this corpus (computed before timing), not from all of
    ImageNet; the cost of the op does not depend on their values;
  - every image is a separate 3x224x224 float32 tensor: no batching, no collation, no DataLoader.
One process per --threads, each with torch.set_num_threads(1); a warm-up pass over all files, then
timed passes. Prints one machine-readable line starting with "peer ".
Needs: apt-get install python3-torchvision python3-pil (Debian 12: torch 1.13, torchvision 0.14).
"""
import argparse
import multiprocessing
import os
import sys
import time

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms


def image_files(root):
    found = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
             if f.lower().endswith((".jpeg", ".jpg", ".png"))]
    return sorted(found)


def load_rgb(path):
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


def colour_statistics(files):
    """Per-channel mean and the RGB covariance's eigenvalues/eigenvectors, pixel values in [0, 1]."""
    pixels = np.concatenate([np.asarray(load_rgb(p).resize((64, 64)), dtype=np.float64).reshape(-1, 3)
                             for p in files]) / 255.0
    eigval, eigvec = np.linalg.eigh(np.cov(pixels, rowvar=False))
    as_tensor = lambda a: torch.tensor(a, dtype=torch.float32)
    return pixels.mean(axis=0).tolist(), as_tensor(eigval), as_tensor(eigvec)


class PcaLighting:
    """The paper's colour augmentation: add eigvec @ (alpha * eigval), alpha ~ N(0, 0.1), to every pixel."""

    def __init__(self, eigval, eigvec, sigma=0.1):
        self.eigval, self.eigvec, self.sigma = eigval, eigvec, sigma

    def __call__(self, img):
        alpha = torch.randn(3) * self.sigma
        return img + (self.eigvec @ (alpha * self.eigval)).view(3, 1, 1)


def pipeline(mean, eigval, eigvec):
    return transforms.Compose([
        transforms.Resize(256), transforms.CenterCrop(256), transforms.RandomCrop(224),
        transforms.RandomHorizontalFlip(), transforms.ToTensor(), PcaLighting(eigval, eigvec),
        transforms.Normalize(mean, [1.0, 1.0, 1.0])])


def measure(job):
    """One worker: warm-up pass, then timed passes. Returns (images, wall seconds, cpu seconds)."""
    files, stats, seconds, passes, seed = job
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    transform = pipeline(*stats)
    for p in files:   # warm-up: page cache, lazy imports, allocator
        transform(load_rgb(p))
    images, done, start, cpu = 0, 0, time.perf_counter(), time.process_time()
    while True:
        for p in files:
            out = transform(load_rgb(p))
            images += 1
            if seconds and time.perf_counter() - start >= seconds:
                break
        done += 1
        if (seconds and time.perf_counter() - start >= seconds) or (passes and done >= passes):
            break
    if out.shape != (3, 224, 224):
        raise RuntimeError(f"pipeline produced {tuple(out.shape)}")
    return images, time.perf_counter() - start, time.process_time() - cpu


def main(argv=None):
    p = argparse.ArgumentParser(prog="peer_pipeline.py", description=__doc__.split("\n")[0])
    p.add_argument("dir", help="a folder of JPEGs, e.g. from make_corpus.py")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--seconds", type=float, help="measure for this long (default 10)")
    g.add_argument("--passes", type=int, help="measure this many passes over all files")
    p.add_argument("--threads", type=int, default=1, help="worker processes, one core each (default 1)")
    args = p.parse_args(argv)
    if not args.passes and not args.seconds:
        args.seconds = 10.0
    files = image_files(args.dir)
    if not files:
        sys.exit(f"peer_pipeline: no images under {args.dir}")
    torch.set_num_threads(1)
    stats = colour_statistics(files)
    jobs = [(files, stats, args.seconds, args.passes, 1000 + k) for k in range(args.threads)]
    if args.threads == 1:
        results = [measure(jobs[0])]
    else:
        with multiprocessing.Pool(args.threads) as pool:
            results = pool.map(measure, jobs)
    images = sum(r[0] for r in results)
    rate = sum(r[0] / r[1] for r in results)
    wall = max(r[1] for r in results)
    cpu = sum(r[2] for r in results)
    print(f"peer images_per_second_per_core={rate / args.threads:.1f} images={images} seconds={wall:.2f} "
          f"cpu_seconds={cpu:.2f} images_per_cpu_second={images / cpu:.1f} threads={args.threads} "
          f"files={len(files)} torch={torch.__version__} torchvision={torchvision.__version__} "
          f"pil={PIL.__version__} python={sys.version.split()[0]}")


if __name__ == "__main__":
    main()
