"""A stand-in for Keras 3 that records what generated code builds, for tests where TensorFlow is absent.

Only what the CNN Lens exporter writes exists: keras.Input, keras.Model, keras.layers.<Any>(...) and
keras.ops.pad. A layer called on a tensor is recorded (class, arguments, name, and the functional graph:
which tensors it is called on and the id of the one it returns) and returns a tensor whose
shape the test supplies per layer name (the analysis' shapes), so that `x.shape[-1]` works; unnamed merges
and the helpers around a layer (padding, cropping, permutes) pass a shape on without checking it.
"""
from . import layers, ops  # noqa: F401

RECORD = []
SHAPES = {}
# Every layer's name, given or automatic (Keras names an unnamed Add "add", then "add_1", …), as Keras keeps them.
NAMES = []


def auto_name(cls):
    """The name Keras 3 gives an unnamed layer: its class in snake case, numbered from the second on."""
    base = "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(cls))
    taken = sum(1 for n in NAMES if n == base or (n.startswith(base + "_") and n[len(base) + 1:].isdigit()))
    return base if taken == 0 else f"{base}_{taken}"


class KerasTensor:
    """A symbolic tensor: its shape, and `source`, the layer that made it ("input" for keras.Input)."""

    def __init__(self, shape, source="input"):
        self.shape = tuple(shape)
        self.source = source


def Input(shape, batch_size=None, name=None, **kwargs):
    NAMES.append(name or auto_name("InputLayer"))
    # A named input (a model with labelled inputs) is known by its name; the single unnamed one as "input".
    return KerasTensor((batch_size,) + tuple(shape), name or "input")


class Model:
    def __init__(self, inputs, outputs, name=None):
        self.inputs, self.outputs, self.name = inputs, outputs, name
        twice = sorted({n for n in NAMES if NAMES.count(n) > 1})
        if twice:
            raise ValueError(f"The name {twice[0]!r} is used {NAMES.count(twice[0])} times in the model. All operation names should be unique.")
