"""Categorical choices as C labels, in the encoding every otto program
reads the same way (see OTTO_LABEL_TYPED in <otto/space.h>): a str is its
own label, so C and Python share string choices as they are; None, bool,
int and float choices get a label behind the U+FDD0 mark that says their
type, so None, True, 1, 1.0 and "1" stay different choices and come back as
exactly the value given, also through storage."""
import math

MARK = "\ufdd0"
_OBJECTS = {}  # "o:" labels: choices of other types, kept in this process only


def encode(value):
    if isinstance(value, str):
        return MARK + "s:" + value if value.startswith(MARK) else value
    if value is None:
        return MARK + "n:"
    if isinstance(value, bool):
        return MARK + ("b:1" if value else "b:0")
    if isinstance(value, int):
        return f"{MARK}i:{value}"
    if isinstance(value, float):
        return f"{MARK}f:{value!r}"
    # Optuna accepts other objects with a warning; they round-trip only in
    # this process, by identity of their repr.
    label = f"{MARK}o:{type(value).__qualname__}:{value!r}"
    _OBJECTS[label] = value
    return label


def decode(label):
    if not label.startswith(MARK):
        return label
    kind, text = label[1:3], label[3:]
    try:
        if kind == "n:" and not text:
            return None
        if kind == "b:" and text in ("0", "1"):
            return text == "1"
        if kind == "i:":
            return int(text)
        if kind == "f:":
            return float(text)
    except ValueError:
        return label
    if kind == "s:":
        return text
    if kind == "o:" and label in _OBJECTS:
        return _OBJECTS[label]
    return label  # a kind this version does not know: the label itself


def same(a, b):
    """Choice equality as labels see it (NaN equals NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def fill_param_value(p, value, keep):
    """Fill a ctypes otto_param_value (its name aside) for a Python value: a
    finite number is both a number and a label (OTTO_VALUE_ANY), so it serves
    numeric and categorical params alike; anything else is a label. The
    encoded bytes go to keep, which must outlive the C call."""
    from . import _capi
    label = _capi.encode(encode(value))
    keep.append(label)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            math.isfinite(float(value)):
        p.kind, p.number, p.label = _capi.VALUE_ANY, float(value), label
    else:
        p.kind, p.label = _capi.VALUE_LABEL, label
