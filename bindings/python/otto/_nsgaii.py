"""otto.samplers.nsgaii: Optuna's NSGA-II crossover classes, with Optuna's
arguments and checks. Each only names a crossover of the C sampler
(otto_nsga_crossover) and its parameters; the C library does the work."""

__all__ = ["BaseCrossover", "UniformCrossover", "BLXAlphaCrossover", "SBXCrossover",
           "VSBXCrossover", "UNDXCrossover", "SPXCrossover"]


class BaseCrossover:
    """A crossover of otto's NSGA-II/III; user-defined subclasses cannot run
    in C and are refused by the samplers."""

    n_parents = 2
    _kind = None

    def _options(self):
        return {}

    def __str__(self):
        return type(self).__name__

    def crossover(self, parents_params, rng, study, search_space_bounds):
        raise NotImplementedError(
            f"{type(self).__name__}.crossover: otto's crossovers run inside the C sampler")


class UniformCrossover(BaseCrossover):
    n_parents = 2
    _kind = 0

    def __init__(self, swapping_prob=0.5):
        if not (0.0 <= swapping_prob <= 1.0):
            raise ValueError("`swapping_prob` must be a float value within the range [0.0, 1.0].")
        self._swapping_prob = float(swapping_prob)

    def _options(self):
        return {"swapping_prob": self._swapping_prob}


class BLXAlphaCrossover(BaseCrossover):
    n_parents = 2
    _kind = 1

    def __init__(self, alpha=0.5):
        self._alpha = float(alpha)

    def _options(self):
        return {"blx_alpha": self._alpha}


class SBXCrossover(BaseCrossover):
    n_parents = 2
    _kind = 2

    def __init__(self, eta=None, uniform_crossover_prob=0.5, use_child_gene_prob=0.5):
        if (eta is not None) and (eta < 0.0):
            raise ValueError("The value of `eta` must be greater than or equal to 0.0.")
        if uniform_crossover_prob < 0.0 or uniform_crossover_prob > 1.0:
            raise ValueError(
                "The value of `uniform_crossover_prob` must be in the range [0.0, 1.0].")
        if use_child_gene_prob <= 0.0 or use_child_gene_prob > 1.0:
            raise ValueError("The value of `use_child_gene_prob` must be in the range (0.0, 1.0].")
        self._eta = eta
        self._uniform_crossover_prob = float(uniform_crossover_prob)
        self._use_child_gene_prob = float(use_child_gene_prob)

    def _options(self):
        return {"sbx_eta": float("nan") if self._eta is None else float(self._eta),
                "sbx_uniform_crossover_prob": self._uniform_crossover_prob,
                "sbx_use_child_gene_prob": self._use_child_gene_prob}


class VSBXCrossover(SBXCrossover):
    _kind = 3


class UNDXCrossover(BaseCrossover):
    n_parents = 3
    _kind = 4

    def __init__(self, sigma_xi=0.5, sigma_eta=None):
        self._sigma_xi = float(sigma_xi)
        self._sigma_eta = sigma_eta

    def _options(self):
        return {"undx_sigma_xi": self._sigma_xi,
                "undx_sigma_eta": float("nan") if self._sigma_eta is None
                else float(self._sigma_eta)}


class SPXCrossover(BaseCrossover):
    n_parents = 3
    _kind = 5

    def __init__(self, epsilon=None):
        self._epsilon = epsilon

    def _options(self):
        return {"spx_epsilon": float("nan") if self._epsilon is None else float(self._epsilon)}
