"""Lifetimes of the binding's objects that own C handles: copies of studies and
storages share one handle that the last copy frees, pickling says why it
cannot (or pickles a stored study by reference), and the attribute objects
a study keeps for its trials go with it."""
import copy
import gc
import os
import pickle
import subprocess
import sys
import tempfile
import unittest
import weakref

import otto
from otto.samplers import BaseSampler, RandomSampler, TPESampler, default_gamma

# Run in a child process: before copies shared their handle, the second
# __del__ freed a freed C study (or storage) and the process crashed.
COPIES = """
import copy, gc, os, sys, otto

class Half(otto.samplers.BaseSampler):  # its hooks reach the study through a copy
    def sample_independent(self, study, trial, name, dist):
        return dist.low + 0.5 * (dist.high - dist.low) * (len(study.trials) % 2)

s = otto.create_study(sampler=Half())
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
c = copy.copy(s)
del s
gc.collect()
for _ in range(5):  # reuse the memory a freed study would leave
    otto.create_study().optimize(lambda t: t.suggest_float("y", 0, 1), n_trials=3)
c.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
assert [t.params["x"] for t in c.trials] == [0.5, 0.0, 0.5, 0.0, 0.5], c.trials

st = otto.storages.JournalStorage(otto.storages.JournalFileStorage(sys.argv[1]))
a = otto.create_study(storage=st, study_name="a")
st2 = copy.copy(st)
del st
gc.collect()
b = otto.create_study(storage=st2, study_name="b")
a2 = copy.copy(a)
del a
gc.collect()
a2.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
assert st2.get_all_study_names() == ["a", "b"]
mem = otto.storages.InMemoryStorage()
mem2 = copy.copy(mem)
path = mem._path
otto.create_study(storage=mem, study_name="m").optimize(lambda t: 0.0, n_trials=1)
del mem
gc.collect()
assert len(otto.load_study(study_name="m", storage=mem2).trials) == 1
del mem2
gc.collect()
assert not os.path.exists(path), "the temporary journal went with the last copy"
del a2, b, c
gc.collect()
print("ok")
"""


class Wrapper(BaseSampler):
    """Consults a RandomSampler: a C sampler made for each study."""

    def __init__(self):
        self.inner = RandomSampler(seed=3)

    def sample_independent(self, study, trial, name, dist):
        return self.inner.sample_independent(study, trial, name, dist)


class CopyTest(unittest.TestCase):
    def test_copies_share_the_c_handle(self):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([sys.executable, "-c", COPIES, os.path.join(d, "j.log")],
                               capture_output=True, text=True, timeout=120)
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "ok"), p.stderr)

    def test_copy_is_the_same_study(self):
        s = otto.create_study(sampler=RandomSampler(seed=1))
        c = copy.copy(s)
        c.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        self.assertEqual(len(s.trials), 3)
        self.assertEqual(s.best_trial, c.best_trial)
        trial = s.ask()
        twin = copy.copy(trial)
        self.assertEqual(twin.suggest_float("x", 0, 1), trial.suggest_float("x", 0, 1))
        s.tell(twin, 1.0)
        self.assertEqual(c.trials[3].value, 1.0)

    def test_pickle_says_why_not(self):
        s = otto.create_study()
        trial = s.ask()
        for obj, what in ((s, "study in memory"), (trial, "Trial"),
                          (otto.storages.InMemoryStorage(), "InMemoryStorage"),
                          (otto.storages.RDBStorage("sqlite:///:memory:"), "RDBStorage")):
            with self.assertRaisesRegex(TypeError, f"otto cannot pickle .*{what}"):
                pickle.dumps(obj)
            with self.assertRaisesRegex(TypeError, f"otto cannot pickle or deep-copy .*{what}"):
                copy.deepcopy(obj)
        st = otto.storages.InMemoryStorage()
        with self.assertRaisesRegex(TypeError, "temporary InMemoryStorage"):
            pickle.dumps(otto.create_study(storage=st))

    def test_samplers_copy_and_pickle_as_configuration(self):
        tpe = TPESampler(gamma=default_gamma, n_startup_trials=1, seed=1)
        for sampler in (Wrapper(), tpe):  # used first: C samplers and callbacks made
            s = otto.create_study(sampler=sampler, study_name="s")
            s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
            for twin in (copy.deepcopy(sampler), pickle.loads(pickle.dumps(sampler))):
                t = otto.create_study(sampler=twin, study_name="s")
                t.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
                self.assertEqual(len(t.trials), 3)
        self.assertEqual([x.params for x in t.trials], [x.params for x in s.trials])  # seeded


class Model:
    """A user attr that is not JSON (weakly referable, so its end can be seen)."""

    def __init__(self, size):
        self.weights = bytearray(size)


class AttrObjectsTest(unittest.TestCase):
    def test_non_json_attrs_go_with_their_study(self):
        s = otto.create_study()
        model = Model(50 << 20)
        ref = weakref.ref(model)
        t = s.ask()
        t.set_user_attr("model", model)
        t.set_system_attr("model", model)
        s.set_user_attr("model", model)
        s.tell(t, 1.0)
        self.assertIs(s.trials[0].user_attrs["model"], model)
        self.assertIs(s.trials[0].system_attrs["model"], model)
        self.assertIs(s.user_attrs["model"], model)
        other = otto.create_study()  # another study does not see its objects
        other.set_user_attr("model", s.user_attrs["model"])
        del model, t
        gc.collect()
        self.assertIsNotNone(ref())  # the studies keep it
        c = copy.copy(s)
        del s
        gc.collect()
        self.assertIs(c.trials[0].user_attrs["model"], ref())  # so does a copy
        del c, other
        gc.collect()
        self.assertIsNone(ref(), "50 MiB held after its studies went")

    def test_enqueued_non_json_attrs_are_the_objects(self):
        s = otto.create_study()
        model = Model(1)
        s.enqueue_trial({"x": 0.5}, user_attrs={"model": model})
        waiting = s.get_trials(states=(otto.TrialState.WAITING,))
        self.assertIs(waiting[0].user_attrs["model"], model)
        self.assertIs(s.ask().user_attrs["model"], model)


if __name__ == "__main__":
    unittest.main()
