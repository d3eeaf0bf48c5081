"""Comprobaciones que usan las pruebas públicas de los talleres.

Los cuadernos las incluyen en una celda de solo lectura (el generador copia este
código con ``inspect.getsource``), porque el estudiante no tiene ``solutions``.
Cada una lanza ``AssertionError`` con un mensaje en español que dice qué está
mal y sugiere por qué; si todo va bien no escribe nada.

``explicar_error`` traduce los errores habituales de numpy y Python a una pista en
español (conservando el mensaje original). Es el único sitio donde se traducen: lo
usan las celdas de pruebas (``en_espanol``), las pruebas ocultas y el calificador.
"""
import contextlib
import inspect
import io
import re
import traceback
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


def comprobar_valor(nombre, obtenido, esperado, pista="", rtol=1e-6, atol=1e-8, m=None, como_m=""):
    """Falla si ``obtenido`` no tiene la forma de ``esperado`` o no está cerca de él.

    Con ``m`` (el número de ejemplos del caso), si el valor es el esperado escalado
    por un m mal calculado, la pista lo dice (``como_m``: de dónde se obtiene m).
    """
    comprobar_forma(nombre, obtenido, np.shape(esperado), pista)
    obtenido = np.asarray(obtenido, dtype=float)
    if not np.allclose(obtenido, esperado, rtol=rtol, atol=atol):
        pista = (pista_de_m(obtenido, esperado, m, como_m) if m else "") or pista
        raise AssertionError(f"`{nombre}` vale {_texto(obtenido)} y se esperaba {_texto(esperado)}. "
                             f"{pista}".rstrip())


def pista_de_m(obtenido, esperado, m, como_m=""):
    """Pista si ``obtenido`` es ``esperado`` por un m mal calculado: m (sin promediar), 1/m o m/4."""
    o = np.asarray(obtenido, dtype=float).ravel()
    e = np.asarray(esperado, dtype=float).ravel()
    if o.shape != e.shape or not np.any(np.abs(e) > 1e-12):
        return ""
    i = int(np.argmax(np.abs(e)))
    razon = o[i] / e[i]
    if np.isclose(razon, 1) or not np.allclose(o, razon * e, rtol=1e-5, atol=1e-10):
        return ""
    causas = []
    if np.isclose(razon, m):
        nota = " Ojo: con y de forma (1, m), `len(y)` vale 1." if "shape[1]" in como_m else ""
        causas.append(f"¿olvidaste dividir entre m (promediar)?{nota}")
    if m > 1 and np.isclose(razon, 1 / m):
        causas.append("¿divides entre m dos veces?")
    # 4 es el m de los ejemplos del XOR y de la regresión: el número que se suele escribir a mano.
    if m != 4 and np.isclose(razon, m / 4):
        causas.append(f"¿divides entre 4 y no entre m = {m}, con m = 4 escrito a mano?")
    if not causas:
        return ""
    como = f" Obtén m de los datos: `{como_m}`." if como_m else ""
    return f"Es lo esperado multiplicado por {razon:.4g} (m = {m}): " + " O bien ".join(causas) + como


def comprobar_gradiente(nombre, analitico, coste, punto, m=None, como_m=""):
    """Compara un gradiente calculado con el de diferencias centrales de ``coste`` en ``punto``.

    La aproximación numérica se calcula aquí dentro y no se devuelve: esta comprobación no
    sirve como función de gradiente numérico (la califica el taller de la regla de la cadena).
    """
    punto = np.array(punto, dtype=float)
    numerico = np.zeros_like(punto)
    for i in np.ndindex(punto.shape):
        mas, menos = punto.copy(), punto.copy()
        mas[i] += 1e-6
        menos[i] -= 1e-6
        numerico[i] = (coste(mas) - coste(menos)) / 2e-6
    comprobar_forma(nombre, analitico, np.shape(numerico),
                    "Un gradiente tiene siempre la forma del parámetro.")
    a = np.asarray(analitico, dtype=float).ravel()
    n = numerico.ravel()
    if np.allclose(a, n, rtol=1e-4, atol=1e-7):
        return
    pista = "Repasa la fórmula paso a paso."
    if np.allclose(a, -n, rtol=1e-4, atol=1e-7):
        pista = "Tiene el signo cambiado: ¿usaste y − ŷ en lugar de ŷ − y?"
    elif m and pista_de_m(a, n, m, como_m):
        pista = pista_de_m(a, n, m, como_m)
    raise AssertionError(f"`{nombre}` no coincide con el gradiente numérico: vale {_texto(analitico)} "
                         f"y la aproximación numérica da {_texto(numerico)}. {pista}")


def auxiliar_correcta(nombres, prueba):
    """``True`` si ``prueba()`` (comprobaciones de una o varias funciones auxiliares) no falla.

    Si falla, avisa por la salida normal y devuelve ``False``: así la celda que prueba
    otra función puede sustituir la auxiliar por una versión de prueba y un error en
    la auxiliar no cuesta puntos en la función que la usa.
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            prueba()
    except Exception as error:  # la auxiliar del estudiante puede fallar de cualquier forma
        nombres = [nombres] if isinstance(nombres, str) else list(nombres)
        lista = " o ".join(f"`{n}`" for n in nombres)
        varias = len(nombres) > 1
        motivo = str(error) if isinstance(error, AssertionError) else explicar_error(type(error).__name__, str(error))
        print(f"Aviso: {lista} todavía no {'pasan' if varias else 'pasa'} sus pruebas: "
              f"{motivo}\n"
              f"Esta celda usa en su lugar {'versiones' if varias else 'una versión'} de prueba; arregla "
              f"primero {lista} y vuelve a ejecutar esta celda.")
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


def pista_de_error(tipo, mensaje):
    """Pista en español para un error habitual de numpy o de Python; ``None`` si no se reconoce."""
    mensaje = str(mensaje)
    formas = re.findall(r"\(\d[\d,]*\)", mensaje)
    entre = f" ({' y '.join(formas[:2])})" if len(formas) >= 2 else ""
    tamanos = re.search(r"size (\d+) is different from (\d+)", mensaje)
    if tamanos:
        entre = f" ({tamanos.group(1)} frente a {tamanos.group(2)})"
    nombre = re.search(r"name '(\w+)' is not defined", mensaje)
    if tipo == "NotImplementedError":
        return ("Aún no has escrito esta función: borra la línea `raise NotImplementedError()` y "
                "escribe tu código en su lugar.")
    if "truth value of an array" in mensaje:
        return ("Usas un arreglo donde Python espera un único verdadero o falso: en un `if`, con "
                "`and`/`or` o con `max`/`min` de Python. Con arreglos hay que trabajar elemento a "
                "elemento: `np.maximum(x, y)` en vez de `max(x, y)` y `np.where(condición, a, b)` "
                "en vez de `if`.")
    if "could not be broadcast" in mensaje:
        return (f"Operas elemento a elemento (`*`, `+`, `-`, `/`) dos arreglos de formas "
                f"incompatibles{entre}. ¿Querías un producto de matrices (`@`)? ¿Hay un arreglo "
                f"traspuesto (revisa si los ejemplos son filas o columnas)?")
    if "mismatch in its core dimension" in mensaje or "not aligned" in mensaje:
        return (f"Un producto de matrices (`@` o `np.dot`) con dimensiones que no encajan{entre}: "
                f"en `A @ B`, `A` debe tener tantas columnas como filas tiene `B`. ¿Están los "
                f"factores o los argumentos en otro orden, o falta una traspuesta (`.T`)?")
    if re.search(r"only (length-1|size-1|0-dimensional) arrays can be converted", mensaje):
        return ("Una función de `math` (como `math.exp` o `math.log`) o `float()` recibió un arreglo, "
                "y solo sirven para números sueltos. Usa las de numpy, que trabajan elemento a "
                "elemento: `np.exp`, `np.log`, `np.sqrt`.")
    if "Conversion of an array with ndim > 0 to a scalar" in mensaje:
        return ("Conviertes en número (con `float()` o una función de `math`) un arreglo que no es un "
                "número suelto, por ejemplo de forma (1,) o (1, 1); numpy lo avisa porque pronto dejará "
                "de permitirlo. Reduce antes a un número: `np.sum(...)` sin `axis`, o `.item()`.")
    if "overflow encountered" in mensaje:
        return ("Un cálculo desborda (da infinito), casi siempre `np.exp` de un número muy grande. "
                "Comprueba el signo del exponente.")
    if "divide by zero encountered in log" in mensaje:
        return ("Calculas log(0). Recorta antes las probabilidades: `np.clip(y_est, 1e-12, 1 - 1e-12)`.")
    if "divide by zero" in mensaje or tipo == "ZeroDivisionError":
        return "Divides entre cero: revisa el denominador (¿una desviación o un m que valen 0?)."
    if "invalid value encountered" in mensaje:
        return "Un cálculo da NaN (por ejemplo 0/0, el logaritmo de un negativo o ∞ − ∞)."
    if "NoneType" in mensaje:
        return "Algo vale None: ¿falta el `return` en tu función o en una auxiliar que llama?"
    if "values to unpack" in mensaje or "cannot unpack" in mensaje:
        return ("Al desempaquetar (`a, b = …`) hay otro número de valores: revisa cuántos valores "
                "devuelve cada función y en qué orden.")
    if tipo == "IndexError" and "out of bounds" in mensaje:
        return ("Un índice se sale del arreglo: ¿recorres un número fijo de elementos (como `range(4)`)? "
                "Obtén los tamaños de los datos (`X.shape`).")
    if tipo == "NameError" and nombre:
        return (f"Usas `{nombre.group(1)}`, que no está definido: ¿está bien escrito? ¿Ejecutaste la "
                f"celda que lo define?")
    if tipo == "TypeError" and re.search(r"positional argument|takes \d+|unexpected keyword", mensaje):
        return ("Llamas a una función con más o menos argumentos de los que tiene su definición: "
                "revisa la llamada y el orden de los parámetros.")
    modulo = re.search(r"No module named '([\w.]+)'", mensaje)
    if tipo in ("ModuleNotFoundError", "ImportError") and modulo:
        return (f"Importas `{modulo.group(1)}`, que no está en el entorno del curso: el calificador, como el "
                f"entorno del curso, solo tiene la biblioteca estándar de Python, numpy, matplotlib, "
                f"scikit-learn y `herramientas` (el paquete del libro). Quita ese `import` y escribe tu código "
                f"con numpy.")
    if tipo == "RecursionError":
        return "Una función se llama a sí misma sin fin: ¿la llamas dentro de su propia definición?"
    return None


#: Lo que dicen las pruebas de un error que ``pista_de_error`` no reconoce (la página del estudiante
#: lo cambia por su propia frase). Los cuadernos repartidos antes decían «Error de Python sin pista en español».
SIN_PISTA = ("Python da un error que estas pruebas aún no saben explicar: lee el mensaje original y, si no "
             "ves la causa, pregunta al profesor.")


def explicar_error(tipo, mensaje):
    """Error explicado en español: la pista primero y, después, el mensaje original."""
    original = f"{tipo}: {mensaje}" if str(mensaje).strip() else tipo
    pista = pista_de_error(tipo, mensaje)
    return f"{SIN_PISTA if pista is None else pista} (Mensaje original: {original})"


def _donde(error, funcion):
    """Dónde salta el error y, si es dentro de otra función que llama la probada, su orden de argumentos."""
    marcos = [m for m, _ in traceback.walk_tb(error.__traceback__)]
    propios = [m for m in marcos  # funciones del cuaderno (no las auxiliares de las pruebas, con _)
               if not m.f_code.co_name.startswith("_")
               and (getattr(m.f_globals.get(m.f_code.co_name), "__code__", None) is m.f_code
                    or m.f_code.co_name in ("forward", "backward"))]
    texto = ""
    linea = next((r.line for r in reversed(traceback.extract_tb(error.__traceback__))
                  if r.line and "site-packages" not in r.filename and "numpy" not in r.filename), "")
    if propios:
        texto = f" El error salta en `{propios[-1].f_code.co_name}`"
        texto += f", en la línea `{linea.strip()}`." if linea else "."
    nombres = [m.f_code.co_name for m in propios]
    if funcion in nombres and nombres[-1] != funcion and nombres[-1] not in ("forward", "backward"):
        otra = propios[-1]
        try:
            firma = f"{otra.f_code.co_name}{inspect.signature(otra.f_globals[otra.f_code.co_name])}"
        except (TypeError, ValueError, KeyError):
            return texto
        texto += (f" `{otra.f_code.co_name}` recibe sus argumentos en este orden: `{firma}`; "
                  f"¿se los pasas así desde `{funcion}`?")
    return texto


@contextlib.contextmanager
def en_espanol(funcion):
    """Pruebas de ``funcion``: un aviso cuenta como fallo y los errores se explican en español.

    nbgrader da por fallida una celda de pruebas que escribe en la salida de errores;
    aquí cualquier aviso (de numpy o de Python) se convierte en un fallo con su pista,
    igual en el cuaderno, con ``nbgrader validate`` y en el calificador.
    """
    errores = io.StringIO()
    try:
        with warnings.catch_warnings(), np.errstate(all="warn"), contextlib.redirect_stderr(errores):
            warnings.simplefilter("error")
            yield
    except AssertionError:
        raise
    except Exception as error:  # el código del estudiante puede fallar de cualquier forma
        tipo = type(error).__name__
        aviso = " (un aviso cuenta como fallo)" if isinstance(error, Warning) else ""
        raise AssertionError(f"`{funcion}`: {explicar_error(tipo, error)}{aviso}"
                             f"{_donde(error, funcion)}") from None
    if errores.getvalue().strip():
        raise AssertionError(f"Durante las pruebas de `{funcion}` se escribió en la salida de errores, "
                             f"y eso cuenta como fallo: {errores.getvalue().strip()[:300]}")


def llamar(funcion, *args):
    """``funcion(*args)`` con copias nuevas de los arreglos; falla si la función modifica alguno."""
    copias = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    antes = [c.copy() if isinstance(c, np.ndarray) else None for c in copias]
    resultado = funcion(*copias)
    try:
        nombres = list(inspect.signature(funcion).parameters)
    except (TypeError, ValueError):
        nombres = []
    nombres += [f"argumento {i + 1}" for i in range(len(nombres), len(args))]
    for nombre, copia, previo in zip(nombres, copias, antes):
        if previo is not None and not np.array_equal(copia, previo, equal_nan=True):
            raise AssertionError(
                f"`{getattr(funcion, '__name__', 'la función')}` modificó el arreglo `{nombre}` que "
                f"recibió (por ejemplo con `{nombre} -= …` o `{nombre}[i] = …`), y con él el de quien "
                f"la llamó. Trabaja sobre una copia: `{nombre} = {nombre} - …` crea un arreglo nuevo "
                f"(o empieza con `{nombre} = {nombre}.copy()`).")
    return resultado
