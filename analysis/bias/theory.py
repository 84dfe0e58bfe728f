"""Closed forms for the bias chapter: neutral (Wright-Fisher) drift and the Taori-Hashimoto bound.

References
----------
taori2023data
"""

from __future__ import annotations

import numpy as np

from analysis.bias.table import check_fraction
from analysis.core.validation import ArrayLike, Integral, Interval, Real, validate_params

__all__ = ["drift_sd", "feedback_bound", "feedback_bound_limit"]

_COUNT = [Interval(Integral, 0, None, closed="left")]


@validate_params({"initial_share": [Interval(Real, 0, 1, closed="both")],
                  "rows": [Interval(Integral, 1, None, closed="left")],
                  "generations": [Interval(Integral, 0, None, closed="left"), ArrayLike(ndim=None, lo=0)]})
def drift_sd(*, initial_share: float, rows: int, generations: int | np.ndarray | list) -> float | np.ndarray:
    """Exact SD of the minority share after t generations of neutral (Wright-Fisher) resampling of ``rows`` rows.

    Parameters
    ----------
    initial_share : float
        Minority share s_0 in [0, 1].
    rows : int
        Rows n resampled every generation.
    generations : int or array_like
        Generations t (non-negative).

    Returns
    -------
    float or ndarray
        The SD of s_t, of the shape of ``generations`` (a numpy scalar for a scalar ``generations``).

    Notes
    -----
    For :math:`s_{t+1} \\sim \\mathrm{Binomial}(n, s_t) / n`,
    :math:`\\mathrm{Var}(s_t) = s_0 (1 - s_0) (1 - (1 - 1/n)^t)`.

    References
    ----------
    wyllie2024fairness
    """
    s0 = check_fraction("initial_share", initial_share)
    n = int(rows)
    t = np.asarray(generations, dtype=float)
    if not np.isfinite(t).all() or (t < 0).any():
        raise ValueError("generations: must be finite and >= 0")
    return np.sqrt(s0 * (1 - s0) * (1 - (1 - 1 / n) ** t))


@validate_params({"rounds": [Interval(Integral, 0, 1_000_000, closed="both", cap_reason="10**6 rounds")],
                  "initial_size": [Interval(Integral, 1, None, closed="left")],
                  "human_per_round": _COUNT, "model_per_round": _COUNT})
def feedback_bound(*, rounds: int, initial_size: int, human_per_round: int, model_per_round: int) -> np.ndarray:
    """Taori & Hashimoto (2023) Theorem 1 bound on bias amplification, as multiples of the initial calibration error.

    Parameters
    ----------
    rounds : int
        Rounds after round 0.
    initial_size : int
        Initial dataset size n_0.
    human_per_round, model_per_round : int
        Human-labelled (m) and model-labelled (k) samples added per round (not both 0).

    Returns
    -------
    ndarray, shape (rounds + 1,)
        The bound per round.

    Notes
    -----
    Rounds t = 0..rounds; :math:`n_t = n_0 + t (m + k)`. The bound
    :math:`1 + \\sum_i (k / n_i) \\prod_{j>i} (n_j - m) / n_j` is computed by its recursion
    :math:`B_t = B_{t-1} (1 - m / n_t) + k / n_t`, which tends to k / m.

    References
    ----------
    taori2023data
    """
    rounds = int(rounds)
    n0 = int(initial_size)
    m = int(human_per_round)
    k = int(model_per_round)
    if m + k == 0:
        raise ValueError("human_per_round, model_per_round: at least one must be > 0")
    b = np.zeros(rounds + 1)
    for t in range(1, rounds + 1):
        n_t = n0 + t * (m + k)
        b[t] = b[t - 1] * (1 - m / n_t) + k / n_t
    return 1 + b


@validate_params({"human_per_round": [Interval(Integral, 1, None, closed="left")], "model_per_round": _COUNT})
def feedback_bound_limit(*, human_per_round: int, model_per_round: int) -> float:
    """Long-run Taori & Hashimoto bound 1 + k/m (k model-labelled, m human-labelled samples per round).

    Parameters
    ----------
    human_per_round : int
        Human-labelled samples m per round (at least 1).
    model_per_round : int
        Model-labelled samples k per round.

    Returns
    -------
    float
        1 + k / m.

    References
    ----------
    taori2023data
    """
    m = int(human_per_round)
    k = int(model_per_round)
    return 1 + k / m
