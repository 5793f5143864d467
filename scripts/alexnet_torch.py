#!/usr/bin/python3
"""AlexNet in PyTorch, matching the Java toolkit's weight files (docs/use-a-trained-model.md).

  /usr/bin/python3 scripts/alexnet_torch.py convert alexnet-owt-7be5be79.pth alexnet-owt.npz
      torchvision's .pth (a state dict) -> .npz that `alexnet import-torchvision` reads
  /usr/bin/python3 scripts/alexnet_torch.py random OUT.pth [--seed N]
      a randomly initialised torchvision AlexNet state dict (for tests; its outputs mean nothing)
  /usr/bin/python3 scripts/alexnet_torch.py forward WEIGHTS.npz SPEC.properties INPUT.npz OUTPUT.npz
      loads an exported .npz into the module below (strict: every name must match) and writes its
      scores for INPUT's first array (N, C, H, W) in evaluation mode, as OUTPUT's array "y"

Needs Debian's python3-torch (and python3-numpy); torchvision is used when importable.
"""
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


class AlexNet(nn.Module):
    """The toolkit's AlexNet (model "alexnet" or "alexnet-fashion"). state_dict keys are
    conv1.weight, conv1.bias, ..., fc8.bias, exactly the names in the exported .npz."""

    def __init__(self, classes=1000, channels=3, towers=2, lrn=True, overlapping_pooling=True,
                 activation="relu", dropout=0.5, conv1_padding=2, resolution=224):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 96, 11, stride=4, padding=conv1_padding)
        self.conv2 = nn.Conv2d(96, 256, 5, padding=2, groups=towers)
        self.conv3 = nn.Conv2d(256, 384, 3, padding=1)  # sees both towers, as in the paper
        self.conv4 = nn.Conv2d(384, 384, 3, padding=1, groups=towers)
        self.conv5 = nn.Conv2d(384, 256, 3, padding=1, groups=towers)
        # torch divides alpha by size; the paper's (and the toolkit's) alpha = 1e-4 multiplies the plain sum.
        self.lrn = nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0) if lrn else nn.Identity()
        self.pool = nn.MaxPool2d(3 if overlapping_pooling else 2, stride=2)
        self.act = {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.drop = nn.Dropout(dropout)
        side = (resolution + 2 * conv1_padding - 11) // 4 + 1
        k = 3 if overlapping_pooling else 2
        for _ in range(3):
            side = (side - k) // 2 + 1
        self.fc6 = nn.Linear(256 * side * side, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, classes)

    def features(self, x):
        x = self.pool(self.lrn(self.act(self.conv1(x))))
        x = self.pool(self.lrn(self.act(self.conv2(x))))
        x = self.act(self.conv3(x))
        x = self.act(self.conv4(x))
        return self.pool(self.act(self.conv5(x)))

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        x = self.drop(self.act(self.fc6(x)))
        x = self.drop(self.act(self.fc7(x)))
        return self.fc8(x)


class TorchvisionAlexNet(nn.Module):
    """A copy of torchvision.models.AlexNet (same state_dict keys), used when torchvision is absent."""

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def torchvision_alexnet(classes=1000):
    try:
        import torchvision
        return torchvision.models.alexnet(num_classes=classes)
    except ImportError:
        return TorchvisionAlexNet(classes)


def read_properties(path):
    props = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "!")) and "=" in line:
                k, v = line.split("=", 1)
                props[k.strip()] = v.strip()
    return props


def module_for(props):
    """The module an exported model's alexnet.properties describes."""
    classes = int(props["classes"])
    if props["model"] == "alexnet-torchvision":
        return torchvision_alexnet(classes)
    if props["model"] not in ("alexnet", "alexnet-fashion"):
        sys.exit("no PyTorch module for model " + props["model"] + " (AlexNet variants only)")
    return AlexNet(classes=classes, channels=int(props["channels"]), towers=int(props["towers"]),
                   lrn=props["lrn"] == "true", overlapping_pooling=props["overlappingPooling"] == "true",
                   activation=props["activation"], dropout=float(props["dropout"]),
                   conv1_padding=int(props["conv1Padding"]), resolution=int(props["resolution"]))


def load_npz(module, path):
    with np.load(path) as z:
        state = {k: torch.from_numpy(z[k].astype(np.float32)) for k in z.files}
    module.load_state_dict(state, strict=True)
    return module


def main(argv):
    if len(argv) >= 3 and argv[0] == "convert":
        state = torch.load(argv[1], map_location="cpu")
        if isinstance(state, nn.Module):
            state = state.state_dict()
        state = state.get("state_dict", state)
        expected = torchvision_alexnet().state_dict()
        if set(state) != set(expected) or any(state[k].shape != expected[k].shape for k in expected):
            sys.exit(argv[1] + " is not a torchvision AlexNet state dict (1000 classes): got keys "
                     + ", ".join(sorted(state)))
        np.savez(argv[2], **{k: v.detach().float().numpy() for k, v in state.items()})
        print("wrote", argv[2], "(%d tensors)" % len(state))
    elif len(argv) >= 2 and argv[0] == "random":
        torch.manual_seed(int(argv[3]) if len(argv) > 3 and argv[2] == "--seed" else 0)
        torch.save(torchvision_alexnet().state_dict(), argv[1])
    elif len(argv) == 5 and argv[0] == "forward":
        module = load_npz(module_for(read_properties(argv[2])), argv[1]).eval()
        with np.load(argv[3]) as z:
            x = z[z.files[0]].astype(np.float32)
        with torch.no_grad():
            out = module(torch.from_numpy(x))
        np.savez(argv[4], y=out.numpy())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
