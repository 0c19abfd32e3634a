# Times torchvision models on the CPU for bench/forward.mjs: JSON on stdout.
# Per model and thread count: construction + first forward (PyTorch's time to first result, import excluded),
# the bare steady forward, the steady forward with the hooks a per-layer report needs (every leaf module's mean,
# std, min, max and zero fraction, as `cnnlens simulate` reports them), and images per second with those hooks
# at the batch sizes asked for.
import json
import sys
import time

import torch
import torchvision

MODELS = ("resnet18", "resnet50", "mobilenet_v2")


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def steady(model, x, runs):
    model(x)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        model(x)
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def statistics_hook(rows):
    def hook(_module, _inputs, out):
        flat = out.detach().reshape(-1)
        # Five numbers per layer leave the tensor, as the simulation's statistics do.
        rows.append([flat.mean().item(), flat.std(unbiased=False).item(), flat.min().item(), flat.max().item(),
                     (flat == 0).float().mean().item()])
    return hook


def measure(name, threads, batches):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    started = time.perf_counter()
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        model(x)
        first = (time.perf_counter() - started) * 1000
        bare = steady(model, x, 7)
        rows = []
        for m in model.modules():
            if not list(m.children()):
                m.register_forward_hook(statistics_hook(rows))
        hooked = steady(model, x, 7)
        throughput = {}
        for n in batches:
            xb = torch.randn(n, 3, 224, 224)
            throughput[str(n)] = n * 1000 / steady(model, xb, 2 if n > 1 else 7)
    return {"model": name, "threads": threads, "firstMs": first, "steadyMs": bare, "hooksMs": hooked,
            "imagesPerSecond": throughput}


threads = [int(t) for t in sys.argv[1].split(",")] if len(sys.argv) > 1 else [1, 2]
batches = [int(n) for n in sys.argv[2].split(",")] if len(sys.argv) > 2 else [1, 8, 32]
results = []
for name in MODELS:
    for t in threads:
        # Throughput once per model, at the most threads.
        results.append(measure(name, t, batches if t == max(threads) else []))
print(json.dumps({"torch": torch.__version__, "results": results}))
