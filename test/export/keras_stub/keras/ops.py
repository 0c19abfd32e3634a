"""keras.ops in the stand-in: only referenced inside Lambda layers, which the stand-in never runs."""


def pad(x, pad_width, mode="constant", constant_values=None):
    raise NotImplementedError("the Keras stand-in does not compute")
