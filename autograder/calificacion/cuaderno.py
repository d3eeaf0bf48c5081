"""Lectura de cuadernos como datos y construcción del programa que se ejecuta.

Nunca se importa ni se ejecuta nada del cuaderno aquí: se lee el JSON, se
toman las celdas de código del estudiante (soluciones y celdas nuevas), se
sustituyen las celdas dadas por las del cuaderno fuente del profesor y se
descartan las celdas de pruebas del estudiante (valen las del calificador).
"""
import functools
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

TAMANO_MAX = 20 * 1024 * 1024  # código de las celdas (las salidas guardadas no cuentan)
TAMANO_FICHERO_MAX = 200 * 1024 * 1024  # el fichero entero, con salidas (imágenes, tablas…)


class CuadernoInvalido(Exception):
    """El fichero no se puede leer como cuaderno; el mensaje va en español."""


@dataclass
class Celda:
    tipo: str
    fuente: str
    nbgrader: dict


def _texto(fuente):
    if isinstance(fuente, list):
        fuente = "".join(str(x) for x in fuente)
    if not isinstance(fuente, str):
        return ""
    return fuente.encode("utf-8", "replace").decode("utf-8")  # sin sustitutos sueltos ("\\ud800")


def _celda(datos, clave_fuente="source"):
    if not isinstance(datos, dict):
        return None
    metadatos = datos.get("metadata")
    nbg = metadatos.get("nbgrader") if isinstance(metadatos, dict) else None
    nbg = dict(nbg) if isinstance(nbg, dict) else {}
    if "grade_id" in nbg and not isinstance(nbg["grade_id"], str):
        nbg["grade_id"] = None  # un grade_id que no es texto no identifica ninguna celda
    return Celda(str(datos.get("cell_type", "")), _texto(datos.get(clave_fuente, datos.get("source"))), nbg)


def leer(ruta):
    """Celdas de un cuaderno (nbformat 4 o 3) leído como JSON. Lanza ``CuadernoInvalido``."""
    ruta = Path(ruta)
    tamano = ruta.stat().st_size
    if tamano == 0:
        raise CuadernoInvalido("El fichero está vacío (0 bytes).")
    if tamano > TAMANO_FICHERO_MAX:
        raise CuadernoInvalido(f"El fichero ocupa {tamano // 2**20} MiB; el máximo es "
                               f"{TAMANO_FICHERO_MAX // 2**20} MiB. Borra las salidas de las celdas y vuelve a "
                               "guardarlo.")
    try:
        texto = ruta.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CuadernoInvalido("El fichero no es texto UTF-8: no es un cuaderno de Jupyter.") from None
    try:
        datos = json.loads(texto)
    except (json.JSONDecodeError, RecursionError) as error:
        linea = getattr(error, "lineno", "?")
        raise CuadernoInvalido(f"El fichero no es JSON válido (error en la línea {linea}): "
                               "¿se guardó a medias o se editó a mano?") from None
    if not isinstance(datos, dict):
        raise CuadernoInvalido("El fichero es JSON pero no un cuaderno de Jupyter.")
    if isinstance(datos.get("cells"), list):
        celdas = [_celda(c) for c in datos["cells"]]
    elif isinstance(datos.get("worksheets"), list):  # nbformat 3
        celdas = [_celda(c, "input") for hoja in datos["worksheets"] if isinstance(hoja, dict)
                  for c in (hoja.get("cells") or []) if isinstance(hoja.get("cells"), list)]
    else:
        raise CuadernoInvalido("El fichero es JSON pero no un cuaderno de Jupyter (no tiene celdas).")
    celdas = [c for c in celdas if c is not None]
    codigo = sum(len(c.fuente) for c in celdas)
    if codigo > TAMANO_MAX:
        raise CuadernoInvalido(f"Las celdas tienen {codigo // 2**20} MiB de texto (sin contar las salidas); "
                               f"el máximo es {TAMANO_MAX // 2**20} MiB.")
    return celdas


_OCULTAS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def _normalizar(fuente):
    return "\n".join(linea.rstrip() for linea in fuente.strip().splitlines() if linea.strip())


#: Celda final de los talleres que repite las pruebas públicas para el estudiante: al calificar
#: no se ejecuta (las pruebas públicas ya las ejecuta el calificador, con sus límites).
AUTOCOMPROBACION = "autocomprobacion"


@dataclass
class Fuente:
    """Lo que el calificador necesita del cuaderno fuente del profesor."""

    dados: dict = field(default_factory=dict)  # grade_id -> código
    dados_antes: list = field(default_factory=list)  # dadas anteriores a la primera solución
    pruebas: set = field(default_factory=set)  # grade_id de las celdas de pruebas
    pruebas_publicas: set = field(default_factory=set)  # su parte pública, normalizada
    publicas: dict = field(default_factory=dict)  # función -> código de sus pruebas públicas

    @classmethod
    def de_cuaderno(cls, ruta):
        fuente = cls()
        if ruta is None or not Path(ruta).is_file():
            return fuente
        vista_solucion = False
        for celda in leer(ruta):
            if celda.tipo != "code":
                continue
            nbg, gid = celda.nbgrader, celda.nbgrader.get("grade_id")
            if gid == AUTOCOMPROBACION:
                continue
            if nbg.get("solution"):
                vista_solucion = True
            elif nbg.get("grade") and gid:
                fuente.pruebas.add(gid)
                publica = _OCULTAS.sub("", celda.fuente)
                fuente.pruebas_publicas.add(_normalizar(publica))
                if gid.endswith("_pruebas") and _normalizar(_sin_magias(publica) or ""):
                    fuente.publicas[gid[: -len("_pruebas")]] = _sin_magias(publica)
            elif nbg.get("locked") and gid:
                fuente.dados[gid] = celda.fuente
                if not vista_solucion:
                    fuente.dados_antes.append(gid)
        return fuente


def _es_prueba(celda, fuente):
    nbg = celda.nbgrader
    if nbg.get("grade") and not nbg.get("solution"):
        return True
    if nbg.get("grade_id") in fuente.pruebas:
        return True
    normal = _normalizar(celda.fuente)
    return bool(normal) and normal in fuente.pruebas_publicas


_MAGIA_CELDA_INOCUA = ("time", "timeit", "capture")


def _sin_magias(fuente):
    """Celda convertida en Python con el transformador de IPython; ``None`` si no es Python.

    Las órdenes mágicas y de sistema (``%``, ``!``, ``?``) quedan como llamadas a
    ``get_ipython()``, que en el proceso aislado no hacen nada. Las magias de celda que
    solo miden o capturan (``%%time``…) se quitan y su cuerpo se ejecuta; las demás
    (``%%bash``, ``%%html``…) no son Python.
    """
    lineas = fuente.splitlines()
    primera = next((l.strip() for l in lineas if l.strip()), "")
    if primera.startswith("%%"):
        if primera[2:].split()[0:1] and primera[2:].split()[0] in _MAGIA_CELDA_INOCUA:
            indice = next(i for i, l in enumerate(lineas) if l.strip())
            fuente = "\n".join(lineas[indice + 1:])
        else:
            return None
    try:
        with _CERROJO:  # el lote lee cuadernos desde varios hilos
            return _transformador().transform_cell(fuente)
    except Exception:  # IPython no pudo: se ejecuta tal cual (un error de sintaxis queda en su celda)
        return fuente


_CERROJO = threading.Lock()


@functools.lru_cache(maxsize=1)
def _transformador():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


_SOSPECHAS = (
    (re.compile(r"\bsolutions\b"), "menciona el paquete de referencia «solutions»"),
    (re.compile(r"\bverificacion\b"), "menciona las pruebas ocultas («verificacion»)"),
    (re.compile(r"gradebook", re.I), "menciona la base de datos de calificaciones («gradebook»)"),
    (re.compile(r"nbgrader", re.I), "menciona nbgrader o sus variables de entorno"),
    (re.compile(r"\.ipynb\b"), "abre o busca cuadernos («.ipynb»)"),
    (re.compile(r"\b(np|numpy)\s*\.\s*(allclose|isclose|array_equal)\s*=(?!=)"),
     "redefine una función de comparación de numpy"),
    (re.compile(r"\b(np|numpy)\s*\.\s*testing\s*\.\s*\w+\s*=(?!=)"), "redefine funciones de np.testing"),
    (re.compile(r"setattr\(\s*(np|numpy)\b"), "modifica el módulo numpy con setattr"),
)


def _sin_comentarios(fuente):
    return "\n".join(re.sub(r"(^|\s)#.*$", "", linea) for linea in fuente.splitlines())


def sospechas(fuente):
    """Motivos (en español) por los que un código del estudiante parece manipular la calificación."""
    codigo = _sin_comentarios(fuente)
    return [texto for patron, texto in _SOSPECHAS if patron.search(codigo)]


@dataclass
class Programa:
    """Celdas que se ejecutan, con su etiqueta, y observaciones para el informe."""

    celdas: list = field(default_factory=list)  # (etiqueta, código)
    notas: list = field(default_factory=list)
    sospechas: list = field(default_factory=list)


def _titulo(celda):
    """Título de una celda de texto que empieza por un encabezado de Markdown ('' si no)."""
    if celda.tipo != "markdown":
        return ""
    primera = next((l.strip() for l in celda.fuente.splitlines() if l.strip()), "")
    return primera.lstrip("#").strip().replace("`", "") if primera.startswith("#") else ""


def _etiqueta(numero, seccion, tipo=""):
    """Cómo se nombra una celda en la retroalimentación: su sección y su número."""
    return f"{numero}{tipo}, en la sección «{seccion[:80]}»" if seccion else f"{numero}{tipo}"


def construir(celdas, fuente):
    """Programa a ejecutar a partir de las celdas del estudiante y del cuaderno fuente."""
    programa = Programa()
    emitidas = set()
    propias = []
    seccion = ""
    for numero, celda in enumerate(celdas, start=1):
        titulo = _titulo(celda)
        if titulo:
            seccion = titulo
        if celda.tipo != "code":
            continue
        gid = celda.nbgrader.get("grade_id")
        if gid == AUTOCOMPROBACION:
            continue
        if gid in fuente.dados:
            if gid in emitidas:
                programa.notas.append(f"La celda {numero} repite la celda dada «{gid}»; se ignora la copia.")
            else:
                emitidas.add(gid)
                propias.append((_etiqueta(numero, seccion, " (dada)"), fuente.dados[gid]))
            continue
        if _es_prueba(celda, fuente):
            continue
        codigo = _sin_magias(celda.fuente)
        if codigo is None:
            programa.notas.append(f"La celda {numero} no es código Python (magia de celda); no se ejecuta.")
            continue
        for motivo in sospechas(codigo):
            if motivo not in programa.sospechas:
                programa.sospechas.append(motivo)
        propias.append((_etiqueta(numero, seccion), codigo))
    faltan = [g for g in fuente.dados if g not in emitidas]
    if faltan:
        programa.notas.append("Faltaban celdas dadas del taller (" + ", ".join(faltan)
                              + "); se usaron las originales.")
    antes = [(f"dada «{g}»", fuente.dados[g]) for g in fuente.dados_antes if g in faltan]
    despues = [(f"dada «{g}»", fuente.dados[g]) for g in faltan if g not in fuente.dados_antes]
    programa.celdas = antes + propias + despues
    return programa
