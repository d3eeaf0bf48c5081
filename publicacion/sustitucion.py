"""Comprobación de sustitución: nada público hace el trabajo de una función calificada.

Se hace como lo haría un estudiante perezoso: con los casos ocultos de cada función calificada
(``solutions.verificacion``), busca un **adaptador fino** sobre el código de la edición pública
que los supere todos. Un adaptador fino no escribe matemáticas propias: llama a una o dos
funciones públicas (también métodos, ``functools.partial``, ``lambda`` guardadas en un
diccionario y nombres con guion bajo), con los argumentos en cualquier orden, eligiendo sus
opciones y valores por defecto, copiando los arreglos, empaquetándolos como los usa el libro
(un diccionario de capas, una lista de activaciones, la columna de unos de la regresión),
encadenando dos llamadas (la salida de una, entrada de la otra), ampliando un registro público
(``ACTIVACIONES["sigmoide"] = …``) con una fórmula de una línea del libro, usando las funciones
auxiliares que el taller le da (``costo`` y ``gradiente`` en ``descensoGradiente``), y tomando
cualquier valor que vea: lo que devuelve, lo que queda en los argumentos y lo que tiene
cualquier variable local de una función pública mientras se ejecuta (un espía).

Para que sea rápida, el trabajo se hace una vez sobre la **edición completa** (todos los
talleres y todos los solucionarios): para cada función calificada, un caso «sonda» descarta los
adaptadores que no sirven, los que quedan se comprueban con todos los casos y, al final, con
``verificar`` (las pruebas ocultas de verdad). Cada programa encontrado lleva los orígenes del
código que usa; quién llama (``filtraciones``) decide con el calendario si alguna fecha lo haría
público antes del plazo de su taller.

Se ejecuta en un proceso aparte (``python -m publicacion.sustitucion CARPETA``) porque ejecuta
el código de la edición; ``filtraciones()`` lo lanza y lee su informe JSON.
"""
import argparse
import contextlib
import copy
import inspect
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import firmas

#: La sigmoide es una fórmula de una línea que está en cualquier texto: no cuenta como respuesta.
SIEMPRE_EXENTAS = frozenset({"sigmoide"})
SEGUNDOS_POR_LLAMADA = 2.0
#: Adaptadores que se prueban como mucho con cada función pública para cada función calificada.
MAXIMO_DE_LLAMADAS = 20000
#: La segunda llamada de una composición, solo con funciones de pocos parámetros sin valor por defecto.
PARAMETROS_EN_LA_SEGUNDA = 4
MAXIMO_EN_LA_SEGUNDA = 3000
_OTRA = "__otra_opcion__"  # una opción que no es ninguna de las escritas: llega a la rama «else»

#: Fórmulas de una línea del libro que un estudiante escribe sin pensar (la sigmoide y su derivada).
FORMULAS = {
    "σ(z)": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "a·(1 − a)": lambda a: a * (1.0 - a),
    "σ(z)·(1 − σ(z))": lambda z: (1.0 / (1.0 + np.exp(-z))) * (1.0 - 1.0 / (1.0 + np.exp(-z))),
}
#: Entradas con que se amplía un registro público de funciones (p. ej. ACTIVACIONES): nombre -> valor.
AMPLIACIONES = {
    "par": {"sigmoide": (FORMULAS["σ(z)"], FORMULAS["a·(1 − a)"]),
            "sigmoide_z": (FORMULAS["σ(z)"], FORMULAS["σ(z)·(1 − σ(z))"])},
    "una": {"sigmoide": FORMULAS["σ(z)"]},
}


class _Tiempo(Exception):
    pass


def _alarma(signum, frame):
    raise _Tiempo()


# --- Casos ---------------------------------------------------------------------------------------

def _nombres_de(calificada):
    from solutions.verificacion import REFERENCIA
    if calificada.startswith("Puerta"):
        return ["x", "y", "dz"]
    return list(inspect.signature(REFERENCIA[calificada]).parameters)


def _casos_completos(calificada):
    """Casos ocultos con todos los argumentos (los omitidos, con el valor por defecto de la referencia)."""
    from solutions.verificacion import REFERENCIA, casos
    lista = casos(calificada)
    if calificada.startswith("Puerta"):
        return lista, [tuple(c.args) for c in lista]
    firma = inspect.signature(REFERENCIA[calificada])
    completos = []
    for caso in lista:
        ligados = firma.bind(*caso.args)
        ligados.apply_defaults()
        completos.append(tuple(ligados.args))
    return lista, completos


def _sonda(completos):
    """Índice del caso con más tamaños distintos en sus arreglos: el que mejor descarta."""
    def distintos(args):
        return len({d for a in args if isinstance(a, np.ndarray) for d in a.shape}) + 0.01 * sum(
            np.size(a) for a in args if isinstance(a, np.ndarray))
    return max(range(len(completos)), key=lambda i: (distintos(completos[i]), i))


def _clase(valor):
    from solutions.ejecucion import FuncionPrueba
    if isinstance(valor, FuncionPrueba) or callable(valor):
        return "funcion"
    if isinstance(valor, (bool, np.bool_)):
        return "otro"
    if isinstance(valor, (int, np.integer)):
        return "entero"
    if isinstance(valor, (float, np.floating)) or (isinstance(valor, np.ndarray) and valor.ndim == 0):
        return "escalar"
    if isinstance(valor, np.ndarray):
        return "arreglo"
    return "otro"


# --- Fuentes de los argumentos -------------------------------------------------------------------

@dataclass
class Contexto:
    """Lo que tiene a mano un adaptador en un caso: sus argumentos y lo ya calculado."""

    args: list
    nivel1: dict = field(default_factory=dict)  # llamada -> Resultado en este caso


def _valor(fuente, ctx, calificada):
    """El valor de una fuente en un caso (arreglos copiados: un adaptador copia lo que pasa)."""
    clase = fuente[0]
    if clase == "arg":
        return _preparado(_copia(ctx.args[fuente[1]]))
    if clase == "unos":
        a = np.asarray(ctx.args[fuente[1]], dtype=float)
        return np.column_stack([np.ones(len(a)), a])
    if clase == "ceros":
        return np.zeros(np.shape(ctx.args[fuente[1]]))
    if clase == "columnas":
        return np.array(ctx.args[fuente[1]], dtype=float)[:, _preparado(ctx.args[fuente[2]])]
    if clase == "dim":
        return int(np.shape(ctx.args[fuente[1]])[fuente[2]])
    if clase == "capas":
        _, base, kw, kb, pares = fuente
        return {base + k: {kw: np.array(ctx.args[w], dtype=float)} | (
            {kb: np.array(ctx.args[b], dtype=float)} if kb is not None else {}) for k, (w, b) in enumerate(pares)}
    if clase == "plano":
        return {clave: np.array(ctx.args[i], dtype=float) for clave, i in fuente[1]}
    if clase == "secuencia":
        return [np.array(ctx.args[i], dtype=float) for i in fuente[1]]
    if clase == "auxiliar":
        from solutions.verificacion import REFERENCIA
        _, nombre, fijos, libre = fuente
        funcion = REFERENCIA[nombre]
        argumentos = {p: ctx.args[i] for p, i in fijos}
        return lambda v: funcion(**argumentos, **{libre: v})
    if clase == "generador":
        return np.random.default_rng(0)
    if clase == "valor":
        return _copia(fuente[1])
    if clase == "nivel1":
        return _copia(extraer(ctx.nivel1[fuente[1]], fuente[2], ctx, calificada))
    if clase == "instancia":
        return fuente[1]()
    raise ValueError(fuente)


def _consume(fuente):
    """Índices de argumentos del caso que usa una fuente (cada uno, una vez por llamada)."""
    clase = fuente[0]
    if clase in ("arg", "unos", "columnas"):
        return {fuente[1]}
    if clase == "capas":
        return {i for par in fuente[4] for i in par if i is not None}
    if clase == "plano":
        return {i for _, i in fuente[1]}
    if clase == "secuencia":
        return set(fuente[1])
    return set()


class Fuentes:
    """Fuentes posibles de cada tipo de parámetro para una función calificada (según el caso sonda)."""

    def __init__(self, calificada, args, nombres, inyectar):
        self.calificada, self.args, self.nombres = calificada, args, nombres
        self.clases = [_clase(a) for a in args]
        self.arreglos = [i for i, c in enumerate(self.clases) if c == "arreglo"]
        self.escalares = [i for i, c in enumerate(self.clases) if c in ("escalar", "entero")]
        self.enteros = [i for i, c in enumerate(self.clases) if c == "entero"]
        self.funciones = [("arg", i) for i, c in enumerate(self.clases) if c == "funcion"]
        self.funciones += self._auxiliares(inyectar)
        self.dimensiones = []
        vistos = set()
        for i in self.arreglos:
            for eje in (0, -1):
                if args[i].ndim and (valor := args[i].shape[eje]) not in vistos:
                    vistos.add(valor)
                    self.dimensiones.append(("dim", i, eje))
        # La columna de unos de la regresión: X (m, n) con unas etiquetas y (m,) entre los argumentos.
        filas = {args[i].shape[0] for i in self.arreglos if args[i].ndim == 1}
        self.unos = [("unos", i) for i in self.arreglos if args[i].ndim == 2 and args[i].shape[0] in filas]
        # Las columnas de un minilote: X[:, lote], con un argumento que es un arreglo de índices.
        indices = [j for j in self.arreglos if args[j].ndim == 1 and args[j].dtype.kind in "iu" and args[j].size]
        self.columnas = [("columnas", i, j) for i in self.arreglos for j in indices
                         if args[i].ndim == 2 and args[j].max() < args[i].shape[1]]
        self.nivel1 = []  # ("nivel1", llamada, ruta), se añaden en la segunda vuelta

    def _auxiliares(self, inyectar):
        """Auxiliares del taller con todos sus argumentos fijados por nombre salvo uno."""
        from solutions.verificacion import REFERENCIA
        fuentes = []
        for nombre in inyectar:
            if nombre.startswith("Puerta") or not callable(REFERENCIA.get(nombre)):
                continue
            parametros = list(inspect.signature(REFERENCIA[nombre]).parameters)
            fijos = tuple((p, self.nombres.index(p)) for p in parametros if p in self.nombres)
            libres = [p for p in parametros if p not in self.nombres]
            if len(libres) == 1:
                fuentes.append(("auxiliar", nombre, fijos, libres[0]))
            elif not libres:
                for libre, _ in fijos:
                    fuentes.append(("auxiliar", nombre, tuple(f for f in fijos if f[0] != libre), libre))
        return fuentes

    def capas(self, claves):
        """Diccionarios de capas {1: {"W": w, "b": b}, 2: …} con pesos y sesgos de formas compatibles.

        Con una sola clave conocida (el código solo lee ``parametros[l]["W"]``), solo los pesos.
        """
        a = self.args
        if len(claves) == 1:
            (kw,) = claves
            pesos = [w for w in self.arreglos if a[w].ndim == 2]
            cadenas = [[(w, None)] for w in pesos] + [[(w, None), (v, None)] for w in pesos for v in pesos
                                                       if w != v and a[v].shape[1] == a[w].shape[0]]
            return [("capas", 1, kw, None, tuple(c)) for c in cadenas]
        if len(claves) < 2:
            return []
        pares = [(w, b) for w in self.arreglos for b in self.arreglos if w != b
                 and a[w].ndim == 2 and a[b].ndim in (1, 2) and a[b].shape[0] == a[w].shape[0]
                 and (a[b].ndim == 1 or a[b].shape[1] == 1)]
        cadenas = [[p] for p in pares] + [[p, q] for p in pares for q in pares
                                          if not {*p} & {*q} and a[q[0]].shape[1] == a[p[0]].shape[0]]
        fuentes = []
        for kw, kb in itertools.permutations(sorted(claves)[:2], 2):
            for cadena in cadenas:
                fuentes.append(("capas", 1, kw, kb, tuple(cadena)))
        planos = self.planos(claves)
        return fuentes + planos

    def planos(self, claves):
        """{"W1": w1, "b1": b1, …}: claves con número de capa, a arreglos de formas compatibles."""
        if not claves or len(claves) > 4 or not all(c[-1:].isdigit() for c in claves):
            return []
        fuentes = []
        for eleccion in itertools.permutations(self.arreglos, len(claves)):
            fuentes.append(("plano", tuple(zip(sorted(claves), eleccion))))
        return fuentes[:200]

    def secuencias(self):
        """Listas de 2 o 3 arreglos con el mismo número de columnas (p. ej. [X, a1, a2])."""
        a = self.args
        conjuntos = [i for i in self.arreglos if a[i].ndim == 2]
        fuentes = []
        for largo in (2, 3):
            for eleccion in itertools.permutations(conjuntos, largo):
                if len({a[i].shape[1] for i in eleccion}) == 1:
                    fuentes.append(("secuencia", eleccion))
        return fuentes

    def de(self, parametro):
        """Fuentes posibles para un parámetro, según su tipo (y su valor por defecto, si tiene)."""
        tipo = parametro.tipo
        defecto = [] if parametro.defecto is firmas.VACIO else [("defecto",)]
        if tipo == "texto":
            return defecto or [("valor", "texto")]
        if defecto and tipo in ("dato", "secuencia", "contenedor", "generador"):
            return defecto  # un dato con valor por defecto se deja como está (las opciones sí se eligen)
        if tipo == "funcion":
            return defecto + self.funciones
        if tipo == "generador":
            return defecto + [("generador",)]
        if tipo == "opcion":
            return defecto + [("valor", o) for o in parametro.opciones if ("valor", o) not in defecto] + [
                ("valor", _OTRA)] + [("registro", r, k) for r in parametro.registros
                                     for k in self._ampliaciones(r)]
        if tipo == "entero":  # un argumento entero, un tamaño de un arreglo o 1 (una sola época, un solo paso)
            return defecto + [("arg", i) for i in self.enteros] + self.dimensiones + [("valor", 1)]
        if tipo == "escalar":  # una tasa: la del caso o, si no tiene, una constante que elige el adaptador
            return defecto + ([("arg", i) for i in self.escalares] or [("valor", 1.0), ("valor", 0.0)]) + self.nivel1
        if tipo == "contenedor":
            return defecto + self.capas(parametro.claves)
        if tipo == "secuencia":
            return defecto + self.secuencias() + [("arg", i) for i in self.arreglos]
        datos = [("arg", i) for i in self.arreglos] or [("arg", i) for i in self.escalares]
        ceros = [("ceros", i) for i in self.arreglos]  # un relleno: «np.zeros_like(x)» donde da igual
        return defecto + datos + self.unos + self.columnas + self.nivel1 + ceros

    @staticmethod
    def _ampliaciones(registro):
        valores = list(registro.values())
        if valores and all(isinstance(v, (tuple, list)) and len(v) == 2 and all(map(callable, v)) for v in valores):
            return [k for k in AMPLIACIONES["par"] if k not in registro]
        if valores and all(callable(v) for v in valores):
            return [k for k in AMPLIACIONES["una"] if k not in registro]
        return []


# --- Llamadas, con un espía ----------------------------------------------------------------------

def _foto(valor, profundidad=0):
    """Copia de un valor para compararlo después (números y arreglos pequeños; lo demás, None)."""
    if isinstance(valor, (bool, int, float, np.number)):
        return valor
    if isinstance(valor, np.ndarray):
        return valor.copy() if valor.size <= 50000 and valor.dtype != object else None
    if profundidad < 3 and isinstance(valor, (list, tuple)) and len(valor) <= 500:
        return type(valor)(_foto(v, profundidad + 1) for v in valor) if isinstance(valor, list) \
            else tuple(_foto(v, profundidad + 1) for v in valor)
    if profundidad < 3 and isinstance(valor, dict) and len(valor) <= 100:
        return {k: _foto(v, profundidad + 1) for k, v in valor.items()}
    if profundidad < 2 and type(valor).__module__ == "__main__" and hasattr(valor, "__dict__"):
        return {k: _foto(v, profundidad + 1) for k, v in vars(valor).items()}  # un objeto público: sus atributos
    return None


class Espia:
    """sys.settrace que guarda las variables locales de cada función pública al terminar.

    De la función ``entrada`` (la que llama el adaptador) cuenta además cuántas veces se ejecuta
    cada línea: un error en la primera ejecución de una línea solo depende de lo que esa línea lee.
    """

    def __init__(self, codigos, entrada=None):
        self.codigos, self.entrada = codigos, entrada
        self.locales = {}  # código -> {nombre: valor} de su última llamada
        self.usados = set()
        self.lineas = {}

    def global_(self, marco, evento, arg):
        if marco.f_code in self.codigos or marco.f_code is self.entrada:
            self.usados.add(marco.f_code)
            marco.f_trace_lines = marco.f_code is self.entrada
            return self.local
        return None

    def local(self, marco, evento, arg):
        if evento == "line":
            self.lineas[marco.f_lineno] = self.lineas.get(marco.f_lineno, 0) + 1
        elif evento == "return":
            # Referencias, no copias: un espía que las guarda ve su estado final (se copian al terminar).
            self.locales[marco.f_code] = dict(marco.f_locals)
        return self.local

    def fotos(self):
        return {codigo: {n: _foto(v) for n, v in locales.items()} for codigo, locales in self.locales.items()}


@dataclass
class Resultado:
    retorno: object
    argumentos: list
    locales: dict
    usados: set


@dataclass(frozen=True)
class Llamada:
    candidato: int
    fuentes: tuple  # una por parámetro

    def __hash__(self):
        return hash((self.candidato, repr(self.fuentes)))

    def __eq__(self, otra):
        return self.candidato == otra.candidato and repr(self.fuentes) == repr(otra.fuentes)


class Motor:
    """La búsqueda de adaptadores para todas las funciones calificadas sobre unos candidatos."""

    def __init__(self, candidatos, codigos):
        self.candidatos = candidatos
        self.codigos = codigos
        self.firmas = [firmas.parametros(c.objeto) for c in candidatos]
        self.ordenes = []  # orden en que se eligen las fuentes de cada candidato: el de uso en su cuerpo
        for c, parametros in zip(candidatos, self.firmas):
            uso = firmas.orden_de_uso(c.objeto) or []
            nombres = [p.nombre for p in parametros or []]
            self.ordenes.append(sorted(range(len(nombres)), key=lambda k: (
                uso.index(nombres[k]) if nombres[k] in uso else len(uso), k)))
        self.codigo_a_candidato = {}
        for i, c in enumerate(candidatos):
            for codigo in _codigos_de(c.objeto):
                self.codigo_a_candidato.setdefault(codigo, i)
        self.llamadas = 0
        self.incompletas = []
        self.imposibles = {}  # candidato -> (posición, fuente) -> {posiciones anteriores: {fuentes}} que fallan
        self.aprendidos = 0  # cuántos errores se han aprendido (para volver atrás en cuanto hay uno nuevo)

    def aprender(self, llamada, error, veces):
        """Tras un error en el cuerpo del candidato, recuerda qué fuentes lo causan: no se vuelven a probar.

        Se miran los parámetros de los que depende la sentencia del candidato donde saltó el error
        (``firmas.dependencias``): con esas mismas fuentes fallará igual, sean cuales sean las demás.
        """
        i = llamada.candidato
        base, _ = firmas._funcion_base(self.candidatos[i].objeto)
        codigo = getattr(base, "__code__", None)
        linea, tb = None, error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is codigo:
                linea = tb.tb_lineno
            tb = tb.tb_next
        de_linea = firmas.dependencias(base) if linea is not None else None
        nombres, inicio = de_linea(linea) if de_linea else (None, None)
        if nombres is None or veces.get(inicio, 0) > 1:
            return  # tras otra vuelta de un bucle, el error puede depender de lo que cambió en ella
        self.aprendidos += 1
        if not nombres:  # no depende de ningún parámetro (p. ej. un esbozo: raise NotImplementedError)
            self.imposibles.setdefault(i, {})["siempre"] = True
            return
        parametros, orden = self.firmas[i], self.ordenes[i]
        posiciones = sorted(orden.index(k) for k, p in enumerate(parametros) if p.nombre in nombres)
        if not posiciones:
            return
        *antes, ultima = posiciones
        clave = tuple(_clave_fuente(llamada.fuentes[orden[q]]) for q in antes)
        self.imposibles.setdefault(i, {}).setdefault((ultima, _clave_fuente(llamada.fuentes[orden[ultima]])), {}
                                                     ).setdefault(tuple(antes), set()).add(clave)

    def ejecutar(self, llamada, ctx, calificada, espiar=True, aprender=False):
        """Ejecuta una llamada en un caso; Resultado o None si lanza un error o tarda demasiado."""
        objeto = self.candidatos[llamada.candidato].objeto
        argumentos, palabras, ampliados = [], {}, []
        parametros = self.firmas[llamada.candidato]
        por_palabra = False  # tras un valor por defecto, los demás van por su nombre
        try:
            for p, fuente in zip(parametros, llamada.fuentes):
                if fuente[0] == "defecto":
                    por_palabra = True
                    continue
                if fuente[0] == "registro":
                    _, registro, clave = fuente
                    registro[clave] = _ampliacion(registro, clave)
                    ampliados.append((registro, clave))
                    valor = clave
                else:
                    valor = _valor(fuente, ctx, calificada)
                if por_palabra:
                    palabras[p.nombre] = valor
                else:
                    argumentos.append(valor)
        except Exception:  # noqa: BLE001 - una fuente que no existe en este caso
            for registro, clave in ampliados:
                registro.pop(clave, None)
            return None
        base, _ = firmas._funcion_base(objeto)
        espia = Espia(self.codigos, getattr(base, "__code__", None)) if espiar or aprender else None
        self.llamadas += 1
        signal.setitimer(signal.ITIMER_REAL, SEGUNDOS_POR_LLAMADA)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"), \
                    contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                warnings.simplefilter("ignore")
                if espia:
                    sys.settrace(espia.global_)
                try:
                    retorno = objeto(*argumentos, **palabras)
                finally:
                    sys.settrace(None)
        except BaseException as error:  # noqa: BLE001 - el código público puede fallar de cualquier forma
            if isinstance(error, (KeyboardInterrupt, SystemExit)) and not isinstance(error, _Tiempo):
                raise
            if aprender and not isinstance(error, _Tiempo):
                self.aprender(llamada, error, espia.lineas)
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for registro, clave in ampliados:
                registro.pop(clave, None)
        return Resultado(_foto(retorno), [_foto(a) for a in argumentos] + [_foto(v) for v in palabras.values()],
                         espia.fotos() if espia else {}, espia.usados if espia else set())

    # --- adaptadores de una llamada --------------------------------------------------------------

    def llamadas_de(self, i, fuentes, segunda=False):
        """Adaptadores (Llamada) del candidato i: una fuente por parámetro, sin repetir argumentos.

        Con ``segunda``, solo los que usan en algún parámetro un valor de una primera llamada.
        """
        parametros = self.firmas[i]
        if parametros is None:
            return
        opciones = [fuentes.de(p) for p in parametros]
        if any(not o for o in opciones):
            return
        if segunda:
            if sum(p.defecto is firmas.VACIO for p in parametros) > PARAMETROS_EN_LA_SEGUNDA:
                return
            for k in range(len(opciones)):
                if any(f[0] == "nivel1" for f in opciones[k]):
                    forzadas = [[f for f in o if f[0] != "nivel1"] if j != k else [f for f in o if f[0] == "nivel1"]
                                for j, o in enumerate(opciones)]
                    yield from self._elegir(i, forzadas, MAXIMO_EN_LA_SEGUNDA, avisar=False)
            return
        yield from self._elegir(i, [[f for f in o if f[0] != "nivel1"] for o in opciones])

    def _elegir(self, i, opciones, maximo=MAXIMO_DE_LLAMADAS, avisar=True):
        """Recorre las combinaciones en el orden en que el candidato usa sus parámetros.

        Así un error aprendido (``aprender``) poda pronto: si falla la primera sentencia, no se
        prueba ninguna combinación de los parámetros que aún no ha usado.
        """
        orden = self.ordenes[i]
        total = 0
        imposibles = self.imposibles.setdefault(i, {})
        elegidas = [None] * len(opciones)

        def podada(q, clave, claves):
            if "siempre" in imposibles:
                return True
            return any(tuple(claves[a] for a in antes) in prohibidas
                       for antes, prohibidas in imposibles.get((q, clave), {}).items())

        def invalido(claves):
            """¿Algún error aprendido prohíbe ya lo elegido? (entonces se vuelve atrás hasta él)"""
            if "siempre" in imposibles:
                return True
            return any(tuple(claves[a] for a in antes) in prohibidas
                       for u in range(len(claves))
                       for antes, prohibidas in imposibles.get((u, claves[u]), {}).items()
                       if all(a < u for a in antes))

        def elegir(q, claves, usados):
            nonlocal total
            if total >= maximo:
                return
            if q == len(orden):
                total += 1
                yield Llamada(i, tuple(elegidas))
                return
            k = orden[q]
            visto = self.aprendidos
            libres = any(not (_consume(f) & usados) for f in opciones[k] if f[0] in ("arg", "unos", "columnas"))
            for fuente in opciones[k]:
                if self.aprendidos != visto:  # se aprendió un error: ¿invalida lo ya elegido?
                    visto = self.aprendidos
                    if invalido(claves):
                        return
                consumo = _consume(fuente)
                if consumo & usados or (fuente[0] == "ceros" and libres):
                    continue  # un relleno de ceros, solo donde ya no queda ningún argumento
                clave = _clave_fuente(fuente)
                if imposibles and podada(q, clave, claves):
                    continue
                elegidas[k] = fuente
                yield from elegir(q + 1, claves + [clave], usados | consumo)

        yield from elegir(0, [], set())
        if total >= maximo and avisar:
            self.incompletas.append(self.candidatos[i].nombre)


def _clave_fuente(fuente):
    if fuente[0] == "registro":
        return ("registro", id(fuente[1]), fuente[2])
    if fuente[0] == "nivel1":
        return ("nivel1", hash(fuente[1]), repr(fuente[2]))
    return repr(fuente)


def _ampliacion(registro, clave):
    valores = list(registro.values())
    tipo = "par" if valores and isinstance(valores[0], (tuple, list)) else "una"
    return AMPLIACIONES[tipo][clave]


def _codigos_de(objeto):
    base, _ = firmas._funcion_base(objeto)
    if inspect.isclass(base):
        return [f.__code__ for f in vars(base).values() if inspect.isfunction(f)]
    return [base.__code__] if hasattr(base, "__code__") else []


# --- Valores que ve el adaptador, y cómo se sacan ------------------------------------------------

def _descender(valor, ruta, profundidad=0):
    """(ruta, valor) de un valor y de lo que lleva dentro (elementos, columnas, claves)."""
    if valor is None:
        return
    yield ruta, valor
    if profundidad >= 3:
        return
    if isinstance(valor, (list, tuple)) and valor:
        if len(valor) <= 60:
            for k in range(len(valor)):
                yield from _descender(valor[k], ruta + (("i", k),), profundidad + 1)
        yield from _descender(valor[-1], ruta + (("i", -1),), profundidad + 1)
        if len(valor) > 1:
            yield ruta + (("sin_ultimo",),), list(valor[:-1])
            yield ruta + (("sin_primero",),), list(valor[1:])
        primero = valor[0]
        if isinstance(primero, (tuple, list)) and 1 < len(primero) <= 8 and all(
                isinstance(e, (tuple, list)) and len(e) == len(primero) for e in valor):
            for j in range(len(primero)):
                columna = [e[j] for e in valor]
                yield ruta + (("col", j),), columna
                yield ruta + (("col", j), ("sin_ultimo",)), columna[:-1]
    elif isinstance(valor, dict):
        for clave in list(valor)[:60]:
            yield from _descender(valor[clave], ruta + (("k", clave),), profundidad + 1)
    elif isinstance(valor, np.ndarray) and valor.ndim >= 2 and valor.dtype != object and len(valor):
        yield ruta + (("i", -1),), valor[-1]
        yield ruta + (("i", 0),), valor[0]
        yield ruta + (("sin_ultimo",),), valor[:-1]


def valores_vistos(resultado):
    """(ruta, valor) de todo lo que ve un adaptador tras una llamada."""
    yield from _descender(resultado.retorno, (("retorno",),))
    for j, argumento in enumerate(resultado.argumentos):
        yield from _descender(argumento, (("argumento", j),))
    for codigo, locales in resultado.locales.items():
        for nombre, valor in locales.items():
            yield from _descender(valor, (("local", id(codigo), nombre),))


def _vistos(resultado):
    """(ruta, valor, forma) de todo lo que ve un adaptador tras una llamada."""
    return [(ruta, valor, _forma(valor)) for ruta, valor in valores_vistos(resultado)]


def extraer(resultado, ruta, ctx=None, calificada=None):
    """El valor de ``ruta`` en un Resultado. Lanza LookupError si no está."""
    raiz = ruta[0]
    if raiz[0] == "retorno":
        valor = resultado.retorno
    elif raiz[0] == "argumento":
        valor = resultado.argumentos[raiz[1]]
    else:
        codigo = next((c for c in resultado.locales if id(c) == raiz[1]), None)
        if codigo is None:
            raise LookupError(ruta)
        valor = resultado.locales[codigo][raiz[2]]
    for paso in ruta[1:]:
        if paso[0] in ("i", "k"):
            valor = valor[paso[1]]
        elif paso[0] == "sin_ultimo":
            valor = list(valor[:-1]) if not isinstance(valor, np.ndarray) else valor[:-1]
        elif paso[0] == "sin_primero":
            valor = list(valor[1:])
        elif paso[0] == "col":
            valor = [e[paso[1]] for e in valor]
        elif paso[0] == "mapa":
            funcion = _valor(paso[1], ctx, calificada)
            valor = [funcion(e) for e in valor]
    if valor is None:
        raise LookupError(ruta)
    return valor


def _forma(valor):
    if isinstance(valor, np.ndarray):
        return valor.shape if valor.dtype != object else None
    if isinstance(valor, (int, float, np.number)) and not isinstance(valor, bool):
        return ()
    if isinstance(valor, list) and valor and all(isinstance(v, (int, float, np.number)) for v in valor[:3]):
        return (len(valor),)
    return None


def coincide(valor, esperado, rtol, atol):
    return Objetivo(esperado, rtol, atol).coincide(valor)


class Objetivo:
    """Un valor esperado, preparado una vez para compararle muchos valores (``coincide``).

    Da lo mismo que ``np.allclose`` con el obtenido finito: si el esperado es finito, eso es
    ``|obtenido − esperado| <= atol + rtol·|esperado|`` en cada elemento (un NaN o un infinito
    en el obtenido no lo cumple), con la tolerancia calculada una sola vez. La búsqueda compara
    millones de valores: ``np.allclose`` entero era lo que más CPU gastaba.
    """

    __slots__ = ("rtol", "atol", "arreglo", "tolerancia", "primero")

    def __init__(self, esperado, rtol, atol):
        self.rtol, self.atol = rtol, atol
        try:
            self.arreglo = np.asarray(esperado, dtype=float)
        except (TypeError, ValueError):
            self.arreglo = self.tolerancia = None
            return
        with np.errstate(all="ignore"):
            tolerancia = atol + rtol * np.abs(self.arreglo)
        finitos = bool(np.all(np.isfinite(self.arreglo))) and bool(np.all(np.isfinite(tolerancia)))
        self.tolerancia = tolerancia if finitos else None  # si no, np.allclose, como siempre
        # El primer elemento, con números de Python (la misma aritmética de coma flotante): casi
        # todos los valores comparados ya difieren en él, y así se descartan sin operar con arreglos.
        self.primero = (float(self.arreglo.flat[0]), float(tolerancia.flat[0])) \
            if finitos and self.arreglo.size else None

    def coincide(self, valor):
        if self.arreglo is None:
            return False
        try:
            obtenido = np.asarray(valor, dtype=float)
        except (TypeError, ValueError):
            return False
        if obtenido.shape != self.arreglo.shape:
            return False
        if self.tolerancia is None:
            return bool(np.all(np.isfinite(obtenido))) and bool(
                np.allclose(obtenido, self.arreglo, rtol=self.rtol, atol=self.atol))
        if self.primero is not None:
            esperado, tolerancia = self.primero
            if not abs(float(obtenido.flat[0]) - esperado) <= tolerancia:  # también si es NaN o infinito
                return False
        with np.errstate(all="ignore"):
            return bool((np.abs(obtenido - self.arreglo) <= self.tolerancia).all())


# --- La búsqueda ---------------------------------------------------------------------------------

def _componentes(calificada, salida):
    from solutions.ejecucion import NOMBRES_SALIDA
    return list(salida) if calificada in NOMBRES_SALIDA else [salida]


def _intermedios(calificada, args):
    """Valores que calcula la referencia en un caso (variables locales de sus funciones)."""
    from solutions.ejecucion import ejecutar
    from solutions.verificacion import REFERENCIA
    raiz = str(Path(inspect.getfile(REFERENCIA[calificada])).parent)
    codigos = {f.__code__ for f in vars(sys.modules[REFERENCIA[calificada].__module__]).values()
               if inspect.isfunction(f)}
    for clase in vars(sys.modules[REFERENCIA[calificada].__module__]).values():
        if inspect.isclass(clase):
            codigos |= {f.__code__ for f in vars(clase).values() if inspect.isfunction(f)}
    espia = Espia({c for c in codigos if c.co_filename.startswith(raiz)})
    sys.settrace(espia.global_)
    try:
        with np.errstate(all="ignore"):
            ejecutar(calificada, args, REFERENCIA)
    finally:
        sys.settrace(None)
    valores = []
    entradas = [a for a in args if isinstance(a, np.ndarray)]
    for locales in espia.locales.values():
        for valor in locales.values():
            if isinstance(valor, np.ndarray) and valor.ndim >= 1 and valor.dtype != object and not any(
                    e.shape == valor.shape and np.array_equal(e, valor) for e in entradas):
                valores.append(valor)
    return valores


class Busqueda:
    """La búsqueda para una función calificada."""

    def __init__(self, motor, calificada):
        from solutions.verificacion import esperado
        self.motor, self.calificada = motor, calificada
        self.casos, self.completos = _casos_completos(calificada)
        self.sonda = _sonda(self.completos)
        self.nombres = _nombres_de(calificada)
        self.esperados = [_componentes(calificada, esperado(c)) for c in self.casos]
        caso = self.casos[self.sonda]
        self.tolerancia = (caso.rtol, caso.atol)
        self.fuentes = Fuentes(calificada, [_preparado(a) for a in self.completos[self.sonda]], self.nombres,
                               caso.inyectar)
        motor.imposibles = {}  # lo aprendido con otro caso sonda no vale para este
        self._esperados = {}  # (caso, k) -> Objetivo

    def _ctx(self, indice, nivel1=None):
        return Contexto(list(self.completos[indice]), dict(nivel1 or {}))  # _valor copia al usar

    def preparar(self, objetivos):
        """Los objetivos del caso sonda listos para ``aciertos``: agrupados por forma y preparados."""
        rtol, atol = self.tolerancia
        por_forma = {}
        for k, objetivo in enumerate(objetivos):
            por_forma.setdefault(_forma(objetivo), []).append((k, Objetivo(objetivo, rtol, atol)))
        return por_forma

    def aciertos(self, llamada, resultado, por_forma, vistos=None):
        """(k, ruta) de cada valor del resultado que coincide con el objetivo k (en el caso sonda).

        ``vistos``: los (ruta, valor, forma) del resultado ya recorridos (``_vistos``), para no
        recorrerlo otra vez con otros objetivos.
        """
        for ruta, valor, forma in (vistos if vistos is not None else _vistos(resultado)):
            for k, objetivo in por_forma.get(forma, ()):
                if objetivo.coincide(valor):
                    yield k, ruta

    def _esperado(self, indice, k):
        clave = (indice, k)
        if clave not in self._esperados:
            caso = self.casos[indice]
            self._esperados[clave] = Objetivo(self.esperados[indice][k], caso.rtol, caso.atol)
        return self._esperados[clave]

    def valida(self, llamada, ruta, k, nivel1_por_caso):
        """¿Da la misma ruta de la misma llamada el componente k en todos los casos?"""
        for indice, caso in enumerate(self.casos):
            ctx = self._ctx(indice, nivel1_por_caso.get(indice))
            resultado = self.motor.ejecutar(llamada, ctx, self.calificada)
            if resultado is None:
                return False
            try:
                valor = extraer(resultado, ruta, ctx, self.calificada)
            except (LookupError, IndexError, KeyError, TypeError, ValueError):
                return False
            if not self._esperado(indice, k).coincide(valor):
                return False
        return True

    def buscar(self):
        """Programas que superan las pruebas ocultas: lista de dict con su descripción y orígenes."""
        objetivos = self.esperados[self.sonda]
        intermedios = _intermedios(self.calificada, self.completos[self.sonda])
        de_objetivos, de_intermedios = self.preparar(objetivos), self.preparar(intermedios)
        preparados = {k: objetivo for grupo in de_objetivos.values() for k, objetivo in grupo}
        hallados = {k: [] for k in range(len(objetivos))}  # k -> [(llamada, ruta, usados)]
        progresos = []  # (llamada, ruta) con un valor que calcula la referencia: para la 2.ª llamada
        candidatos = self._candidatos()
        for i in candidatos:
            antes = self.motor.llamadas
            for llamada in self.motor.llamadas_de(i, self.fuentes):
                resultado = self.motor.ejecutar(llamada, self._ctx(self.sonda), self.calificada, aprender=True)
                if resultado is None:
                    continue
                vistos = _vistos(resultado)  # un solo recorrido para los objetivos y los intermedios
                for k, ruta in self.aciertos(llamada, resultado, de_objetivos, vistos):
                    hallados[k].append((llamada, ruta, resultado.usados))
                for _, ruta in self.aciertos(llamada, resultado, de_intermedios, vistos):
                    if len(progresos) < 30 and not any(p[0] == llamada for p in progresos):
                        progresos.append((llamada, ruta))
                self._mapas(llamada, resultado, objetivos, hallados, vistos, preparados)
            if os.environ.get("SUSTITUCION_DETALLE") and self.motor.llamadas - antes > 500:
                print(f"   {self.motor.candidatos[i].nombre}: {self.motor.llamadas - antes}", file=sys.stderr)
        # Segunda llamada: la salida de la primera (un valor que la referencia también calcula), como entrada.
        nivel1_por_caso = {}
        if os.environ.get("SUSTITUCION_DETALLE"):
            print(f"   primera vuelta: {self.motor.llamadas} llamadas; {len(progresos)} progresos; "
                  + ", ".join(f"{k}: {len(v)}" for k, v in hallados.items()), file=sys.stderr)
        pendientes = {k for k, lista in hallados.items() if not lista}
        if progresos and pendientes:  # solo se busca una segunda llamada para lo que aún no sale
            self.fuentes.nivel1 = [("nivel1", llamada, ruta) for llamada, ruta in progresos]
            for indice in range(len(self.casos)):
                ctx = self._ctx(indice)
                nivel1_por_caso[indice] = {ll: r for ll, _ in progresos
                                           if (r := self.motor.ejecutar(ll, ctx, self.calificada)) is not None}
            for i in candidatos:
                for llamada in self.motor.llamadas_de(i, self.fuentes, segunda=True):
                    ctx = self._ctx(self.sonda, nivel1_por_caso.get(self.sonda))
                    resultado = self.motor.ejecutar(llamada, ctx, self.calificada, aprender=True)
                    if resultado is None:
                        continue
                    for k, ruta in self.aciertos(llamada, resultado, de_objetivos):
                        if k in pendientes:
                            hallados[k].append((llamada, ruta, resultado.usados))
        return self._programas(hallados, nivel1_por_caso)

    def _candidatos(self):
        """Índices de los candidatos, con las sesiones de las clases si la calificada es una puerta."""
        return list(range(len(self.motor.candidatos)))

    def _mapas(self, llamada, resultado, objetivos, hallados, vistos, preparados):
        """Una lista (p. ej. el historial de costos) como una auxiliar aplicada a una secuencia vista.

        ``vistos`` y ``preparados``: lo que ve el resultado (``_vistos``) y los objetivos preparados
        (``preparar``), ya calculados en ``buscar``.
        """
        auxiliares = [f for f in self.fuentes.funciones if f[0] == "auxiliar"]
        if not auxiliares:
            return
        listas = [k for k, o in enumerate(objetivos) if isinstance(o, list)]
        if not listas:
            return
        formas = {np.shape(a) for a in self.fuentes.args if isinstance(a, np.ndarray)}
        for ruta, valor, _ in vistos:
            if not (isinstance(valor, list) or (isinstance(valor, np.ndarray) and valor.ndim >= 2)) \
                    or len(valor) < 2 or not isinstance(valor[0], np.ndarray) or valor[0].shape not in formas:
                continue
            for auxiliar in auxiliares:
                for recorte in ((), (("sin_ultimo",),)):
                    ruta_mapa = ruta + recorte + (("mapa", auxiliar),)
                    ctx = self._ctx(self.sonda)
                    try:
                        mapeado = extraer(resultado, ruta_mapa, ctx, self.calificada)
                    except Exception:  # noqa: BLE001
                        continue
                    for k in listas:
                        if preparados[k].coincide(mapeado):
                            hallados[k].append((llamada, ruta_mapa, resultado.usados))

    def _programas(self, hallados, nivel1_por_caso):
        """El informe de la calificada si hay un adaptador para cada valor que devuelve ([] si no).

        Cada valor se comprueba por separado con todos los casos; se guardan todas las maneras de
        obtenerlo que usan código de orígenes distintos (quien decide con el calendario se queda con
        la que se publica antes) y una combinación se confirma con las pruebas ocultas de verdad.
        """
        if not all(hallados.values()):
            return []
        validos = {}
        for k, lista in hallados.items():
            validos[k], firmas_vistas, probadas = [], set(), 0
            for llamada, ruta, usados in lista:
                firma = frozenset(self._indices(llamada, usados))
                if firma in firmas_vistas or probadas >= 60:
                    continue
                probadas += 1
                if self.valida(llamada, ruta, k, nivel1_por_caso):
                    validos[k].append((llamada, ruta, usados))
                    firmas_vistas.add(firma)
            if not validos[k]:
                return []
        for eleccion in itertools.islice(itertools.product(*validos.values()), 10):
            programa = Programa(self, [(ll, ruta) for ll, ruta, _ in eleccion])
            if programa.supera_las_pruebas_ocultas():
                motor = self.motor
                return [{
                    "calificada": self.calificada,
                    "descripcion": programa.describir(),
                    "componentes": [[{"grupos": [motor.candidatos[i].origenes for i in self._indices(ll, usados)],
                                      "descripcion": programa.describir_parte(ll, ruta)}
                                     for ll, ruta, usados in alternativas] for alternativas in validos.values()],
                }]
        return []

    def _indices(self, llamada, usados):
        """Candidatos que necesita una llamada: el llamado, los de su primera llamada y los que ejecuta."""
        motor = self.motor
        indices = {llamada.candidato}
        indices |= {f[1].candidato for f in llamada.fuentes if f[0] == "nivel1"}
        indices |= {motor.codigo_a_candidato[c] for c in usados if c in motor.codigo_a_candidato}
        return sorted(indices)


def _preparado(valor):
    """Una ``FuncionPrueba`` del caso, convertida en función (nueva cada vez)."""
    from solutions.ejecucion import FuncionPrueba
    return valor.crear() if isinstance(valor, FuncionPrueba) else valor


def _copia(valor):
    """``copy.deepcopy``, con un atajo para los arreglos numéricos (lo más copiado con diferencia)."""
    if type(valor) is np.ndarray and valor.dtype != object:
        return valor.copy(order="K")
    return copy.deepcopy(valor)


class Programa:
    """Un adaptador encontrado: una (llamada, ruta) por cada valor que devuelve la calificada."""

    def __init__(self, busqueda, partes):
        self.busqueda, self.partes = busqueda, partes

    def __call__(self, *args):
        from solutions.verificacion import REFERENCIA
        b = self.busqueda
        if not b.calificada.startswith("Puerta"):
            ligados = inspect.signature(REFERENCIA[b.calificada]).bind(*args)
            ligados.apply_defaults()
            args = ligados.args
        ctx = Contexto(list(args))
        for llamada, ruta in self.partes:
            for fuente in llamada.fuentes:
                if fuente[0] == "nivel1" and fuente[1] not in ctx.nivel1:
                    ctx.nivel1[fuente[1]] = b.motor.ejecutar(fuente[1], ctx, b.calificada)
        salida = []
        for llamada, ruta in self.partes:
            resultado = b.motor.ejecutar(llamada, ctx, b.calificada)
            if resultado is None:
                raise RuntimeError("el adaptador falla en este caso")
            salida.append(extraer(resultado, ruta, ctx, b.calificada))
        from solutions.ejecucion import NOMBRES_SALIDA
        return tuple(salida) if b.calificada in NOMBRES_SALIDA else salida[0]

    def supera_las_pruebas_ocultas(self):
        from solutions.verificacion import verificar
        calificada = self.busqueda.calificada
        objeto = self if not calificada.startswith("Puerta") else _puerta(self)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                verificar(calificada, {calificada: objeto})
            return True
        except AssertionError:
            return False

    def describir_parte(self, llamada, ruta):
        b = self.busqueda
        return describir_llamada(b.motor, llamada, b.nombres) + describir_ruta(b.motor, ruta, b.nombres)

    def describir(self):
        """El adaptador en una línea: «feedForward(X, w1, …) = (propagar(…)[1], …)»."""
        b = self.busqueda
        nombres = b.nombres
        llamadas = []
        for ll, _ in self.partes:
            if ll not in llamadas:
                llamadas.append(ll)
        if len(llamadas) < len(self.partes):  # una llamada de la que salen varios valores: se nombra
            letras = {ll: f"r{k + 1}" for k, ll in enumerate(llamadas)}
            antes = "; ".join(f"{letras[ll]} = {describir_llamada(b.motor, ll, nombres)}" for ll in llamadas)
            partes = [letras[ll] + describir_ruta(b.motor, ruta, nombres) for ll, ruta in self.partes]
            return f"{b.calificada}({', '.join(nombres)}): {antes}; devuelve ({', '.join(partes)})"
        partes = [describir_llamada(b.motor, ll, nombres) + describir_ruta(b.motor, ruta, nombres)
                  for ll, ruta in self.partes]
        return f"{b.calificada}({', '.join(nombres)}) = " + (
            f"({', '.join(partes)})" if len(partes) > 1 else partes[0])


def _puerta(programa):
    class Puerta:
        def forward(self, x, y):
            self.x, self.y = x, y
            return programa(x, y, 1.0)[0]

        def backward(self, dz):
            _, dx, dy = programa(self.x, self.y, dz)
            return dx, dy
    return Puerta


def describir_fuente(motor, fuente, nombres):
    clase = fuente[0]
    if clase == "arg":
        return nombres[fuente[1]]
    if clase == "unos":
        return f"[1 {nombres[fuente[1]]}]"
    if clase == "ceros":
        return f"np.zeros_like({nombres[fuente[1]]})"
    if clase == "columnas":
        return f"{nombres[fuente[1]]}[:, {nombres[fuente[2]]}]"
    if clase == "dim":
        return f"{nombres[fuente[1]]}.shape[{fuente[2]}]"
    if clase == "capas":
        _, base, kw, kb, pares = fuente
        return "{" + ", ".join(f"{base + k}: {{{kw!r}: {nombres[w]}" + (f", {kb!r}: {nombres[b]}" if b is not None
                                                                        else "") + "}"
                               for k, (w, b) in enumerate(pares)) + "}"
    if clase == "plano":
        return "{" + ", ".join(f"{c!r}: {nombres[i]}" for c, i in fuente[1]) + "}"
    if clase == "secuencia":
        return "[" + ", ".join(nombres[i] for i in fuente[1]) + "]"
    if clase == "auxiliar":
        _, nombre, fijos, libre = fuente
        return f"lambda {libre}: {nombre}(" + ", ".join([f"{p}={nombres[i]}" for p, i in fijos] + [
            f"{libre}={libre}"]) + ")"
    if clase == "generador":
        return "np.random.default_rng(0)"
    if clase == "valor":
        return repr(fuente[1]) if fuente[1] != _OTRA else "'otra'"
    if clase == "registro":
        return f"{fuente[2]!r} (tras añadir {fuente[2]!r} al diccionario)"
    if clase == "nivel1":
        return describir_llamada(motor, fuente[1], nombres) + describir_ruta(motor, fuente[2], nombres)
    return str(fuente)


def describir_llamada(motor, llamada, nombres):
    parametros = motor.firmas[llamada.candidato]
    trozos = [f"{p.nombre}={describir_fuente(motor, f, nombres)}" for p, f in zip(parametros, llamada.fuentes)
              if f[0] != "defecto"]
    return f"{motor.candidatos[llamada.candidato].nombre}({', '.join(trozos)})"


def describir_ruta(motor, ruta, nombres):
    raiz = ruta[0]
    texto = ""
    if raiz[0] == "argumento":
        texto = f" → (argumento {raiz[1] + 1} tras la llamada)"
    elif raiz[0] == "local":
        texto = f" → (variable local «{raiz[2]}», vista con un espía)"
    for paso in ruta[1:]:
        if paso[0] in ("i", "k"):
            texto += f"[{paso[1]!r}]"
        elif paso[0] == "sin_ultimo":
            texto += "[:-1]"
        elif paso[0] == "sin_primero":
            texto += "[1:]"
        elif paso[0] == "col":
            texto += f" (columna {paso[1]})"
        elif paso[0] == "mapa":
            texto += f" (cada elemento, con {paso[1][1]})"
    return texto


# --- Puertas: sesiones de una clase pública ------------------------------------------------------

def sesiones(candidatos):
    """Para las puertas: (x, y, dz) -> (m1(x, y), m2(dz)) con dos métodos de un mismo objeto público."""
    from .candidatos import Candidato
    nuevas = []
    for c in candidatos:
        if not inspect.isclass(c.objeto):
            continue
        try:
            c.objeto()
        except Exception:  # noqa: BLE001 - necesita argumentos para construirse: no sirve como puerta
            continue
        metodos = {n: f for n, f in vars(c.objeto).items() if inspect.isfunction(f) and not n.startswith("__")}
        for (n1, f1), (n2, f2) in itertools.permutations(metodos.items(), 2):
            if f1.__code__.co_argcount == 3 and f2.__code__.co_argcount == 2:
                nuevas.append(Candidato(f"{c.nombre}() con .{n1}(x, y) y luego .{n2}(dz): sesion",
                                        _sesion(c.objeto, n1, n2), list(c.origenes), ""))
    return nuevas


def _sesion(clase, primero, segundo):
    def sesion(x, y, dz):
        objeto = clase()
        return getattr(objeto, primero)(x, y), getattr(objeto, segundo)(dz)
    return sesion


# --- Todo junto ----------------------------------------------------------------------------------

def buscar(carpeta, calificadas=None):
    """Informe de la edición completa en ``carpeta`` (lo imprime ``main`` en JSON).

    ``calificadas``: solo esas funciones calificadas (por defecto, todas salvo SIEMPRE_EXENTAS).
    """
    from solutions.verificacion import REFERENCIA
    from . import candidatos as modulo
    inicio = time.perf_counter()
    recolector = modulo.Recolector(carpeta)
    try:
        candidatos = recolector.recoger()
    except modulo.CodigoInvalido as error:
        return {"errores": [f"no se pudo ejecutar la edición: {error}"]}
    candidatos += sesiones(candidatos)
    signal.signal(signal.SIGALRM, _alarma)
    codigos = modulo.codigos_publicos(candidatos)
    motor = Motor(candidatos, codigos)
    programas = []
    elegidas = [c for c in (calificadas or REFERENCIA) if c not in SIEMPRE_EXENTAS]
    for calificada in elegidas:
        antes, llamadas = time.perf_counter(), motor.llamadas
        programas += Busqueda(motor, calificada).buscar()
        if os.environ.get("SUSTITUCION_DETALLE"):
            print(f"{calificada}: {motor.llamadas - llamadas} llamadas, {time.perf_counter() - antes:.1f} s",
                  file=sys.stderr)
    return {"errores": recolector.problemas, "programas": programas, "candidatos": len(candidatos),
            "calificadas": elegidas, "llamadas": motor.llamadas,
            "incompletas": sorted(set(motor.incompletas)), "segundos": round(time.perf_counter() - inicio, 1)}


def filtraciones(carpeta, python=sys.executable, calificadas=None):
    """Ejecuta ``buscar`` sobre la edición completa en un proceso aparte y devuelve su informe."""
    raiz = Path(__file__).resolve().parents[1]
    # Un solo hilo de BLAS: los arreglos de los casos son pequeños y, con varios hilos, OpenBLAS los
    # tenía girando en espera tras cada producto (decenas de segundos de CPU de sistema, mismo informe).
    entorno = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(raiz), OPENBLAS_NUM_THREADS="1")
    solo = ["--calificadas", ",".join(calificadas)] if calificadas else []
    resultado = subprocess.run([python, "-m", "publicacion.sustitucion", str(carpeta), *solo],
                               cwd=raiz, env=entorno, capture_output=True, text=True)
    if resultado.returncode != 0:
        raise RuntimeError("La comprobación de sustitución no pudo ejecutar la edición pública:\n"
                           + resultado.stderr[-4000:])
    return json.loads(resultado.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("carpeta")
    parser.add_argument("--calificadas", help="solo estas funciones calificadas, separadas por comas")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    elegidas = args.calificadas.split(",") if args.calificadas else None
    print(json.dumps(buscar(args.carpeta, elegidas), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
