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


class KerasTensor:
    """A symbolic tensor: its shape, and `source`, the layer that made it ("input" for keras.Input)."""

    def __init__(self, shape, source="input"):
        self.shape = tuple(shape)
        self.source = source


def Input(shape, batch_size=None, **kwargs):
    return KerasTensor((batch_size,) + tuple(shape))


class Model:
    def __init__(self, inputs, outputs, name=None):
        self.inputs, self.outputs, self.name = inputs, outputs, name
