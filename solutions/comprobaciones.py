"""Comprobaciones que usan las pruebas públicas de los talleres.

Los cuadernos las incluyen en una celda de solo lectura (el generador copia este
código con ``inspect.getsource``), porque el estudiante no tiene ``solutions``.
Cada una lanza ``AssertionError`` con un mensaje en español que dice qué está
mal y sugiere por qué; si todo va bien no escribe nada.
"""
import contextlib
import warnings

import numpy as np


def _texto(valor):
    valor = np.asarray(valor, dtype=float)
    if valor.ndim == 0:
        return f"{float(valor):.8g}"
    return np.array2string(valor, precision=6, floatmode="maxprec", suppress_small=True)


def comprobar_forma(nombre, valor, esperada, pista=""):
    """Falla si ``valor`` no tiene la forma ``esperada``."""
    if valor is None:
        raise AssertionError(f"`{nombre}` es None: ¿olvidaste el `return`?")
    forma, esperada = np.shape(valor), tuple(esperada)
    if forma != esperada:
        raise AssertionError(f"`{nombre}` tiene forma {forma} y se esperaba {esperada}. {pista}".rstrip())


def comprobar_valor(nombre, obtenido, esperado, pista="", rtol=1e-6, atol=1e-8):
    """Falla si ``obtenido`` no tiene la forma de ``esperado`` o no está cerca de él."""
    comprobar_forma(nombre, obtenido, np.shape(esperado))
    obtenido = np.asarray(obtenido, dtype=float)
    if not np.allclose(obtenido, esperado, rtol=rtol, atol=atol):
        raise AssertionError(f"`{nombre}` vale {_texto(obtenido)} y se esperaba {_texto(esperado)}. "
                             f"{pista}".rstrip())


def comprobar_gradiente(nombre, analitico, numerico, m=None):
    """Compara un gradiente calculado con su aproximación numérica y sugiere la causa."""
    comprobar_forma(nombre, analitico, np.shape(numerico),
                    "Un gradiente tiene siempre la forma del parámetro.")
    a = np.asarray(analitico, dtype=float).ravel()
    n = np.asarray(numerico, dtype=float).ravel()
    if np.allclose(a, n, rtol=1e-4, atol=1e-7):
        return
    pista = "Repasa la fórmula paso a paso."
    if np.allclose(a, -n, rtol=1e-4, atol=1e-7):
        pista = "Tiene el signo cambiado: ¿usaste y − ŷ en lugar de ŷ − y?"
    elif m and np.allclose(a, m * n, rtol=1e-4, atol=1e-7):
        pista = f"Es {m} veces el correcto (m = {m}): ¿olvidaste dividir entre m (promediar)?"
    elif m and np.allclose(a * m, n, rtol=1e-4, atol=1e-7):
        pista = "Es m veces más pequeño que el correcto: ¿divides entre m dos veces?"
    raise AssertionError(f"`{nombre}` no coincide con el gradiente numérico: vale {_texto(analitico)} "
                         f"y la aproximación numérica da {_texto(numerico)}. {pista}")


def gradiente_aproximado(f, x, h=1e-6):
    """Aproximación numérica (diferencias centrales) del gradiente de ``f`` en ``x``.

    ``f`` recibe un arreglo con la forma de ``x`` y devuelve un número.
    """
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        mas, menos = x.copy(), x.copy()
        mas[i] += h
        menos[i] -= h
        g[i] = (f(mas) - f(menos)) / (2 * h)
    return g


def auxiliar_correcta(nombre, prueba):
    """``True`` si ``prueba()`` (comprobaciones de una función auxiliar) no falla.

    Si falla, avisa por la salida normal y devuelve ``False``: así la celda que prueba
    otra función puede sustituir la auxiliar por una versión de prueba y un error en
    la auxiliar no cuesta puntos en la función que la usa.
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            prueba()
    except Exception as error:  # la auxiliar del estudiante puede fallar de cualquier forma
        print(f"Aviso: `{nombre}` todavía no pasa sus pruebas ({type(error).__name__}: {error}).\n"
              f"Esta celda usa en su lugar una versión de prueba de `{nombre}`; arregla primero "
              f"`{nombre}` y vuelve a ejecutar esta celda.")
        return False
    return True


@contextlib.contextmanager
def sustituidas(espacio, **funciones):
    """Sustituye temporalmente funciones de ``espacio`` (normalmente ``globals()``)."""
    guardadas = {nombre: espacio[nombre] for nombre in funciones if nombre in espacio}
    espacio.update(funciones)
    try:
        yield
    finally:
        for nombre in funciones:
            if nombre in guardadas:
                espacio[nombre] = guardadas[nombre]
            else:
                espacio.pop(nombre, None)
