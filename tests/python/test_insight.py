"""Looking into a study from Python: otto.importance with Optuna's names
(right order on a function of known structure, targets, a user's own
evaluator, Optuna's errors) and otto.visualization's plotly and matplotlib
figures holding the study's data; the plotting packages load only when a
plot is made, with a clear error when absent."""
import math
import os
import subprocess
import sys
import unittest

import otto
from otto.importance import (BaseImportanceEvaluator, FanovaImportanceEvaluator,
                             PedAnovaImportanceEvaluator, get_param_importances)
from otto.samplers import RandomSampler

try:
    import plotly  # noqa: F401
except ImportError:
    plotly = None
try:
    import matplotlib
    matplotlib.use("Agg")
except ImportError:
    matplotlib = None


def separable(trial):
    """10 x^2 + y^2 + 0 z + a categorical shift: importance x > c > y > z."""
    x = trial.suggest_float("x", -1, 1)
    y = trial.suggest_float("y", -1, 1)
    trial.suggest_float("z", -1, 1)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    for step in range(3):
        trial.report(10 * x * x + step, step)
    return 10 * x * x + y * y + {"a": 0.0, "b": 1.5, "c": 3.0}[c]


def study_of(seed, n=150):
    s = otto.create_study(sampler=RandomSampler(seed=seed))
    s.optimize(separable, n_trials=n)
    return s


class Importance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    @classmethod
    def tearDownClass(cls):
        otto.logging.set_verbosity(cls.verbosity)

    def test_order_over_seeds(self):
        for seed in range(10):
            imp = get_param_importances(study_of(seed, 250),
                                        evaluator=FanovaImportanceEvaluator(seed=seed))
            self.assertEqual(list(imp), ["x", "c", "y", "z"], seed)
            self.assertAlmostEqual(sum(imp.values()), 1.0)

    def test_evaluators_targets_and_params(self):
        s = study_of(1)
        ped = get_param_importances(s, evaluator=PedAnovaImportanceEvaluator())
        self.assertEqual(next(iter(ped)), "x")
        raw = get_param_importances(s, normalize=False,
                                    evaluator=FanovaImportanceEvaluator(seed=0))
        self.assertNotAlmostEqual(sum(raw.values()), 1.0)
        again = get_param_importances(s, evaluator=FanovaImportanceEvaluator(seed=0))
        self.assertEqual(again, get_param_importances(
            s, evaluator=FanovaImportanceEvaluator(seed=0)))
        by_y = get_param_importances(s, target=lambda t: t.params["y"] ** 2, params=["x", "y"])
        self.assertEqual(list(by_y), ["y", "x"])
        with self.assertRaises(TypeError):
            get_param_importances(s, params="x")
        with self.assertRaises(ValueError):
            get_param_importances(s, params=["nope"])
        with self.assertRaises(ValueError):
            PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.2)
        with self.assertRaises(TypeError):
            get_param_importances(s, evaluator=object())

        def broken(trial):
            raise KeyError("from the target")
        with self.assertRaises(KeyError):
            get_param_importances(s, target=broken)

    def test_own_evaluator_and_multi_objective(self):
        class Constant(BaseImportanceEvaluator):
            def evaluate(self, study, params=None, *, target=None):
                return {"x": 3.0, "y": 1.0}
        self.assertEqual(get_param_importances(study_of(2, 10), evaluator=Constant()),
                         {"x": 0.75, "y": 0.25})
        mo = otto.create_study(directions=["minimize", "maximize"],
                               sampler=RandomSampler(seed=3))
        mo.optimize(lambda t: (t.suggest_float("a", 0, 1), 0.01 * t.suggest_float("b", 0, 1)),
                    n_trials=60)
        with self.assertRaises(ValueError):
            get_param_importances(mo)
        self.assertEqual(next(iter(get_param_importances(mo, target=lambda t: t.values[0]))),
                         "a")


@unittest.skipIf(plotly is None, "python3-plotly is not installed")
class PlotlyFigures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.study = study_of(4, 40)
        cls.complete = cls.study.get_trials(states=(otto.trial.TrialState.COMPLETE,))

    def test_history_and_edf(self):
        fig = otto.visualization.plot_optimization_history(self.study)
        self.assertEqual(fig.layout.title.text, "Optimization History Plot")
        values, best = fig.data
        self.assertEqual(list(values.y), [t.value for t in self.complete])
        self.assertEqual(list(best.y), [min(t.value for t in self.complete[:i + 1])
                                        for i in range(len(self.complete))])
        edf = otto.visualization.plot_edf([self.study, self.study])
        self.assertEqual(len(edf.data), 2)
        self.assertEqual(edf.data[0].y[-1], 1.0)
        self.assertTrue(all(a <= b for a, b in zip(edf.data[0].y, edf.data[0].y[1:])))

    def test_params_plots(self):
        v = otto.visualization
        imp = v.plot_param_importances(self.study)
        self.assertEqual(list(imp.data[0].y)[-1], "x")  # the most important on top
        sl = v.plot_slice(self.study)
        self.assertEqual(len(sl.data), 4)
        self.assertEqual(sl.layout.title.text, "Slice Plot")
        two = v.plot_contour(self.study, params=["x", "y"])
        self.assertEqual([type(d).__name__ for d in two.data], ["Contour", "Scatter"])
        z = two.data[0].z
        lo, hi = min(t.value for t in self.complete), max(t.value for t in self.complete)
        self.assertTrue(all(lo - 1e-9 <= q <= hi + 1e-9 for row in z for q in row))
        self.assertEqual(len(v.plot_contour(self.study).data), 24)  # 4 x 3 pairs, 2 traces
        pc = v.plot_parallel_coordinate(self.study)
        self.assertEqual([d.label for d in pc.data[0].dimensions],
                         ["Objective Value", "c", "x", "y", "z"])
        self.assertEqual(list(pc.data[0].dimensions[1].ticktext), ["a", "b", "c"])

    def test_rank(self):
        v = otto.visualization
        two = v.plot_rank(self.study, params=["x", "y"])
        self.assertEqual(two.layout.title.text, "Rank (Objective Value)")
        points, bar = two.data
        self.assertEqual(len(points.x), len(self.complete))
        # the best trial gets the scale's low end and the worst its high end
        best = min(range(len(self.complete)), key=lambda i: self.complete[i].value)
        worst = max(range(len(self.complete)), key=lambda i: self.complete[i].value)
        import plotly.colors as pc
        scale = pc.get_colorscale("RdYlBu_r")
        self.assertEqual(points.marker.color[best], pc.sample_colorscale(scale, [0.0])[0])
        self.assertEqual(points.marker.color[worst], pc.sample_colorscale(scale, [1.0])[0])
        self.assertEqual(list(bar.marker.colorbar.tickvals), [0, 0.25, 0.5, 0.75, 1])
        self.assertEqual(len(v.plot_rank(self.study).data), 4 * 4 + 1)  # matrix + colorbar
        with self.assertRaises(ValueError):
            v.plot_rank(self.study, params=["nope"])

    def test_rank_ties_and_infeasible(self):
        from otto.visualization import _data
        self.assertEqual(_data.average_ranks([3.0, 1.0, 3.0, 2.0]), [2.5, 0.0, 2.5, 1.0])
        s = otto.create_study(sampler=otto.samplers.TPESampler(
            seed=1, n_startup_trials=100, constraints_func=lambda t: [t.params["x"] - 0.5]))
        s.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 20)
        fig = otto.visualization.plot_rank(s)
        grey = [c for c in fig.data[0].marker.color if c == "rgb(204,204,204)"]
        self.assertEqual(len(grey), sum(t.params["x"] > 0.5 for t in s.trials))

    def test_hypervolume_history(self):
        v = otto.visualization
        mo = otto.create_study(directions=["minimize", "maximize"])
        for a, b in [(3, 1), (1, 2), (2, 1.5), (0, 2.5)]:
            mo.add_trial(otto.trial.create_trial(values=[a, b]))
        fig = v.plot_hypervolume_history(mo, reference_point=[4, 0])
        self.assertEqual(fig.layout.title.text, "Hypervolume History Plot")
        self.assertEqual(list(fig.data[0].x), [0, 1, 2, 3])
        self.assertEqual(list(fig.data[0].y), [1.0, 6.0, 6.0, 10.0])
        with self.assertRaisesRegex(ValueError, "must be multi-objective"):
            v.plot_hypervolume_history(self.study, reference_point=[1.0])
        with self.assertRaisesRegex(ValueError, "dimension of the reference point"):
            v.plot_hypervolume_history(mo, reference_point=[1.0, 2.0, 3.0])
        ax = v.matplotlib.plot_hypervolume_history(mo, [4, 0])
        self.assertEqual(list(ax.lines[0].get_ydata()), [1.0, 6.0, 6.0, 10.0])

    def test_intermediate_and_timeline(self):
        v = otto.visualization
        iv = v.plot_intermediate_values(self.study)
        self.assertEqual(len(iv.data), 40)
        self.assertEqual(list(iv.data[0].x), [0, 1, 2])
        tl = v.plot_timeline(self.study)
        self.assertEqual(sum(len(d.y) for d in tl.data), 40)
        self.assertEqual(tl.layout.title.text, "Timeline Plot")
        self.assertTrue(v.is_available())
        with self.assertRaises(ValueError):
            mo = otto.create_study(directions=["minimize", "minimize"])
            v.plot_optimization_history(mo)


@unittest.skipIf(matplotlib is None, "python3-matplotlib is not installed")
class MatplotlibFigures(unittest.TestCase):
    def test_every_plot_draws(self):
        m = otto.visualization.matplotlib
        s = study_of(5, 30)
        ax = m.plot_optimization_history(s)
        self.assertEqual(ax.get_title(), "Optimization History Plot")
        self.assertEqual(len(ax.collections[0].get_offsets()), 30)
        for plot in (m.plot_intermediate_values, m.plot_param_importances, m.plot_slice,
                     m.plot_contour, m.plot_parallel_coordinate, m.plot_timeline, m.plot_edf,
                     m.plot_rank):
            out = plot(s)
            first = out.flat[0] if hasattr(out, "flat") else out
            self.assertTrue(first.figure.get_axes(), plot.__name__)
        mo = otto.create_study(directions=["minimize", "maximize"])
        mo.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)),
                    n_trials=15)
        self.assertEqual(m.plot_pareto_front(mo).get_title(), "Pareto-front Plot")
        import matplotlib.pyplot as plt
        plt.close("all")


class LazyImports(unittest.TestCase):
    def run_python(self, code):
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=dict(os.environ), timeout=120)

    def test_plotting_packages_load_only_when_plotting(self):  # numpy neither: not a dependency
        r = self.run_python("import sys, otto; import otto.visualization.matplotlib; "
                            "print('plotly' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
                            "'numpy' in sys.modules)")
        self.assertEqual(r.stdout.split(), ["False", "False", "False"], r.stderr)

    def test_missing_package_is_a_clear_import_error(self):
        r = self.run_python(
            "import sys; sys.modules['plotly'] = None; sys.modules['matplotlib'] = None\n"
            "import otto\n"
            "s = otto.create_study(); s.optimize(lambda t: t.suggest_float('x', 0, 1), 3)\n"
            "for f in (otto.visualization.plot_slice, otto.visualization.matplotlib.plot_slice):\n"
            "    try: f(s)\n"
            "    except ImportError as e: print(e)\n"
            "print(otto.visualization.is_available())")
        lines = r.stdout.splitlines()
        self.assertIn("python3-plotly", lines[0], r.stderr)
        self.assertIn("python3-matplotlib", lines[1])
        self.assertEqual(lines[2], "False")


if __name__ == "__main__":
    unittest.main()
