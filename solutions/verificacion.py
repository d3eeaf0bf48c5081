"""Pruebas ocultas: casos aleatorios reproducibles y su comparación con la referencia.

Las usan las celdas de pruebas ocultas de los cuadernos del profesor
(``verificar("feedForward", globals())``) y el calificador automático, que
ejecuta los mismos casos en un proceso aislado y compara en el suyo.

Cada función calificada se prueba por separado: durante sus casos, las
funciones auxiliares que llame (``Caso.inyectar``) se sustituyen por las de
referencia, de modo que un error en ``feedForward`` no cuesta puntos en
``entrenarRed``.
"""
import contextlib
import io
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

from . import grafos, regresion, sgd, xor
from . import retroalimentacion as textos
from .ejecucion import NOMBRES_SALIDA, FuncionPrueba, ejecutar

#: Implementación de referencia de cada función calificada, por nombre.
REFERENCIA = {
    nombre: getattr(modulo, nombre)
    for modulo, nombres in (
        (xor, ("sigmoide", "feedForward", "costoGlobal", "backProp", "entrenarRed")),
        (regresion, ("costo", "gradiente", "descensoGradiente", "normalizar")),
        (grafos, ("PuertaSuma", "PuertaMultiplicacion", "PuertaMax",
                  "derivadaSigmoide", "gradienteNumerico")),
        (sgd, ("minilotes", "gradienteMinilote", "epocaSGD", "entrenarSGD")),
    )
    for nombre in nombres
}


@dataclass(frozen=True)
class Caso:
    """Un caso de prueba oculto de una función calificada."""

    funcion: str
    descripcion: str  # qué clase de entrada es; se muestra como pista, nunca el código
    args: tuple
    inyectar: tuple = ()  # auxiliares que se sustituyen por las de referencia
    rtol: float = 1e-6
    atol: float = 1e-9
    entradas_intactas: bool = False  # exigir que no modifique sus argumentos


def _rng(funcion):
    return np.random.default_rng(zlib.crc32(funcion.encode()))


def _red(rng, n_x, n_h, n_y, m, binaria=True):
    X = rng.integers(0, 2, (n_x, m)).astype(float) if binaria else rng.normal(size=(n_x, m))
    y = rng.integers(0, 2, (n_y, m)).astype(float)
    w1, w2 = rng.normal(size=(n_h, n_x)), rng.normal(size=(n_y, n_h))
    b1, b2 = rng.normal(size=(n_h, 1)), rng.normal(size=(n_y, 1))
    return X, y, w1, w2, b1, b2


def _texto_red(n_x, n_h, n_y, m):
    return f"{m} ejemplo{'s' if m != 1 else ''} (m = {m}), red {n_x}-{n_h}-{n_y}"


FORMAS_RED = ((3, 4, 1, 4), (2, 5, 1, 7), (5, 3, 2, 1), (4, 6, 3, 13))


def _casos_sigmoide(rng):
    return [
        Caso("sigmoide", "z = 0 (un número)", (0.0,)),
        Caso("sigmoide", "un vector de 6 valores entre −5 y 5", (rng.uniform(-5, 5, 6),)),
        Caso("sigmoide", "una matriz 3×7 con valores entre −30 y 30", (rng.uniform(-30, 30, (3, 7)),)),
    ]


def _casos_feedForward(rng):
    casos = []
    for n_x, n_h, n_y, m in FORMAS_RED:
        X, _, w1, w2, b1, b2 = _red(rng, n_x, n_h, n_y, m, binaria=False)
        casos.append(Caso("feedForward", _texto_red(n_x, n_h, n_y, m),
                          (X, w1, w2, b1, b2), inyectar=("sigmoide",)))
    return casos


def _casos_costoGlobal(rng):
    casos = []
    for m in (1, 4, 9, 30):
        y_est = rng.uniform(0.05, 0.95, (1, m))
        y = rng.integers(0, 2, (1, m)).astype(float)
        casos.append(Caso("costoGlobal", f"{m} ejemplo{'s' if m != 1 else ''} (m = {m})", (y_est, y)))
    return casos


def _casos_backProp(rng):
    casos = []
    for n_x, n_h, n_y, m in FORMAS_RED:
        X, y, w1, w2, b1, b2 = _red(rng, n_x, n_h, n_y, m)
        a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
        casos.append(Caso("backProp", _texto_red(n_x, n_h, n_y, m),
                          (X, y, w1, w2, b1, b2, a2, a1),
                          inyectar=("sigmoide", "feedForward", "costoGlobal")))
    return casos


def _casos_entrenarRed(rng):
    casos = []
    for (n_x, n_h, n_y, m), epocas, lr in zip(FORMAS_RED, (1, 25, 3, 10), (0.5, 1.0, 0.1, 2.0)):
        X, y, w1, w2, b1, b2 = _red(rng, n_x, n_h, n_y, m)
        a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
        casos.append(Caso("entrenarRed", f"{epocas} época{'s' if epocas != 1 else ''}, tasa {lr}, "
                          + _texto_red(n_x, n_h, n_y, m),
                          (epocas, lr, X, y, w1, b1, w2, b2, a1, a2),
                          inyectar=("sigmoide", "feedForward", "costoGlobal", "backProp"),
                          entradas_intactas=True))
    return casos


def _regresion(rng, m, n):
    X = rng.normal(size=(m, n)) * rng.uniform(0.5, 5, n) + rng.uniform(-3, 3, n)
    y = X @ rng.normal(size=n) + rng.normal() + 0.1 * rng.normal(size=m)
    return X, y, rng.normal(size=n + 1)


FORMAS_REGRESION = ((1, 1), (10, 3), (25, 5))


def _casos_costo(rng):
    casos = [Caso("costo", "4 ejemplos en la recta y = x con θ = (0.5, 0.5)",
                  (np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 2.0, 3.0]),
                   np.array([0.5, 0.5])))]
    for m, n in FORMAS_REGRESION:
        casos.append(Caso("costo", f"{m} ejemplo{'s' if m != 1 else ''} y {n} variable{'s' if n != 1 else ''}",
                          _regresion(rng, m, n)))
    return casos


def _casos_gradiente(rng):
    return [Caso("gradiente", c.descripcion, c.args) for c in _casos_costo(rng)]


def _casos_descensoGradiente(rng):
    casos = []
    for (m, n), alpha, iteraciones in zip(FORMAS_REGRESION + ((40, 2),), (0.1, 0.01, 0.001, 0.05),
                                         (1, 10, 50, 30)):
        X, y, theta = _regresion(rng, m, n)
        casos.append(Caso("descensoGradiente",
                          f"{iteraciones} {'iteración' if iteraciones == 1 else 'iteraciones'}, α = {alpha}, "
                          f"{m} ejemplo{'s' if m != 1 else ''} y {n} variable{'s' if n != 1 else ''}",
                          (X, y, theta, alpha, iteraciones), inyectar=("costo", "gradiente"),
                          entradas_intactas=True))
    return casos


def _casos_normalizar(rng):
    casos = []
    for m, n in ((6, 1), (10, 3), (50, 4)):
        X, _, _ = _regresion(rng, m, n)
        casos.append(Caso("normalizar", f"{m} ejemplos y {n} variable{'s' if n != 1 else ''} "
                          "de escalas distintas", (X,), entradas_intactas=True))
    return casos


def _casos_puerta(nombre, rng, con_empates=False):
    casos = [
        Caso(nombre, "números: x = −2, y = 5, dz = −4", (-2.0, 5.0, -4.0)),
        Caso(nombre, "vectores de 5 componentes", tuple(rng.normal(size=(3, 5)))),
        Caso(nombre, "matrices 2×3", tuple(rng.normal(size=(3, 2, 3)))),
    ]
    if con_empates:
        x = np.array([1.0, 2.0, -1.0, 0.5])
        casos += [
            Caso(nombre, "números empatados: x = y = 3, dz = 2", (3.0, 3.0, 2.0)),
            Caso(nombre, "vectores con algunas componentes empatadas",
                 (x, np.array([1.0, -2.0, -1.0, 0.7]), np.array([1.5, -1.0, 2.0, 3.0]))),
        ]
    return casos


def _casos_derivadaSigmoide(rng):
    return [
        Caso("derivadaSigmoide", "z = 0 (un número)", (0.0,), inyectar=("sigmoide",)),
        Caso("derivadaSigmoide", "un vector de 6 valores entre −6 y 6", (rng.uniform(-6, 6, 6),),
             inyectar=("sigmoide",)),
        Caso("derivadaSigmoide", "una matriz 4×3", (rng.normal(size=(4, 3)),), inyectar=("sigmoide",)),
    ]


def _casos_gradienteNumerico(rng):
    casos = [
        ("f(x) = e^(sin(x²)) en x = 1.5 (un número)", "lambda x: np.exp(np.sin(x ** 2))", 1.5, None),
        ("f(x) = Σ x³ en un vector de 4 componentes", "lambda x: np.sum(x ** 3)", rng.normal(size=4), None),
        ("f(x) = Σ sin(x)·x² en una matriz 2×3", "lambda x: np.sum(np.sin(x) * x ** 2)",
         rng.normal(size=(2, 3)), None),
        # Con Σ x² las diferencias centrales son exactas para cualquier h: con Σ x³ y h = 0.1
        # el resultado (3x² + h²) delata una implementación que no usa el h que recibe.
        ("f(x) = Σ x³ en un vector, con h = 0.1", "lambda x: np.sum(x ** 3)", rng.normal(size=3), 0.1),
    ]
    return [Caso("gradienteNumerico", texto,
                 (FuncionPrueba(codigo), x) if h is None else (FuncionPrueba(codigo), x, h),
                 rtol=1e-5, atol=1e-8, entradas_intactas=True)
            for texto, codigo, x, h in casos]


def _indices(arreglo):
    """Arreglo de índices enteros como argumento de un caso.

    Viaja como el código que lo construye (``FuncionPrueba``): como datos llegaría con números
    reales, y ``X[:, lote]`` necesita enteros.
    """
    return FuncionPrueba(f"np.array({[int(i) for i in arreglo]})")


def _casos_minilotes(rng):
    casos = []
    for m, tam in ((10, 3), (12, 4), (7, 10), (9, 1), (23, 6)):
        ultimo = m % tam
        texto = (f"m = {m} índices en minilotes de {tam}"
                 + (f" (el último, incompleto, con {textos.plural(ultimo, 'índice')})" if ultimo and tam < m
                    else " (un solo minilote con todos)" if tam >= m else " (sin minilote incompleto)"))
        casos.append(Caso("minilotes", texto, (_indices(rng.permutation(m)), tam)))
    return casos


def _softmax_datos(rng, n, K, m):
    """X (n, m), Y one-hot (K, m) con clases al azar, y W, b pequeños."""
    X = rng.normal(size=(n, m))
    Y = np.eye(K)[rng.integers(0, K, m)].T
    return X, Y, 0.5 * rng.normal(size=(K, n)), 0.5 * rng.normal(size=(K, 1))


def _texto_softmax(n, K):
    return f"{textos.plural(n, 'entrada')} y {textos.plural(K, 'clase')}"


def _casos_gradienteMinilote(rng):
    casos = []
    for n, K, m, m_B in ((4, 3, 10, 3), (6, 5, 17, 5), (3, 2, 8, 8), (5, 4, 9, 1)):
        X, Y, W, b = _softmax_datos(rng, n, K, m)
        lote = rng.permutation(m)[:m_B]
        casos.append(Caso("gradienteMinilote", f"un minilote de m_B = {m_B} de los m = {m} ejemplos, "
                          + _texto_softmax(n, K), (W, b, X, Y, _indices(lote)), entradas_intactas=True))
    return casos


def _casos_epocaSGD(rng):
    casos = []
    for (n, K, m), tam, eta in zip(((4, 3, 10), (6, 4, 16), (3, 2, 7), (5, 3, 13)), (3, 4, 10, 1),
                                   (0.5, 0.1, 1.0, 0.05)):
        X, Y, W, b = _softmax_datos(rng, n, K, m)
        lotes = -(-m // tam)
        casos.append(Caso("epocaSGD", f"{textos.plural(lotes, 'minilote')} de {tam} con m = {m} ejemplos, tasa {eta}, "
                          + _texto_softmax(n, K), (W, b, X, Y, _indices(rng.permutation(m)), tam, eta),
                          inyectar=("minilotes", "gradienteMinilote"), entradas_intactas=True))
    return casos


def _casos_entrenarSGD(rng):
    casos = []
    # (n, K, m, m_val, tasa, tam_lote, épocas, paciencia, etiquetas con estructura o al azar)
    for n, K, m, m_val, eta, tam, epocas, paciencia, estructura in (
            (3, 2, 10, 6, 0.5, 3, 4, 5, True),       # no llega a parar
            (5, 3, 14, 9, 0.8, 4, 30, 2, False),     # etiquetas al azar: la validación empeora pronto
            (4, 3, 20, 12, 0.3, 6, 40, 3, True),
            (6, 4, 11, 8, 1.5, 2, 25, 1, True),
            (5, 3, 24, 15, 0.6, 5, 40, 4, True),     # la validación sube y baja: la cuenta vuelve a cero
            (3, 2, 8, 5, 0.0, 3, 10, 2, False)):     # tasa 0: los costes no cambian (un empate no mejora)
        W_real = rng.normal(size=(K, n)) * 2
        X = rng.normal(size=(n, m + m_val))
        ruido = rng.normal(size=(K, m + m_val))
        clases = np.argmax(W_real @ X + ruido, axis=0) if estructura else rng.integers(0, K, m + m_val)
        Y = np.eye(K)[clases].T
        W, b = 0.1 * rng.normal(size=(K, n)), np.zeros((K, 1))
        semilla = int(rng.integers(0, 1000))
        casos.append(Caso(
            "entrenarSGD", f"hasta {textos.plural(epocas, 'época')}, paciencia {paciencia}, minilotes de {tam}, "
            f"tasa {eta} y semilla {semilla}; {textos.plural(n, 'entrada')}, {textos.plural(K, 'clase')}, m = {m} y "
            f"{m_val} ejemplos de validación",
            (W, b, X[:, :m], Y[:, :m], X[:, m:], Y[:, m:], eta, tam, epocas, semilla, paciencia),
            inyectar=("minilotes", "gradienteMinilote", "epocaSGD"), entradas_intactas=True))
    return casos


_GENERADORES = {
    "sigmoide": _casos_sigmoide,
    "feedForward": _casos_feedForward,
    "costoGlobal": _casos_costoGlobal,
    "backProp": _casos_backProp,
    "entrenarRed": _casos_entrenarRed,
    "costo": _casos_costo,
    "gradiente": _casos_gradiente,
    "descensoGradiente": _casos_descensoGradiente,
    "normalizar": _casos_normalizar,
    "PuertaSuma": lambda rng: _casos_puerta("PuertaSuma", rng),
    "PuertaMultiplicacion": lambda rng: _casos_puerta("PuertaMultiplicacion", rng),
    "PuertaMax": lambda rng: _casos_puerta("PuertaMax", rng, con_empates=True),
    "derivadaSigmoide": _casos_derivadaSigmoide,
    "gradienteNumerico": _casos_gradienteNumerico,
    "minilotes": _casos_minilotes,
    "gradienteMinilote": _casos_gradienteMinilote,
    "epocaSGD": _casos_epocaSGD,
    "entrenarSGD": _casos_entrenarSGD,
}


def casos(funcion):
    """Casos ocultos de una función calificada (siempre los mismos)."""
    return _GENERADORES[funcion](_rng(funcion))


def esperado(caso):
    """Resultado de la implementación de referencia en el caso."""
    return ejecutar(caso.funcion, caso.args, REFERENCIA)[0]


def _forma_texto(forma, esperada, acotado):
    """Forma obtenida para un mensaje; con ``acotado``, solo si sus dimensiones están en la esperada."""
    if not acotado or all(n in (*esperada, 1) for n in forma):
        return str(forma)
    return "otra forma"


def _pista_de_forma(nombre, obt, esp, caso):
    """Pista para una forma distinta de la esperada (vacía si no hay ninguna segura)."""
    if caso.funcion == "entrenarSGD" and nombre == "costes_val" and obt.ndim == esp.ndim == 1:
        return textos.pista_parada_temprana(obt.size, esp.size)
    if obt.shape == esp.shape[::-1] and len(esp.shape) == 2:
        return textos.pista_traspuesta(REFERENCIA[caso.funcion].__module__)
    if obt.size == esp.size:
        return textos.PISTA_OTRA_FORMA
    return ""


def _comparar_valor(nombre, esperado_, obtenido, caso, acotado=False):
    """Problemas de un valor devuelto frente al esperado (los textos, en ``retroalimentacion``).

    Con ``acotado`` (el valor viene de un proceso que pudo calcularlo con la referencia), el
    mensaje no lleva números calculados con él ni nombres de tipos que eligiera el estudiante.
    """
    if obtenido is None:
        return [textos.sin_return(nombre)]
    try:
        obt = np.asarray(obtenido, dtype=float)
    except (TypeError, ValueError):
        return [textos.no_numerico(nombre, textos.nombre_de_tipo(obtenido, acotado))]
    esp = np.asarray(esperado_, dtype=float)
    if obt.shape != esp.shape:
        return [textos.forma_distinta(nombre, _forma_texto(obt.shape, esp.shape, acotado), esp.shape,
                                      _pista_de_forma(nombre, obt, esp, caso))]
    if not np.all(np.isfinite(obt)):
        return [textos.con_nan(nombre)]
    if not np.allclose(obt, esp, rtol=caso.rtol, atol=caso.atol):
        return [textos.no_coincide(nombre, None if acotado else float(np.max(np.abs(obt - esp))))]
    return []


# Antes vivían aquí: se conservan los nombres para quien los importe desde ``verificacion``.
pista_de_entradas_modificadas = textos.entradas_modificadas
explicar_lanzado = textos.lanzado


def _comparar_minilotes(esperado_, obtenido, caso, acotado=False):
    """Problemas de una lista de minilotes (arreglos de índices de distinta longitud)."""
    if obtenido is None:
        return [textos.MINILOTES_NONE]
    if not isinstance(obtenido, (list, tuple)) and np.ndim(obtenido) == 0:
        return [textos.minilotes_no_lista(textos.nombre_de_tipo(obtenido))]
    obtenido = list(obtenido)
    if len(obtenido) != len(esperado_):
        return [textos.minilotes_cuantos(len(obtenido), len(esperado_), sum(len(e) for e in esperado_),
                                         caso.args[1])]
    problemas = []
    for i, (esp, obt) in enumerate(zip(esperado_, obtenido)):
        problemas += _comparar_valor(f"minilote {i}", esp, obt, caso, acotado)
        if problemas:
            break
    return problemas


def comparar(caso, esperado_, obtenido, entradas_modificadas=False, acotado=False):
    """Lista de problemas del resultado obtenido; vacía si el caso se supera.

    Que modifique sus entradas se dice primero: es la causa de los demás síntomas. Con
    ``acotado``, los mensajes no llevan datos calculados con el resultado (ver ``_comparar_valor``).
    """
    problemas = []
    if caso.entradas_intactas and entradas_modificadas:
        problemas.append(textos.entradas_modificadas(caso.funcion))
    nombres = NOMBRES_SALIDA.get(caso.funcion)
    if caso.funcion == "minilotes":
        problemas += _comparar_minilotes(esperado_, obtenido, caso, acotado)
    elif nombres is None:
        problemas += _comparar_valor("resultado", esperado_, obtenido, caso, acotado)
    elif not isinstance(obtenido, (tuple, list)) or len(obtenido) != len(nombres):
        hay = len(obtenido) if isinstance(obtenido, (tuple, list)) else 1
        if acotado and hay > 2 * len(nombres):
            hay = f"más de {2 * len(nombres)}"
        problemas.append(textos.numero_de_valores(nombres, hay))
    else:
        for nombre, esp, obt in zip(nombres, esperado_, obtenido):
            problemas += _comparar_valor(nombre, esp, obt, caso, acotado)
    return problemas


def problemas_del_caso(caso, espacio):
    """Ejecuta un caso con la implementación de ``espacio`` y devuelve sus problemas.

    Silencia avisos y la salida de error del código probado (en nbgrader,
    cualquier texto en stderr de una celda de pruebas cuenta como fallo).
    """
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), \
                contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            obtenido, modificadas = ejecutar(caso.funcion, caso.args, espacio)
    except Exception as error:  # el código del estudiante puede fallar de cualquier forma
        return [textos.lanzado(f"{type(error).__name__}: {error}")]
    return comparar(caso, esperado(caso), obtenido, modificadas)


def verificar(funcion, espacio):
    """Prueba oculta de ``funcion`` con la implementación que hay en ``espacio``.

    ``espacio`` es normalmente ``globals()`` del cuaderno. Durante cada caso, las
    auxiliares de ``Caso.inyectar`` se sustituyen por las de referencia y luego
    se restauran. Lanza ``AssertionError`` con un resumen en español si falla.
    """
    if funcion not in espacio:
        raise AssertionError(textos.no_encontrada(funcion))
    fallos = []
    lista = casos(funcion)
    for caso in lista:
        guardadas = {n: espacio[n] for n in caso.inyectar if n in espacio}
        espacio.update({n: REFERENCIA[n] for n in caso.inyectar})
        try:
            problemas = problemas_del_caso(caso, espacio)
        finally:
            for n in caso.inyectar:
                if n in guardadas:
                    espacio[n] = guardadas[n]
                else:
                    espacio.pop(n, None)
        if problemas:
            fallos.append(textos.fallo_de_caso(caso.descripcion, problemas))
    if fallos:
        raise AssertionError(textos.resumen_de_fallos(funcion, fallos, len(lista)))
