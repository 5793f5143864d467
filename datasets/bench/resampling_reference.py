#!/usr/bin/python3
"""How far the toolkit's central 256 patches are from torchvision's, with either JPEG decoder.

    resampling_reference.py PATCHES DIR

PATCHES holds NAME.turbo.png and NAME.imageio.png, written by
`PipelineBenchmark --dir DIR --resampling --patches PATCHES` (the pipeline's 256 x 256 patch before
mean subtraction, with libjpeg-turbo and with ImageIO); DIR the same ILSVRC-layout folder. For each
image this prints the mean absolute difference, in grey levels, of both patches to the peer's
Resize(256) + CenterCrop(256) (PIL's antialiased bilinear) of the same file. Those two resizes
differ anyway (ours is bilinear after 2 x 2 halvings, as in the paper's era; PIL's filters every
pixel), so this tells whether libjpeg-turbo's half-size DCT decoding moves the patches further from
that reference or not. Prints one "reference ..." line per image and a "reference-summary" line.
"""
import argparse
import glob
import os
import sys

import numpy as np
from PIL import Image
from torchvision import transforms


def main(argv=None):
    p = argparse.ArgumentParser(prog="resampling_reference.py", description=__doc__.split("\n")[0])
    p.add_argument("patches")
    p.add_argument("dir")
    args = p.parse_args(argv)
    reference = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(256)])
    rows = []
    for path in sorted(glob.glob(os.path.join(args.dir, "train", "*", "*.JPEG"))):
        name = os.path.splitext(os.path.basename(path))[0]
        turbo = os.path.join(args.patches, name + ".turbo.png")
        imageio = os.path.join(args.patches, name + ".imageio.png")
        if not (os.path.exists(turbo) and os.path.exists(imageio)):
            continue
        with open(path, "rb") as f:
            ref = np.asarray(reference(Image.open(f).convert("RGB")), dtype=np.float64)
        t = np.abs(np.asarray(Image.open(turbo), dtype=np.float64) - ref).mean()
        i = np.abs(np.asarray(Image.open(imageio), dtype=np.float64) - ref).mean()
        rows.append((t, i))
        print(f"reference file={name} turbo_vs_torchvision={t:.3f} imageio_vs_torchvision={i:.3f}")
    if not rows:
        sys.exit(f"resampling_reference: no patches in {args.patches} for the files of {args.dir}")
    t, i = np.mean(rows, axis=0)
    print(f"reference-summary images={len(rows)} turbo_vs_torchvision={t:.3f} imageio_vs_torchvision={i:.3f}")


if __name__ == "__main__":
    main()
