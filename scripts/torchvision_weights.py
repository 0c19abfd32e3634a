# Writes a torchvision model's weights as .safetensors for `cnnlens simulate --weights`, checked by name: the
# .cnn file must write the network with torchvision's names (examples/resnet18_torchvision.cnn), so that each
# state_dict key is `<a layer of the .cnn file>.<tensor>`; a key that names no layer of the file, or a weighted
# layer of the file that no key names, is reported and nothing is written (no pairing is guessed).
# Three sources, say which:
#   (default)          torchvision's own random initialisation, seeded: an untrained network
#   --pretrained       torchvision's trained weights (DEFAULT), from the torch hub cache or the internet
#   --checkpoint F.pth a state_dict saved with torch.save(model.state_dict(), F.pth) on another machine
# usage: /usr/bin/python3 scripts/torchvision_weights.py resnet18 examples/resnet18_torchvision.cnn out.safetensors
#        [--pretrained | --checkpoint F.pth] [--seed N]
import argparse
import os
import sys

import torch
import torchvision

sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/golden")
from simulation_io import cnn_layers, write_safetensors  # noqa: E402

WITH_WEIGHTS = {"conv", "convtranspose", "batchnorm", "dense"}


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


def name_mismatches(state, layers, cnn_path):
    """Sentences for every key of `state` that names no layer of the .cnn file, and every weighted layer of the
    file that no key names (num_batches_tracked, a BatchNorm counter no forward pass reads, is left out)."""
    ours = {layer["name"]: layer["kind"] for layer in layers}
    covered, problems = set(), []
    for key in state:
        if key.endswith(".num_batches_tracked"):
            continue
        module = key.rsplit(".", 1)[0]
        if module in ours:
            covered.add(module)
        else:
            problems.append(f"'{key}': {cnn_path} has no layer named '{module}'")
    for name, kind in ours.items():
        if kind in WITH_WEIGHTS and name not in covered:
            problems.append(f"layer '{name}' ({kind}) of {cnn_path}: no key '{name}.weight' in the torchvision model")
    return problems


def main(name, cnn_path, out_path, pretrained=False, checkpoint=None, seed=0):
    model = load_model(name, pretrained, checkpoint, seed)
    state = model.state_dict()
    problems = name_mismatches(state, cnn_layers(cnn_path), cnn_path)
    if problems:
        shown = "\n  ".join(problems[:10]) + (f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else "")
        sys.exit(f"the names of {cnn_path} are not torchvision's {name}:\n  {shown}\n"
                 "Write the .cnn file with torchvision's names (labels: conv1: conv(...), layer1: seq { ... }), "
                 "as examples/resnet18_torchvision.cnn does.")
    tensors = {k: v for k, v in state.items() if not k.endswith(".num_batches_tracked")}
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
