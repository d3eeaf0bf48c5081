"""Red neuronal 3-4-1 con activaciones sigmoide para aprender el XOR.

Convención: **las columnas son ejemplos**. Con ``n_x`` entradas, ``n_h``
neuronas ocultas, ``n_y`` salidas y ``m`` ejemplos:

    X  (n_x, m)    w1 (n_h, n_x)    b1 (n_h, 1)
    y  (n_y, m)    w2 (n_y, n_h)    b2 (n_y, 1)
"""
import numpy as np

#: Hiperparámetros con los que la inicialización documentada resuelve el XOR.
EPOCAS = 5000
TASA_APRENDIZAJE = 1.0
SEMILLA = 0


def sigmoide(z):
    """Sigmoide σ(z) = 1 / (1 + e^(−z)), elemento a elemento, con la forma de z."""
    # Forma estable (no se exige en los talleres): con e^(−|z|), exp nunca desborda.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def datosXOR():
    """Devuelve ``(X, y)`` del XOR: X (3, 4) con una tercera entrada constante 1, y (1, 4)."""
    X = np.array([[0.0, 0.0, 1.0, 1.0],
                  [0.0, 1.0, 0.0, 1.0],
                  [1.0, 1.0, 1.0, 1.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    return X, y


def inicializarParametros(semilla=SEMILLA, n_x=3, n_h=4, n_y=1):
    """Pesos iniciales normales estándar y sesgos nulos, reproducibles con ``semilla``.

    Devuelve ``(w1, b1, w2, b2)``. Con ``semilla=0``, ``EPOCAS`` épocas y tasa
    ``TASA_APRENDIZAJE``, ``entrenarRed`` predice ``[0, 1, 1, 0]`` al redondear.
    Los pesos empiezan al azar y no en cero: el capítulo «Entrenamiento de la red»
    explica por qué.
    """
    rng = np.random.default_rng(semilla)
    w1 = rng.standard_normal((n_h, n_x))
    b1 = np.zeros((n_h, 1))
    w2 = rng.standard_normal((n_y, n_h))
    b2 = np.zeros((n_y, 1))
    return w1, b1, w2, b2


def feedForward(X, w1, w2, b1, b2):
    """Paso hacia delante. Devuelve ``(a1, a2)``.

    a1 = σ(w1 X + b1), forma (n_h, m);  a2 = σ(w2 a1 + b2), forma (n_y, m).
    """
    a1 = sigmoide(w1 @ X + b1)
    a2 = sigmoide(w2 @ a1 + b2)
    return a1, a2


def costoGlobal(y_est, y):
    """Entropía cruzada binaria media sobre los m ejemplos (un ``float``).

    J = −(1/m) Σ [ y ln(ŷ) + (1 − y) ln(1 − ŷ) ],  con ŷ = ``y_est``.
    ŷ se recorta a [1e-12, 1 − 1e-12] para no evaluar ln(0).
    """
    y_est = np.clip(np.asarray(y_est, dtype=float), 1e-12, 1.0 - 1e-12)
    y = np.asarray(y, dtype=float)
    m = y.shape[1]
    return float(-np.sum(y * np.log(y_est) + (1.0 - y) * np.log(1.0 - y_est)) / m)


def backProp(X, y, w1, w2, b1, b2, a2, a1):
    """Retropropagación: gradientes de ``costoGlobal`` respecto a cada parámetro.

    Devuelve ``(dw1, db1, dw2, db2)``, cada uno con la forma de su parámetro y
    promediado sobre los m ejemplos: con Δ2 = a2 − y y Δ1 = (w2ᵀ Δ2) ⊙ a1 ⊙ (1 − a1),
    dW2 = Δ2 a1ᵀ / m, db2 = Σ Δ2 / m, dW1 = Δ1 Xᵀ / m y db1 = Σ Δ1 / m.
    """
    m = X.shape[1]
    delta2 = a2 - y
    dw2 = delta2 @ a1.T / m
    db2 = np.sum(delta2, axis=1, keepdims=True) / m
    delta1 = (w2.T @ delta2) * a1 * (1.0 - a1)
    dw1 = delta1 @ X.T / m
    db1 = np.sum(delta1, axis=1, keepdims=True) / m
    return dw1, db1, dw2, db2


def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    """Descenso de gradiente por lotes completos durante ``epocas`` épocas.

    En cada época: paso hacia delante, coste (se guarda en ``costos``
    *antes* de actualizar), retropropagación y actualización ``p ← p − lr·dp``.
    ``a1`` y ``a2`` son las activaciones iniciales (el orden de parámetros es el
    del material del curso); se recalculan en cada época. No modifica sus
    argumentos. Devuelve ``(w1, b1, w2, b2, costos)`` con ``len(costos) == epocas``.
    """
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1 = w1 - lr * dw1
        b1 = b1 - lr * db1
        w2 = w2 - lr * dw2
        b2 = b2 - lr * db2
    return w1, b1, w2, b2, costos
