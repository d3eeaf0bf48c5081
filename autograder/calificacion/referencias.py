"""Auxiliares de referencia que el calificador calcula para el proceso aislado.

Mientras se califica una función, las auxiliares que llama y que el cuaderno no da
(por ejemplo ``backProp`` durante los casos de ``entrenarRed``) son, en el proceso
aislado, apoderados sin código: envían sus argumentos (datos de ``codec``, sin pickle)
y aquí se calcula la referencia y se devuelve solo el resultado. El código de la
referencia nunca sale de este proceso.

El calificador decide: solo contesta a las auxiliares permitidas en la fase en curso,
con argumentos acotados (arreglos de como mucho 2 dimensiones de ``MAX_DIMENSION``
elementos y ``codec.MAX_ELEMENTOS`` números en total, para que ningún cálculo crezca sin
límite), y como mucho ``MAX_LLAMADAS`` llamadas y ``MAX_SEGUNDOS`` de cálculo por
entrega. Una llamada que no cumple recibe un error en el proceso aislado; nunca detiene nada.
"""
import time

import numpy as np

from solutions import verificacion

from ..aislamiento import codec

MAX_DIMENSION = 1024
MAX_ARGUMENTOS = 16
MAX_LLAMADAS = 20_000  # por entrega; una entrega completa de xor-retropropagacion hace unas 100
MAX_SEGUNDOS = 20.0  # de cálculo de referencias por entrega, en el calificador


def _error(tipo, mensaje):
    return {"error": {"tipo": tipo, "mensaje": mensaje[:500]}}


def _tipo_de_python(error):
    """Nombre de la primera clase de Python (de ``builtins``) de la que desciende ``error``."""
    import builtins

    return next(c.__name__ for c in type(error).__mro__ if getattr(builtins, c.__name__, None) is c)


class Auxiliares:
    """Calcula, en el calificador, las llamadas de los apoderados de una entrega."""

    def __init__(self, funciones=None):
        self.funciones = verificacion.REFERENCIA if funciones is None else funciones
        self.llamadas = 0
        self.segundos = 0.0

    def _argumentos(self, mensaje):
        """(args, kwargs) decodificados, o ``None`` si no son datos acotados."""
        args, kwargs = mensaje.get("args"), mensaje.get("kwargs") or {}
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            return None
        if len(args) + len(kwargs) > MAX_ARGUMENTOS or not all(str(k).isidentifier() for k in kwargs):
            return None
        todos = {"t": "lista", "v": args + list(kwargs.values())}
        if not codec.acotado(todos, MAX_DIMENSION, codec.MAX_ELEMENTOS):
            return None
        return [codec.decodificar(a) for a in args], {str(k): codec.decodificar(v) for k, v in kwargs.items()}

    def responder(self, mensaje, permitidas):
        """Respuesta (``{"resultado": …}`` o ``{"error": …}``) a un mensaje ``llamada``."""
        nombre = mensaje.get("funcion")
        if not isinstance(nombre, str) or nombre not in permitidas or nombre not in self.funciones:
            return _error("RuntimeError", f"el calificador no calcula «{str(nombre)[:40]}» en esta parte "
                                          "de las pruebas")
        if self.llamadas >= MAX_LLAMADAS or self.segundos >= MAX_SEGUNDOS:
            return _error("RuntimeError", f"demasiadas llamadas a `{nombre}` (el calificador atiende como "
                                          f"mucho {MAX_LLAMADAS} por entrega)")
        argumentos = self._argumentos(mensaje)
        if argumentos is None:
            return _error("ValueError", f"`{nombre}` solo admite aquí números y arreglos de hasta 2 "
                                        f"dimensiones de {MAX_DIMENSION} elementos")
        self.llamadas += 1
        inicio = time.perf_counter()
        try:
            with np.errstate(all="ignore"):
                resultado = self.funciones[nombre](*argumentos[0], **argumentos[1])
            return {"resultado": codec.codificar(resultado)}
        except Exception as error:  # argumentos del estudiante que la referencia no admite
            return _error(_tipo_de_python(error), str(error))
        finally:
            self.segundos += time.perf_counter() - inicio
