# Times a torchinfo-style summary of torchvision's ResNet-50 (build + leaf hooks + forward), for bench/analysis.mjs.
#
# Prints one JSON object on stdout. Times are measured inside Python with time.perf_counter, in ms.
#   python3 bench/torch_summary.py [--build-runs N] [--hook-runs N]
#   python3 bench/torch_summary.py --import-only     (just imports torch, for start-up timing)
import json
import statistics
import sys
import time

_t_import = time.perf_counter()
try:
    import torch
    import torchvision
except ImportError as e:  # the caller turns this into install instructions
    print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
    sys.exit(3)
IMPORT_MS = (time.perf_counter() - _t_import) * 1000


def arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def leaf_modules(model):
    return [(n, m) for n, m in model.named_modules() if not list(m.children())]


def summarise(model, x):
    """Hooks every leaf module, runs one forward pass, returns the rows (torchinfo-style)."""
    rows = []

    def hook(name):
        def record(module, inputs, output):
            params = sum(p.numel() for p in module.parameters(recurse=False))
            macs = 0
            if isinstance(module, torch.nn.Conv2d):
                kh, kw = module.kernel_size
                macs = output.numel() * (module.in_channels // module.groups) * kh * kw
            elif isinstance(module, torch.nn.Linear):
                macs = output.numel() * module.in_features
            rows.append((name, type(module).__name__, tuple(output.shape), params, macs))
        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in leaf_modules(model)]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return rows


def main():
    if "--import-only" in sys.argv:
        print(json.dumps({"import_ms": IMPORT_MS}))
        return
    torch.set_num_threads(2)
    torch.manual_seed(0)
    x = torch.randn(1, 3, 224, 224)
    build_runs, hook_runs = arg("--build-runs", 5), arg("--hook-runs", 10)

    def build_and_summarise():
        model = torchvision.models.resnet50(weights=None).eval()
        return model, summarise(model, x)

    # warm-up (first-call allocations, oneDNN kernel selection)
    model, rows = build_and_summarise()
    summarise(model, x)

    build = []
    for _ in range(build_runs):
        t = time.perf_counter()
        build_and_summarise()
        build.append((time.perf_counter() - t) * 1000)

    hooks = []
    for _ in range(hook_runs):
        t = time.perf_counter()
        summarise(model, x)
        hooks.append((time.perf_counter() - t) * 1000)

    print(json.dumps({
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "import_ms": IMPORT_MS,
        "build_hooks_forward_ms": build,
        "hooks_forward_ms": hooks,
        "leaf_layers": len(rows),
        "params": sum(p.numel() for p in model.parameters()),
        "macs": sum(r[4] for r in rows),
        "output": list(rows[-1][2]),
    }))


if __name__ == "__main__":
    main()
