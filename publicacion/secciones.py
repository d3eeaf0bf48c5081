"""Secciones de un capítulo que se publican como un solucionario, cuando termina un plazo.

Un capítulo puede marcar una parte (texto y celdas de código) que resuelve un taller::

    % solucionario: xor-retropropagacion
    ## Una función de entrenamiento reutilizable
    ...
    % fin del solucionario

Las líneas ``%`` son comentarios de MyST. En el libro del profesor la parte se ve entera, con un
aviso (``_ext/talleres_sphinx.py``); en la edición pública, hasta que termina el plazo de
entrega de ese taller, se sustituye por un aviso que dice cuándo aparecerá (se conservan su
etiqueta y su título, para que el índice y las referencias sigan funcionando). Lo que se
define en la parte no puede usarse fuera de ella: sin la parte, el capítulo debe ejecutarse
igual.
"""
import ast
import re
from dataclasses import dataclass

from solutions.talleres import TALLERES

INICIO = re.compile(r"^%\s*solucionario:\s*(?P<taller>\S+)\s*$")
FIN = re.compile(r"^%\s*fin del solucionario\s*$")
_CABECERA = re.compile(r"^(\(.+\)=|#{1,6}\s.*)$")


class ErrorDeSecciones(Exception):
    """Un solucionario mal marcado, o del que depende el resto del capítulo."""


@dataclass(frozen=True)
class Region:
    taller: str
    inicio: int  # índice de la línea «% solucionario: …»
    fin: int  # índice de la línea «% fin del solucionario»

    def contiene(self, linea):
        return self.inicio < linea < self.fin


def regiones(texto, nombre="capítulo"):
    """Partes marcadas como solucionario, en orden. Lanza ErrorDeSecciones si están mal marcadas."""
    encontradas, abierta = [], None
    for i, linea in enumerate(texto.splitlines()):
        inicio, fin = INICIO.match(linea.strip()), FIN.match(linea.strip())
        if inicio:
            if abierta is not None:
                raise ErrorDeSecciones(f"{nombre}, línea {i + 1}: un solucionario empieza antes de que termine "
                                       f"el de la línea {abierta[1] + 1} (falta «% fin del solucionario»).")
            taller = inicio.group("taller")
            if taller not in TALLERES:
                raise ErrorDeSecciones(f"{nombre}, línea {i + 1}: «{taller}» no es un taller del curso "
                                       f"(los talleres son: {', '.join(TALLERES)}).")
            abierta = (taller, i)
        elif fin:
            if abierta is None:
                raise ErrorDeSecciones(f"{nombre}, línea {i + 1}: «% fin del solucionario» sin su "
                                       "«% solucionario: <taller>».")
            encontradas.append(Region(abierta[0], abierta[1], i))
            abierta = None
    if abierta is not None:
        raise ErrorDeSecciones(f"{nombre}, línea {abierta[1] + 1}: el solucionario no termina (falta "
                               "«% fin del solucionario»).")
    return encontradas


def aviso(taller, fin_del_plazo, fecha_en_texto):
    """Texto que ocupa el lugar de un solucionario aún no publicado."""
    titulo = TALLERES[taller].titulo
    cuando = (f"el {fecha_en_texto(fin_del_plazo)}, cuando termine el plazo de entrega del taller"
              if fin_del_plazo is not None else "cuando termine el plazo de entrega del taller")
    return (":::{admonition} Solucionario: aún no publicado\n:class: note\n"
            f"Esta parte resuelve parte del taller «{titulo}». Aparecerá aquí {cuando}.\n:::")


def version_publica(texto, publicada, aviso_de, nombre="capítulo"):
    """El capítulo con cada solucionario entero (sin sus marcas) o sustituido por su aviso.

    ``publicada(taller)`` dice si el solucionario de ese taller ya se publica; ``aviso_de(taller)``
    da el texto que lo sustituye si no.
    """
    lineas = texto.splitlines(keepends=True)
    salida, cursor = [], 0
    for region in regiones(texto, nombre):
        salida += lineas[cursor:region.inicio]
        cuerpo = lineas[region.inicio + 1:region.fin]
        if publicada(region.taller):
            salida += cuerpo
        else:
            k = 0  # se conservan las etiquetas y el título con que empieza la parte
            while k < len(cuerpo) and (not cuerpo[k].strip() or _CABECERA.match(cuerpo[k].strip())):
                k += 1
            salida += cuerpo[:k] + ["\n" if cuerpo[:k] and cuerpo[k - 1].strip() else "",
                                    aviso_de(region.taller) + "\n\n"]
        cursor = region.fin + 1
    salida += lineas[cursor:]
    return "".join(salida)


def _celdas(texto):
    """(línea de inicio, fuente) de cada celda ```{code-cell} del capítulo."""
    celdas, lineas, i = [], texto.splitlines(), 0
    while i < len(lineas):
        if re.match(r"^```\{code-cell\}", lineas[i]):
            j = i + 1
            while j < len(lineas) and not re.match(r"^```\s*$", lineas[j]):
                j += 1
            cuerpo = lineas[i + 1:j]
            if cuerpo and cuerpo[0].strip() == "---":
                cierre = next((k for k in range(1, len(cuerpo)) if cuerpo[k].strip() == "---"), 0)
                cuerpo = cuerpo[cierre + 1:]
            celdas.append((i, "\n".join(l for l in cuerpo if not re.match(r"^:[\w-]+:", l))))
            i = j
        i += 1
    return celdas


def _nombres(fuente, contexto):
    """Nombres que una celda define (``ast.Store``) o usa (``ast.Load``)."""
    try:
        arbol = ast.parse(fuente)
    except SyntaxError:
        return set()
    nombres = set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Name) and isinstance(nodo.ctx, contexto):
            nombres.add(nodo.id)
        elif contexto is ast.Store and isinstance(nodo, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            nombres.add(nodo.name)
        elif contexto is ast.Store and isinstance(nodo, (ast.Import, ast.ImportFrom)):
            nombres.update((a.asname or a.name).split(".")[0] for a in nodo.names)
    return nombres


def etiquetas(texto):
    """Etiquetas que define un trozo de capítulo: ``(etiqueta)=``, ``name:`` y ``:label:``."""
    return set(re.findall(r"^\((.+)\)=\s*$", texto, flags=re.M)) | set(
        re.findall(r"^\s*:?(?:name|label):\s*([\w:-]+)\s*$", texto, flags=re.M))


def dependencias_rotas(texto, nombre, otros_textos=()):
    """Problemas de un capítulo cuyos solucionarios no se pueden quitar sin romper otra cosa.

    Una celda posterior que usa algo definido solo dentro de un solucionario, o una referencia
    (en el capítulo o en ``otros_textos``) a una etiqueta que solo existe dentro de él.
    """
    problemas = []
    partes = regiones(texto, nombre)
    lineas = texto.splitlines()
    for region in partes:
        dentro = "\n".join(lineas[region.inicio + 1:region.fin])
        cabecera = []
        for linea in lineas[region.inicio + 1:region.fin]:  # lo que se conserva: etiqueta y título
            if linea.strip() and not _CABECERA.match(linea.strip()):
                break
            cabecera.append(linea)
        definidos_dentro, definidos_fuera = set(), set()
        for inicio, fuente in _celdas(texto):
            if region.contiene(inicio):
                definidos_dentro |= _nombres(fuente, ast.Store)
            elif inicio < region.inicio:
                definidos_fuera |= _nombres(fuente, ast.Store)
            elif not any(r.contiene(inicio) for r in partes):
                usados = (_nombres(fuente, ast.Load) & definidos_dentro) - definidos_fuera
                if usados:
                    problemas.append(
                        f"{nombre}, línea {inicio + 1}: la celda usa {', '.join(sorted(usados))}, que solo "
                        f"define el solucionario de «{region.taller}» (línea {region.inicio + 1}); sin él "
                        "no se podría ejecutar antes del plazo. Muévelo fuera del solucionario o la celda dentro.")
                definidos_fuera |= _nombres(fuente, ast.Store)
        propias = etiquetas(dentro) - etiquetas("\n".join(cabecera))
        fuera = "\n".join(lineas[:region.inicio] + lineas[region.fin + 1:]) + "\n".join(otros_textos)
        for etiqueta in sorted(propias):
            if re.search(rf"[`<]{re.escape(etiqueta)}[`>]", fuera):
                problemas.append(f"{nombre}: se cita «{etiqueta}», que está dentro del solucionario de "
                                 f"«{region.taller}» (línea {region.inicio + 1}) y no existe antes del plazo.")
    return problemas
