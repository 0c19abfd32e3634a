# Writes a torchvision model's state_dict as .safetensors under the layer names of a .cnn file, for
# `cnnlens simulate --weights`: usage  /usr/bin/python3 scripts/torchvision_weights.py resnet18 examples/resnet18.cnn out.safetensors
import sys

import torch
import torchvision

sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/golden")
from simulation_io import cnn_layers, write_safetensors  # noqa: E402

WITH_WEIGHTS = {"conv", "convtranspose", "batchnorm", "dense"}
TORCH_KINDS = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d,
               torch.nn.ConvTranspose3d, torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.BatchNorm3d, torch.nn.Linear)


def main(name, cnn_path, out_path, weights=None):
    model = getattr(torchvision.models, name)(weights=weights)
    # Both sides list their weighted layers in execution order (torchvision registers modules in that
    # order, the .cnn summary lists them so), so the n-th conv/batchnorm/linear pairs with the n-th.
    theirs = [(n, m) for n, m in model.named_modules() if isinstance(m, TORCH_KINDS)]
    ours = [layer for layer in cnn_layers(cnn_path) if layer["kind"] in WITH_WEIGHTS]
    if len(theirs) != len(ours):
        sys.exit(f"{name} has {len(theirs)} weighted layers but {cnn_path} has {len(ours)}: they are not the same network")
    tensors = {}
    for (torch_name, module), layer in zip(theirs, ours):
        for key, value in module.state_dict().items():
            if key != "num_batches_tracked":
                tensors[f"{layer['name']}.{key}"] = value
    write_safetensors(out_path, tensors)
    print(f"wrote {len(tensors)} tensors of {name} to {out_path} under the names of {cnn_path}")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: torchvision_weights.py MODEL FILE.cnn OUT.safetensors [WEIGHTS, e.g. DEFAULT]")
    main(*sys.argv[1:])
