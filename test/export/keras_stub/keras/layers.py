"""keras.layers in the stand-in: every attribute is a recording layer class (see __init__.py)."""
import keras


class _Layer:
    def __init__(self, cls, *args, **kwargs):
        self.cls, self.args, self.kwargs = cls, args, kwargs
        self.name = kwargs.get("name")
        keras.NAMES.append(self.name or keras.auto_name(cls))

    def __call__(self, inputs):
        tensors = inputs if isinstance(inputs, list) else [inputs]
        # The tensor's id: the layer's name, or for unnamed merges their class and place in the record.
        source = self.name if self.name is not None else f"{self.cls}#{len(keras.RECORD)}"
        keras.RECORD.append({"cls": self.cls, "args": [_plain(a) for a in self.args],
                             "kwargs": {k: _plain(v) for k, v in self.kwargs.items()},
                             "inputs": [t.source for t in tensors], "output": source})
        first = tensors[0]
        shape = first.shape
        if self.cls == "Concatenate":
            shape = shape[:-1] + (sum(t.shape[-1] for t in inputs),)
        if self.name in keras.SHAPES:
            shape = (first.shape[0],) + tuple(keras.SHAPES[self.name])
        return keras.KerasTensor(shape, source)


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if callable(value):
        return "<function>"
    return value


def __getattr__(cls):
    return lambda *args, **kwargs: _Layer(cls, *args, **kwargs)
