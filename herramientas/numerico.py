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


def error_del_gradiente(coste, punto, analitico, h=1e-5, direcciones=3, semilla=0):
    """Error relativo entre un gradiente ``analitico`` y las diferencias centrales del ``coste``.

    No compara las derivadas parciales una a una, sino **derivadas direccionales**: para cada
    una de ``direcciones`` direcciones unitarias d elegidas al azar (con ``semilla``), la que
    da el gradiente, ``analitico · d``, frente a la numérica, (coste(p + h·d) − coste(p − h·d)) / 2h.
    Si el gradiente es correcto coinciden en todas las direcciones; si tiene un error, casi
    ninguna dirección lo esconde. Cuesta dos evaluaciones del coste por dirección, tenga el
    punto los parámetros que tenga.

    ``coste`` es una función escalar de un arreglo con la forma de ``punto``. Devuelve el error
    relativo entre los dos vectores de derivadas direccionales (un ``float``), que conviene que
    quede por debajo de 1e-7. No modifica ``punto``.
    """
    punto = np.asarray(punto, dtype=float)
    analitico = np.asarray(analitico, dtype=float)
    if analitico.shape != punto.shape:
        raise ValueError(f"el gradiente tiene forma {analitico.shape} y el punto {punto.shape}: "
                         "deben coincidir (un gradiente tiene una derivada por parámetro)")
    rng = np.random.default_rng(semilla)
    con_gradiente, con_diferencias = [], []
    for _ in range(direcciones):
        d = rng.standard_normal(punto.shape)
        d = d / np.linalg.norm(d)
        con_gradiente.append(float(np.sum(analitico * d)))
        con_diferencias.append(float(coste(punto + h * d) - coste(punto - h * d)) / (2 * h))
    return error_relativo(con_gradiente, con_diferencias)
