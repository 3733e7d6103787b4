#!/usr/bin/env python3
"""PyTorch reference for `deno task bench`: the same four Keras MNIST models, recipes and
batch sizes, timed in ms per training step after warm-up.

Each step does what the TypeScript loop does: gather a mini-batch from the dataset tensor on
the device, forward, the Keras-style loss (softmax, probabilities clipped to [1e-7, 1 - 1e-7],
mean of -log p[label]), backward, optimizer step. Initialisation differs from Keras (PyTorch
defaults); that does not change the time per step.

Examples:
    python3 bench/pytorch_bench.py --arch cnn-deep --batch 64 --threads 2 --json
    python3 bench/pytorch_bench.py --arch mlp,cnn-deep --device cuda --steps 200
    python3 bench/pytorch_bench.py --arch cnn-deep --data data/mnist
"""

import argparse
import gzip
import json
import os
import sys
import time

import torch
from torch import nn

TRAIN_IMAGES = 60_000
KERAS_EPSILON = 1e-7

# Recipes of lib/models/architectures.ts: optimizer and batch size (learning rate 1e-3).
RECIPES = {
    "mlp": ("adam", 32),
    "cnn-basic": ("rmsprop", 100),
    "cnn-wide": ("adam", 128),
    "cnn-deep": ("rmsprop", 64),
}


def build_model(arch: str) -> nn.Module:
    """The Keras-equivalent layers of each architecture (ReLU after convs and hidden denses)."""
    if arch == "mlp":
        return nn.Sequential(
            nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10)
        )
    if arch == "cnn-basic":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(14 * 14 * 32, 10),
        )
    if arch == "cnn-wide":
        return nn.Sequential(
            nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(12 * 12 * 32, 128), nn.ReLU(), nn.Linear(128, 10),
        )
    if arch == "cnn-deep":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
            nn.Linear(3 * 3 * 64, 64), nn.ReLU(), nn.Linear(64, 10),
        )
    raise ValueError(f'unknown architecture "{arch}": expected one of {", ".join(RECIPES)}')


def make_optimizer(name: str, params) -> torch.optim.Optimizer:
    """Keras defaults: RMSprop rho 0.9, Adam betas 0.9/0.999; epsilon 1e-7; lr 1e-3."""
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=1e-3, alpha=0.9, eps=KERAS_EPSILON)
    return torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=KERAS_EPSILON)


def keras_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Sparse categorical cross-entropy on softmax outputs, as Keras computes it."""
    probabilities = torch.softmax(logits, dim=1).clamp(KERAS_EPSILON, 1 - KERAS_EPSILON)
    return -torch.log(probabilities.gather(1, labels[:, None])).mean()


def read_idx(path: str) -> bytes:
    """The payload of a raw or gzipped IDX file, header checked against MNIST's."""
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as handle:
                data = handle.read()
            magic = int.from_bytes(data[:4], "big")
            header = 16 if magic == 2051 else 8 if magic == 2049 else None
            if header is None:
                sys.exit(f"{candidate}: not an MNIST IDX file (magic {magic:#x})")
            return data[header:]
    sys.exit(f"{path}: not found (raw or .gz)")


def load_dataset(data_dir, device):
    """Real MNIST training images from `data_dir`, or random MNIST-shaped data."""
    if data_dir:
        pixels = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte"))
        labels = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"))
        images = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).float().div(255)
        images = images.reshape(-1, 1, 28, 28)
        targets = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    else:
        generator = torch.Generator().manual_seed(0)
        images = torch.rand(TRAIN_IMAGES, 1, 28, 28, generator=generator)
        targets = torch.randint(0, 10, (TRAIN_IMAGES,), generator=generator)
    return images.to(device), targets.to(device)


def bench(arch, batch, steps, warmup, device, images, labels):
    """Mean wall-clock and CPU (all threads) ms per training step over `steps` steps after
    `warmup` steps. On a shared machine the CPU time is the steadier of the two."""
    torch.manual_seed(0)
    model = build_model(arch).to(device).train()
    optimizer = make_optimizer(RECIPES[arch][0], model.parameters())
    count = images.shape[0]

    def step():
        index = torch.randint(0, count, (batch,), device=device)
        optimizer.zero_grad(set_to_none=True)
        loss = keras_loss(model(images[index]), labels[index])
        loss.backward()
        optimizer.step()
        return loss

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(warmup):
        step()
    sync()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(steps):
        loss = step()
    sync()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    if not torch.isfinite(loss):
        sys.exit(f"{arch}: the loss diverged ({loss.item()})")
    return seconds * 1000 / steps, cpu_seconds * 1000 / steps


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", default="cnn-deep",
                        help="comma-separated architectures (default: cnn-deep)")
    parser.add_argument("--batch", type=int, default=None,
                        help="batch size (default: each recipe's: mlp 32, cnn-basic 100, "
                             "cnn-wide 128, cnn-deep 64)")
    parser.add_argument("--steps", type=int, default=50, help="timed steps (default: 50)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up steps (default: 5)")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="device (default: cpu)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for intra-op parallelism (default: torch's choice)")
    parser.add_argument("--data", default=None,
                        help="folder with MNIST IDX files (raw or .gz); default: random data")
    parser.add_argument("--json", action="store_true", help="print JSON rows, one per line")
    args = parser.parse_args(argv)
    args.arch = [a.strip() for a in args.arch.split(",") if a.strip()]
    for arch in args.arch:
        if arch not in RECIPES:
            parser.error(f'unknown architecture "{arch}": expected one of {", ".join(RECIPES)}')
    for flag in ("batch", "steps", "warmup", "threads"):
        value = getattr(args, flag)
        if value is not None and value < (0 if flag == "warmup" else 1):
            parser.error(f"--{flag} must be positive, got {value}")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: CUDA is not available to this PyTorch")
    return args


def main(argv):
    args = parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    images, labels = load_dataset(args.data, device)
    rows = []
    for arch in args.arch:
        batch = args.batch or RECIPES[arch][1]
        ms, cpu_ms = bench(arch, batch, args.steps, args.warmup, device, images, labels)
        rows.append({
            "arch": arch,
            "batch": batch,
            "device": args.device,
            "threads": torch.get_num_threads(),
            "msPerStep": round(ms, 3),
            "cpuMsPerStep": round(cpu_ms, 3),
            "imagesPerSecond": round(batch * 1000 / ms, 1),
            "secondsPerEpoch": round(TRAIN_IMAGES / batch * ms / 1000, 2),
            "torch": torch.__version__,
        })
    for row in rows:
        if args.json:
            print(json.dumps(row))
        else:
            print(f'{row["arch"]:>10} b{row["batch"]:<5} {row["device"]} x{row["threads"]}: '
                  f'{row["msPerStep"]:8.2f} ms/step {row["imagesPerSecond"]:9.1f} img/s '
                  f'{row["secondsPerEpoch"]:8.2f} s/epoch')


if __name__ == "__main__":
    main(sys.argv[1:])
