"""Conjuntos de datos pequeños que usan los capítulos."""
import numpy as np


def puntos_xor():
    """Los cuatro puntos del XOR, uno por columna.

    Devuelve ``(X, Y)``: X de forma (2, 4) con las entradas (0,0), (0,1), (1,0), (1,1)
    e Y de forma (1, 4) con sus etiquetas 0, 1, 1, 0.
    """
    X = np.array([[0.0, 0.0, 1.0, 1.0],
                  [0.0, 1.0, 0.0, 1.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    return X, Y
