"""PyTorch models built from this project's architecture data, the JSON that
`deno task summary --arch-json` prints (`bench/architectures.json` holds the four seeds'), so
the reference trains exactly the layers the TypeScript side does, user files included.

Shapes follow Keras: `same` padding pads ceil-division style (the extra row or column at the
bottom and right), max-pooling ignores the padding, average pooling does not count it. Dense
after Flatten sees the features in PyTorch's channel-first order rather than Keras'
channel-last; the parameter count and the work per step are the same. A softmax on the last
layer is left to the loss, which applies it (as the Keras-style loss in `pytorch_bench.py` does).
"""

import json
import math

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU}


def pair(size):
    return (size, size) if isinstance(size, int) else (size[0], size[1])


def same_padding(size, kernel, stride):
    """Keras/TensorFlow `same` padding of one dimension: (before, after, output size)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


class Pool2d(nn.Module):
    """Max or average pooling with Keras' padding rules (asymmetric `same` padding)."""

    def __init__(self, kind, pool, strides, pads):
        super().__init__()
        self.kind, self.pool, self.strides, self.pads = kind, pool, strides, pads

    def forward(self, x):
        if self.kind == "maxPool":
            x = F.pad(x, self.pads, value=-math.inf) if any(self.pads) else x
            return F.max_pool2d(x, self.pool, self.strides)
        if not any(self.pads):
            return F.avg_pool2d(x, self.pool, self.strides)
        total = F.avg_pool2d(F.pad(x, self.pads), self.pool, self.strides)
        ones = torch.ones_like(x[:1, :1])
        count = F.avg_pool2d(F.pad(ones, self.pads), self.pool, self.strides)
        return total / count


def activation(name, last):
    if name in (None, "linear") or (name == "softmax" and last):
        return []
    if name == "softmax":
        return [nn.Softmax(dim=1)]
    if name not in ACTIVATIONS:
        raise ValueError(f'activation "{name}" has no PyTorch equivalent here')
    return [ACTIVATIONS[name]()]


def window(layer, shape, kernel):
    """Strides, F.pad-style padding (left, right, top, bottom) and output (h, w) of a window."""
    strides = pair(layer.get("strides", kernel if layer["type"] != "conv2d" else 1))
    if layer.get("padding", "valid") == "same":
        (top, bottom, h), (left, right, w) = (
            same_padding(shape[1], kernel[0], strides[0]),
            same_padding(shape[2], kernel[1], strides[1]),
        )
        return strides, (left, right, top, bottom), (h, w)
    h = (shape[1] - kernel[0]) // strides[0] + 1
    w = (shape[2] - kernel[1]) // strides[1] + 1
    return strides, (0, 0, 0, 0), (h, w)


def layer_modules(layer, shape, last):
    """The modules of one layer spec and the shape after it ((C, H, W) or (features,))."""
    kind = layer["type"]
    if kind == "conv2d":
        kernel = pair(layer["kernelSize"])
        strides, pads, (h, w) = window(layer, shape, kernel)
        modules = [nn.ZeroPad2d(pads)] if any(pads) else []
        modules.append(nn.Conv2d(shape[0], layer["filters"], kernel, strides,
                                 bias=layer.get("useBias", True)))
        return modules + activation(layer.get("activation"), last), (layer["filters"], h, w)
    if kind in ("maxPool", "avgPool"):
        pool = pair(layer["poolSize"])
        strides, pads, (h, w) = window(layer, shape, pool)
        return [Pool2d(kind, pool, strides, pads)], (shape[0], h, w)
    if kind == "flatten":
        return [nn.Flatten()], (math.prod(shape),)
    if kind == "dense":
        linear = nn.Linear(shape[0], layer["units"], bias=layer.get("useBias", True))
        return [linear] + activation(layer["activation"], last), (layer["units"],)
    if kind == "dropout":
        return [nn.Dropout(layer["rate"])], shape
    if kind == "activation":
        return activation(layer["activation"], last), shape
    if kind == "batchNorm":
        norm = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
        # Keras' momentum weighs the old moving average; PyTorch's weighs the new batch.
        return [norm(shape[0], eps=layer.get("epsilon", 0.001),
                     momentum=1 - layer.get("momentum", 0.99))], shape
    raise ValueError(f'layer type "{kind}" has no PyTorch equivalent here')


def build_model(arch):
    """An nn.Sequential for an architecture's data (28×28×1 input, 10 classes out)."""
    shape, modules = (1, 28, 28), []
    layers = arch["layers"]
    for index, layer in enumerate(layers):
        built, shape = layer_modules(layer, shape, index == len(layers) - 1)
        modules.extend(built)
    return nn.Sequential(*modules)


def load_architectures(path):
    """Name → architecture data from a `summary --arch-json` file (a JSON array)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, list) or not all(isinstance(a, dict) and "name" in a for a in data):
        raise ValueError(f"{path}: expected a JSON array of architectures with names")
    return {arch["name"]: arch for arch in data}
