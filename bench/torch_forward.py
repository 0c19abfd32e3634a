# Times torchvision ResNet-18/50 forward passes on the CPU (batch 1) for bench/forward.mjs: JSON on stdout.
import json
import sys
import time

import torch
import torchvision

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]

def measure(name, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    started = time.perf_counter()
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        model(x)
        first = (time.perf_counter() - started) * 1000  # construction + first forward: PyTorch's time to first result
        for _ in range(3):
            model(x)
        runs = []
        for _ in range(10):
            t = time.perf_counter()
            model(x)
            runs.append((time.perf_counter() - t) * 1000)
    return {"model": name, "threads": threads, "firstMs": first, "steadyMs": median(runs)}

results = [measure(name, int(threads)) for name in ("resnet18", "resnet50") for threads in sys.argv[1:] or ["1", "2"]]
print(json.dumps({"torch": torch.__version__, "results": results}))
