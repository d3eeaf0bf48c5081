"""Utilidades numéricas genéricas: comparar dos gradientes."""
import numpy as np


def error_relativo(a, b):
    """‖a − b‖ / max(‖a‖, ‖b‖): la diferencia de dos vectores, sin depender de su escala.

    Vale 0 si los dos son nulos.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    escala = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if escala == 0 else float(np.linalg.norm(a - b) / escala)


def error_del_gradiente(coste, punto, analitico, h=1e-5):
    """Error relativo entre un gradiente ``analitico`` y el de diferencias centrales.

    ``coste`` es una función escalar de un arreglo con la forma de ``punto``; el
    gradiente numérico, (coste(p + h·e_i) − coste(p − h·e_i)) / 2h en cada coordenada,
    se calcula por dentro y solo se devuelve el error relativo (un ``float``), que
    conviene que quede por debajo de 1e-7. No modifica ``punto``.
    """
    punto = np.asarray(punto, dtype=float)
    numerico = np.empty_like(punto)
    for i in np.ndindex(punto.shape):
        e = np.zeros_like(punto)
        e[i] = h
        numerico[i] = (coste(punto + e) - coste(punto - e)) / (2 * h)
    return error_relativo(analitico, numerico)
