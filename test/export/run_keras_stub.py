"""Runs generated Keras code against the stand-in in keras_stub/ and prints the layers it builds.

Reads a JSON list of jobs on stdin: {"id", "code", "function", "shapes": {layer name: shape}}. For each
job it calls the model function and prints, in one JSON list, the recorded layers (class, positional and
keyword arguments, in call order, with the tensors each is called on and the one it returns: the functional
graph), the model's output shape, name and source tensor, or the error.
"""
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs import serve  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_stub"))
import keras  # noqa: E402  (the stand-in, found first on the path)


def run(job):
    keras.RECORD.clear()
    keras.NAMES.clear()
    keras.SHAPES.clear()
    keras.SHAPES.update(job["shapes"])
    module = types.ModuleType("generated_" + job["id"])
    exec(compile(job["code"], job["id"] + ".py", "exec"), module.__dict__)
    model = getattr(module, job["function"])()
    outputs = model.outputs if isinstance(model.outputs, list) else [model.outputs]
    inputs = model.inputs if isinstance(model.inputs, list) else [model.inputs]
    return {"id": job["id"], "layers": list(keras.RECORD), "output": list(outputs[0].shape[1:]), "name": model.name,
            "outputSource": outputs[0].source, "outputSources": [o.source for o in outputs],
            "inputSources": [i.source for i in inputs]}


if __name__ == "__main__":
    serve(run)
