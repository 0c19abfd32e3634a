# Writes a torchvision model's weights as .safetensors under the layer names of a .cnn file, for
# `cnnlens simulate --weights`. Three sources, say which:
#   (default)          torchvision's own random initialisation, seeded: an untrained network
#   --pretrained       torchvision's trained weights (DEFAULT), from the torch hub cache or the internet
#   --checkpoint F.pth a state_dict saved with torch.save(model.state_dict(), F.pth) on another machine
# usage: /usr/bin/python3 scripts/torchvision_weights.py resnet18 examples/resnet18.cnn out.safetensors [--pretrained]
import argparse
import os
import sys

import torch
import torchvision

sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/golden")
from simulation_io import cnn_layers, write_safetensors  # noqa: E402

WITH_WEIGHTS = {"conv", "convtranspose", "batchnorm", "dense"}
TORCH_KINDS = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d,
               torch.nn.ConvTranspose3d, torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.BatchNorm3d, torch.nn.Linear)


def load_model(name, pretrained, checkpoint, seed):
    """The torchvision model with the asked-for weights, or exit with a sentence that says how to get them."""
    if not hasattr(torchvision.models, name):
        sys.exit(f"torchvision has no model '{name}' (for example: resnet18, resnet50, vgg16, mobilenet_v2)")
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    if checkpoint:
        try:
            state = torch.load(checkpoint, map_location="cpu")
        except (OSError, RuntimeError) as e:
            sys.exit(f"cannot read {checkpoint}: {e}")
        model.load_state_dict(state)
    elif pretrained:
        url = torchvision.models.get_model_weights(name).DEFAULT.url
        cached = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(url))
        try:
            model.load_state_dict(torch.hub.load_state_dict_from_url(url, map_location="cpu", progress=False))
        except Exception as e:  # noqa: BLE001 - offline, the download fails in many ways; all mean the same here
            sys.exit(f"the pretrained weights of {name} are not in {cached} and could not be downloaded ({type(e).__name__}).\n"
                     f"On a machine with internet, run this script with --pretrained once (or download {url}),\n"
                     f"then copy {os.path.basename(url)} to {cached} here, or pass it with --checkpoint.")
    return model


def main(name, cnn_path, out_path, pretrained=False, checkpoint=None, seed=0):
    model = load_model(name, pretrained, checkpoint, seed)
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
    source = f"the checkpoint {checkpoint}" if checkpoint else "pretrained weights" if pretrained else f"random weights (seed {seed})"
    print(f"wrote {len(tensors)} tensors of {name}, {source}, to {out_path} under the names of {cnn_path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="torchvision weights as .safetensors under a .cnn file's layer names")
    parser.add_argument("model", help="a torchvision model name, e.g. resnet18")
    parser.add_argument("cnn", help="the .cnn file that writes the same network")
    parser.add_argument("out", help="the .safetensors file to write")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--pretrained", action="store_true", help="torchvision's trained weights (cache or internet)")
    source.add_argument("--checkpoint", metavar="F.pth", help="a saved state_dict of the same torchvision model")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random initialisation (default 0)")
    args = parser.parse_args()
    main(args.model, args.cnn, args.out, args.pretrained, args.checkpoint, args.seed)
