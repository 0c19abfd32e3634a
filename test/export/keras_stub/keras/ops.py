"""keras.ops in the stand-in: pad is only referenced inside Lambda layers, which the stand-in never runs; split
is called on tensors (split { branch … }) and recorded like a layer with one tensor per part."""
import keras


def pad(x, pad_width, mode="constant", constant_values=None):
    raise NotImplementedError("the Keras stand-in does not compute")


def split(x, indices_or_sections, axis=-1):
    """Records the split and returns its parts, each with the channels it holds (ids `<split>:<part>`)."""
    assert axis == -1, "the exporter splits the channels, the last axis"
    channels = x.shape[-1]
    if isinstance(indices_or_sections, int):
        cuts = [channels * i // indices_or_sections for i in range(1, indices_or_sections)]
    else:
        cuts = list(indices_or_sections)
    bounds = [0] + cuts + [channels]
    source = f"split#{len(keras.RECORD)}"
    parts = [f"{source}:{i}" for i in range(len(bounds) - 1)]
    keras.RECORD.append({"cls": "split", "args": [bounds], "kwargs": {}, "inputs": [x.source], "output": source,
                         "parts": parts})
    return [keras.KerasTensor(x.shape[:-1] + (b - a,), p) for a, b, p in zip(bounds, bounds[1:], parts)]
