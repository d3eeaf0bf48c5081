"""Cómo se aplica una implementación a un caso de prueba.

Este módulo solo depende de numpy y de la biblioteca estándar, y no importa
nada del resto de ``solutions``: el calificador lo copia tal cual al proceso
aislado donde corre el código del estudiante, sin dar acceso a la referencia.
"""
import copy
import functools

import numpy as np

#: Nombre de cada valor devuelto por las funciones que devuelven varios.
NOMBRES_SALIDA = {
    "feedForward": ("a1", "a2"),
    "backProp": ("dw1", "db1", "dw2", "db2"),
    "entrenarRed": ("w1", "b1", "w2", "b2", "costos"),
    "descensoGradiente": ("theta", "historial"),
    "normalizar": ("X_norm", "media", "desviacion"),
    "PuertaSuma": ("z", "dx", "dy"),
    "PuertaMultiplicacion": ("z", "dx", "dy"),
    "PuertaMax": ("z", "dx", "dy"),
    "gradienteMinilote": ("dW", "db"),
    "epocaSGD": ("W", "b"),
    "entrenarSGD": ("W", "b", "costes_ent", "costes_val"),
}


class FuncionPrueba:
    """Argumento de prueba dado como código sobre ``np``: una función escalar (una ``lambda``)
    o un arreglo de índices enteros (``np.array([3, 0, 2])``).

    Se describe con texto para poder enviarlo a otro proceso sin ``pickle``; como datos, un
    arreglo viajaría con números reales, que no sirven como índices. Cada caso recibe un
    objeto nuevo, construido a partir del código.
    """

    def __init__(self, codigo):
        self.codigo = codigo

    def crear(self):
        """Un objeto nuevo cada vez; el código se compila una sola vez (la comprobación de
        sustitución crea millones)."""
        return eval(_compilado(self.codigo), {"np": np})  # código fijo del calificador, no del estudiante

    def __repr__(self):
        return f"FuncionPrueba({self.codigo!r})"


@functools.lru_cache(maxsize=None)
def _compilado(codigo):
    return compile(codigo, "<string>", "eval")


def _preparar(arg):
    """Copia profunda de un argumento; una ``FuncionPrueba`` se convierte en función."""
    return arg.crear() if isinstance(arg, FuncionPrueba) else copy.deepcopy(arg)


def _iguales(a, b):
    if isinstance(a, FuncionPrueba) or callable(a):
        return True
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))
    except (TypeError, ValueError):
        return False


def copias_de(args):
    """Copias profundas de los argumentos de un caso (una ``FuncionPrueba`` pasa a ser función)."""
    return [_preparar(a) for a in args]


def aplicar(funcion, copias, espacio):
    """Aplica ``espacio[funcion]`` a ``copias`` (que puede modificar) y devuelve el resultado.

    Las puertas (clases ``Puerta*``) reciben ``(x, y, dz)`` y devuelven
    ``(z, dx, dy)``: ``z = forward(x, y)`` y ``(dx, dy) = backward(dz)``.
    """
    objetivo = espacio[funcion]
    if funcion.startswith("Puerta"):
        puerta = objetivo()
        z = puerta.forward(copias[0], copias[1])
        dx, dy = puerta.backward(copias[2])
        return (z, dx, dy)
    return objetivo(*copias)


def ejecutar(funcion, args, espacio):
    """Aplica ``espacio[funcion]`` a copias de ``args``; devuelve ``(resultado, entradas_modificadas)``."""
    copias = copias_de(args)
    resultado = aplicar(funcion, copias, espacio)
    modificadas = not all(_iguales(a, c) for a, c in zip(args, copias))
    return resultado, modificadas
