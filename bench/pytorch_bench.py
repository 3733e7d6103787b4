#!/usr/bin/env python3
"""PyTorch reference for `deno task bench`: the same Keras MNIST models, recipes and batch
sizes, timed in ms per training step after warm-up. The models are built from the project's
architecture data (`torch_models.py`): the four seeds' by default (`bench/architectures.json`,
which `deno task summary --arch-json` writes), or any other such file (`--arch-json`).

Each step does what the TypeScript loop does: gather a mini-batch from the dataset tensor on
the device, forward, the Keras-style loss (softmax, probabilities clipped to [1e-7, 1 - 1e-7],
mean of -log p[label]), backward, optimizer step. Initialisation differs from Keras (PyTorch
defaults); that does not change the time per step.

Examples:
    python3 bench/pytorch_bench.py --arch cnn-deep --batch 64 --threads 2 --json
    python3 bench/pytorch_bench.py --arch mlp,cnn-deep --device cuda --steps 200
    python3 bench/pytorch_bench.py --arch cnn-deep --data data/mnist
    deno task summary --arch-file examples/lenet5.keras.json --arch-json > /tmp/lenet.json
    python3 bench/pytorch_bench.py --arch-json /tmp/lenet.json --arch lenet5
"""

import argparse
import gzip
import json
import os
import sys
import time

import torch

from torch_models import build_model, load_architectures

TRAIN_IMAGES = 60_000
SEED_ARCHITECTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "architectures.json")
KERAS_EPSILON = 1e-7

def make_optimizer(recipe, params) -> torch.optim.Optimizer:
    """The recipe's optimizer with Keras' defaults: RMSprop rho 0.9, Adam betas 0.9/0.999,
    epsilon 1e-7."""
    name, lr = recipe["optimizer"], recipe["learningRate"]
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=KERAS_EPSILON)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=KERAS_EPSILON)


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
    `warmup` steps, and the model's trainable parameters. On a shared machine the CPU time is
    the steadier of the two."""
    torch.manual_seed(0)
    model = build_model(arch).to(device).train()
    optimizer = make_optimizer(arch["recipe"], model.parameters())
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
        sys.exit(f"{arch['name']}: the loss diverged ({loss.item()})")
    params = sum(p.numel() for p in model.parameters())
    return seconds * 1000 / steps, cpu_seconds * 1000 / steps, params


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", default="cnn-deep",
                        help="comma-separated architectures (default: cnn-deep)")
    parser.add_argument("--batch", type=int, default=None,
                        help="batch size (default: each architecture's recipe: mlp 32, "
                             "cnn-basic 100, cnn-wide 128, cnn-deep 64)")
    parser.add_argument("--steps", type=int, default=50, help="timed steps (default: 50)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up steps (default: 5)")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="device (default: cpu)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for intra-op parallelism (default: torch's choice)")
    parser.add_argument("--data", default=None,
                        help="folder with MNIST IDX files (raw or .gz); default: random data")
    parser.add_argument("--arch-json", default=SEED_ARCHITECTURES,
                        help="architecture data as `deno task summary --arch-json` prints it "
                             "(default: bench/architectures.json, the four seeds)")
    parser.add_argument("--json", action="store_true", help="print JSON rows, one per line")
    args = parser.parse_args(argv)
    try:
        known = load_architectures(args.arch_json)
    except (OSError, ValueError) as error:
        parser.error(f"--arch-json: {error}")
    names = [a.strip() for a in args.arch.split(",") if a.strip()]
    for name in names:
        if name not in known:
            parser.error(f'unknown architecture "{name}": expected one of {", ".join(known)}')
    args.arch = [known[name] for name in names]
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
        batch = args.batch or arch["recipe"]["batchSize"]
        ms, cpu_ms, params = bench(arch, batch, args.steps, args.warmup, device, images, labels)
        rows.append({
            "arch": arch["name"],
            "params": params,
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
