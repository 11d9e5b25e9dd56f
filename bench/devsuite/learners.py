"""Real model training on scikit-learn's bundled datasets, kept cheap
(hundreds of rows, few estimators): the objective is a validation loss on a
fixed split (continuous, unlike an error rate, whose ties make most runs
equal). Left out of the registry when scikit-learn is missing."""
import numpy as np

_data = {}


def _split(name):
    """A fixed 70/30 split of a bundled dataset, features standardized."""
    if name not in _data:
        from sklearn import datasets
        X, y = getattr(datasets, "load_" + name)(return_X_y=True)
        idx = np.random.default_rng(0).permutation(len(y))
        X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        cut = int(0.7 * len(y))
        _data[name] = (X[idx[:cut]], y[idx[:cut]], X[idx[cut:]], y[idx[cut:]])
    return _data[name]


def knn_wine(t):
    """Integer-heavy: k nearest neighbours' validation log-loss on wine."""
    from sklearn.metrics import log_loss
    from sklearn.neighbors import KNeighborsClassifier
    k = t.suggest_int("n_neighbors", 1, 60)
    p = t.suggest_int("p", 1, 4)
    leaf = t.suggest_int("leaf_size", 5, 60, log=True)
    weights = t.suggest_categorical("weights", ["uniform", "distance"])
    Xtr, ytr, Xva, yva = _split("wine")
    m = KNeighborsClassifier(n_neighbors=k, p=p, leaf_size=leaf, weights=weights).fit(Xtr, ytr)
    return float(log_loss(yva, np.clip(m.predict_proba(Xva), 1e-6, 1), labels=m.classes_))


def hgb_diabetes(t):
    """Mixed: gradient boosting's validation mean squared error on diabetes
    (standardized target)."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    Xtr, ytr, Xva, yva = _split("diabetes")
    mu, sd = ytr.mean(), ytr.std()
    m = HistGradientBoostingRegressor(
        max_iter=t.suggest_int("max_iter", 5, 40),
        learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
        max_leaf_nodes=t.suggest_int("max_leaf_nodes", 2, 64, log=True),
        min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 60),
        l2_regularization=t.suggest_float("l2", 1e-6, 10.0, log=True),
        random_state=0).fit(Xtr, (ytr - mu) / sd)
    return float(np.mean((m.predict(Xva) - (yva - mu) / sd) ** 2))


def logreg_breast_cancer(t):
    """Conditional: logistic regression's validation log-loss on breast
    cancer, with an elastic-net mixing parameter only for that penalty."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    penalty = t.suggest_categorical("penalty", ["l1", "l2", "elasticnet"])
    C = t.suggest_float("C", 1e-4, 1e3, log=True)
    kw = {"l1_ratio": t.suggest_float("l1_ratio", 0.0, 1.0)} if penalty == "elasticnet" else {}
    Xtr, ytr, Xva, yva = _split("breast_cancer")
    m = LogisticRegression(penalty=penalty, C=C, solver="saga", max_iter=200, tol=1e-3,
                           **kw).fit(Xtr, ytr)
    return float(log_loss(yva, np.clip(m.predict_proba(Xva), 1e-6, 1)))


def problems():
    from .problem import Problem
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return []
    return [Problem("sk-knn-wine", "sklearn", knn_wine, tags=("int-heavy",)),
            Problem("sk-hgb-diabetes", "sklearn", hgb_diabetes, tags=("mixed", "log")),
            Problem("sk-logreg-breast-cancer", "sklearn", logreg_breast_cancer,
                    tags=("conditional", "log"))]
