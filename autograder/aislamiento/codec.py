"""Valores como datos JSON entre el calificador y el proceso aislado, sin pickle.

Se copia al proceso aislado (solo depende de numpy). Un valor es ``None``, un
número (``int``, ``float``, ``bool``), un arreglo numérico (``{"t": "arr", "forma": [...], "datos": [...]}``),
una lista o tupla de valores, una ``FuncionPrueba`` (su código) o, para
cualquier otra cosa que devuelva el estudiante, solo el nombre de su tipo.

``acotado`` comprueba, en el calificador, que unos datos recibidos caben en límites de
tamaño antes de decodificarlos (los argumentos de una llamada a una auxiliar de referencia).
"""
import json

import numpy as np

MAX_ELEMENTOS = 100_000  # los casos ocultos usan arreglos de cientos de números
MAX_LISTA = 64


def codificar(valor, clase_funcion=None, profundidad=0):
    """Convierte ``valor`` en datos JSON (nunca guarda objetos)."""
    if valor is None:
        return {"t": "none"}
    if isinstance(valor, bool):
        return {"t": "bool", "v": valor}
    if isinstance(valor, int) and abs(valor) < 2 ** 53:
        return {"t": "int", "v": valor}
    if isinstance(valor, float):
        return {"t": "float", "v": valor}
    if clase_funcion is not None and isinstance(valor, clase_funcion):
        return {"t": "funcion", "codigo": str(valor.codigo)}
    if isinstance(valor, (tuple, list)) and profundidad < 3:
        if len(valor) > MAX_LISTA:
            return {"t": "otro", "tipo": f"{type(valor).__name__} de {len(valor)} elementos"}
        dato = {"t": "lista", "v": [codificar(v, clase_funcion, profundidad + 1) for v in valor]}
        if isinstance(valor, tuple):
            dato["tupla"] = True  # una tupla vuelve como tupla (``a, b = f(...)`` funciona con las dos)
        return dato
    try:
        arreglo = np.asarray(valor, dtype=float)
    except Exception:  # el objeto del estudiante puede fallar de cualquier forma al convertirse
        return {"t": "otro", "tipo": type(valor).__name__}
    if arreglo.size > MAX_ELEMENTOS:
        return {"t": "otro", "tipo": f"arreglo demasiado grande ({arreglo.size} elementos)"}
    return {"t": "arr", "forma": list(arreglo.shape), "datos": arreglo.ravel().tolist()}


class Ajeno:
    """Un valor que no viajó como datos: solo lleva el nombre de su tipo (o una descripción).

    ``solutions.retroalimentacion.nombre_de_tipo`` lo nombra en los mensajes.
    """

    def __init__(self, tipo):
        self.tipo_ajeno = str(tipo)


def decodificar(dato, clase_funcion=None):
    """Inversa de ``codificar``: arreglos de numpy, listas, ``None`` y ``FuncionPrueba``."""
    tipo = dato.get("t") if isinstance(dato, dict) else None
    if tipo == "none":
        return None
    if tipo in ("bool", "int", "float"):
        return {"bool": bool, "int": int, "float": float}[tipo](dato["v"])
    if tipo == "arr":
        forma = tuple(int(n) for n in dato["forma"])
        return np.array(dato["datos"], dtype=float).reshape(forma)
    if tipo == "lista":
        valores = [decodificar(v, clase_funcion) for v in dato["v"]]
        return tuple(valores) if dato.get("tupla") is True else valores
    if tipo == "funcion" and clase_funcion is not None:
        return clase_funcion(dato["codigo"])
    return Ajeno(dato.get("tipo", "desconocido") if isinstance(dato, dict) else "desconocido")


def acotado(dato, max_dimension, max_elementos):
    """Cierto si ``dato`` (sin decodificar) es un valor de ``codificar`` sin funciones y cabe en los límites.

    Los arreglos tienen como mucho 2 dimensiones de ``max_dimension`` elementos cada una, y
    todos los números juntos no pasan de ``max_elementos``: así lo que se calcule con ellos
    (productos de matrices, difusión entre arreglos) tiene un tamaño acotado.
    """
    return _elementos(dato, max_dimension, max_elementos, 0) <= max_elementos


def _elementos(dato, max_dimension, max_elementos, profundidad):
    """Números que lleva ``dato``; infinito si no es un valor aceptable."""
    tipo = dato.get("t") if isinstance(dato, dict) else None
    if tipo == "none" or (tipo in ("bool", "int", "float") and isinstance(dato.get("v"), (bool, int, float))):
        return 1
    if tipo == "arr":
        forma, datos = dato.get("forma"), dato.get("datos")
        if (not isinstance(forma, list) or len(forma) > 2 or not isinstance(datos, list)
                or len(datos) > max_elementos
                or not all(isinstance(n, int) and 0 <= n <= max_dimension for n in forma)
                or not all(isinstance(x, (int, float)) for x in datos)):
            return float("inf")
        return len(datos) if len(datos) == int(np.prod(forma)) else float("inf")
    if tipo == "lista" and isinstance(dato.get("v"), list) and len(dato["v"]) <= MAX_LISTA and profundidad < 3:
        return sum(_elementos(v, max_dimension, max_elementos, profundidad + 1) for v in dato["v"])
    return float("inf")


def linea(mensaje):
    """Un mensaje del protocolo: una línea JSON."""
    return json.dumps(mensaje, ensure_ascii=True) + "\n"
