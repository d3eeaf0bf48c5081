"""Regresión lineal con descenso de gradiente.

Convención: **las filas son ejemplos**. X (m, n), y (m,), theta (n + 1,) con
``theta[0]`` el término independiente:  ŷ = θ0 + X θ[1:].
"""
import numpy as np


def costo(X, y, theta):
    """Coste cuadrático J(θ) = 1/(2m) Σ (θ0 + X θ[1:] − y)², como ``float``."""
    X = np.asarray(X, dtype=float)
    theta = np.asarray(theta, dtype=float)
    r = theta[0] + X @ theta[1:] - np.asarray(y, dtype=float)  # residuos ŷ − y, forma (m,)
    m = len(r)
    return float(r @ r / (2 * m))


def gradiente(X, y, theta):
    """Gradiente de ``costo`` respecto a θ, forma (n + 1,).

    ∂J/∂θ0 = (1/m) Σ r_i;  ∂J/∂θj = (1/m) Σ r_i x_ij,  con r = ŷ − y.
    """
    X = np.asarray(X, dtype=float)
    theta = np.asarray(theta, dtype=float)
    r = theta[0] + X @ theta[1:] - np.asarray(y, dtype=float)  # residuos ŷ − y, forma (m,)
    m = len(r)
    return np.concatenate(([r.sum() / m], X.T @ r / m))


def descensoGradiente(X, y, theta, alpha, iteraciones):
    """Descenso de gradiente: θ ← θ − α ∇J(θ), ``iteraciones`` veces.

    Devuelve ``(theta, historial)``; ``historial[i]`` es el coste antes de la
    actualización i, y ``len(historial) == iteraciones``. No modifica ``theta``.
    """
    theta = np.array(theta, dtype=float)
    historial = []
    for _ in range(iteraciones):
        historial.append(costo(X, y, theta))
        theta = theta - alpha * gradiente(X, y, theta)
    return theta, historial


def normalizar(X):
    """Escalado de variables: cada columna con media 0 y desviación típica 1.

    Devuelve ``(X_norm, media, desviacion)`` con ``X_norm = (X − media) / desviacion``.
    ``desviacion`` es la poblacional (``np.std``, ddof = 0); una columna constante
    recibe desviación 1 para no dividir entre cero.
    """
    X = np.asarray(X, dtype=float)
    media = X.mean(axis=0)
    desviacion = X.std(axis=0)
    desviacion = np.where(desviacion == 0, 1.0, desviacion)
    return (X - media) / desviacion, media, desviacion
