"""Typed labels for categorical choices: every Python choice becomes a C label
that says its type, so None, True, 1, 1.0 and "1" stay different choices and
come back as exactly the value given (also through storage)."""
import math

_OBJECTS = {}  # "o:" labels: choices of other types, kept in this process only


def encode(value):
    if value is None:
        return "n:"
    if isinstance(value, bool):
        return "b:1" if value else "b:0"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, float):
        return f"f:{value!r}"
    if isinstance(value, str):
        return f"s:{value}"
    # Optuna accepts other objects with a warning; they round-trip only in
    # this process, by identity of their repr.
    label = f"o:{type(value).__qualname__}:{value!r}"
    _OBJECTS[label] = value
    return label


def decode(label):
    kind, text = label[:2], label[2:]
    if kind == "n:":
        return None
    if kind == "b:":
        return text == "1"
    if kind == "i:":
        return int(text)
    if kind == "f:":
        return float(text) if text not in ("nan", "inf", "-inf") else float(text)
    if kind == "s:":
        return text
    if kind == "o:" and label in _OBJECTS:
        return _OBJECTS[label]
    return label  # a label written by a C program: the string itself


def same(a, b):
    """Choice equality as labels see it (NaN equals NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b
