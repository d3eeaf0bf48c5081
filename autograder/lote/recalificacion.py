"""Recalificar en una carpeta de salida ya usada: se actualizan los estudiantes que llegan y se
conservan los demás.

Cada calificación guarda sus filas completas (nombre, correo, fecha, retraso…) y las opciones con
las que devolvió las notas (``--lista``, ``--moodle``, ``--escala``, ``--canvas``…) en
``DIR/.calificacion.json``. Al calificar otra vez en ``DIR`` el mismo taller (por ejemplo, una
entrega tardía o corregida), las entregas que se encuentran ahora sustituyen a sus filas y las
demás se conservan; el CSV, el xlsx, el resumen y los ficheros de Moodle y Canvas se reescriben con
todas. Un estudiante de la lista de clase sin entrega ahora no borra su fila anterior.
``--desde-cero`` olvida la calificación anterior (y borra sus ficheros) y empieza de nuevo.
"""
import csv
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ESTADO = ".calificacion.json"
VERSION = 1
#: Lo que escribe una calificación en DIR (lo que borra --desde-cero); .entregas/ (la caché por huella) queda.
FICHEROS = ("calificaciones.csv", "calificaciones.xlsx", "resumen.html", "notas.png", "funciones.png", ESTADO)
CARPETAS = ("retroalimentacion", "moodle", "canvas")
#: Opciones de ``calificar`` que se recuerdan para devolver las notas de toda la clase otra vez.
OPCIONES = ("lista", "moodle", "escala", "canvas", "canvas_columna")
FICHEROS_DE_OPCIONES = ("lista", "moodle", "canvas")


class SalidaDeOtroTaller(Exception):
    """La carpeta de salida ya tiene las notas de otro taller (mensaje en español)."""


@dataclass
class Anterior:
    """La calificación guardada en una carpeta de salida."""

    taller: str
    resultados: dict = field(default_factory=dict)  # estudiante -> resultado
    opciones: dict = field(default_factory=dict)
    completa: bool = True  # False: hay calificaciones.csv pero no sus filas completas (versión anterior)


def _taller_del_csv(ruta):
    try:
        with open(ruta, encoding="utf-8", newline="") as fichero:
            fila = next(csv.DictReader(fichero), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return (fila or {}).get("taller") or None


def leer(salida, taller_id, desde_cero=False):
    """La calificación anterior de ``salida`` (``None`` si no hay o con ``desde_cero``).

    Lanza ``SalidaDeOtroTaller`` si la carpeta tiene las notas de otro taller (salvo ``desde_cero``).
    """
    salida = Path(salida)
    anterior = None
    try:
        datos = json.loads((salida / ESTADO).read_text(encoding="utf-8"))
        resultados = {r["estudiante"]: r for r in datos["resultados"]}
        for r in resultados.values():
            r["fecha"] = datetime.fromisoformat(r["fecha"]) if r.get("fecha") else None
        anterior = Anterior(datos["taller"], resultados, datos.get("opciones", {}))
    except (OSError, ValueError, KeyError, TypeError):
        taller_csv = _taller_del_csv(salida / "calificaciones.csv")
        if taller_csv is not None:
            anterior = Anterior(taller_csv, completa=False)
    if anterior is None:
        return None
    if anterior.taller != taller_id and not desde_cero:
        raise SalidaDeOtroTaller(
            f"la carpeta «{salida}» ya tiene las notas del taller «{anterior.taller}», no de «{taller_id}». "
            f"Elige otra carpeta para --salida (por ejemplo, notas-{taller_id}/), o añade --desde-cero para "
            "borrar esas notas y empezar de nuevo en ella.")
    return None if desde_cero else anterior


def empezar_de_cero(salida):
    """Borra de ``salida`` lo que escribió la calificación anterior (no la caché ``.entregas/``)."""
    salida = Path(salida)
    for nombre in FICHEROS:
        (salida / nombre).unlink(missing_ok=True)
    for nombre in CARPETAS:
        if (salida / nombre).is_dir() and not (salida / nombre).is_symlink():
            shutil.rmtree(salida / nombre, ignore_errors=True)


def recordar_opciones(args, anterior):
    """Completa en ``args`` las opciones de devolver notas que no se dieron ahora con las de la calificación
    anterior (si sus ficheros siguen ahí); devuelve el texto para el profesor, o ``None``."""
    if anterior is None or not anterior.opciones:
        return None
    recordadas = []
    canvas_dado = bool(args.canvas or args.canvas_columna)
    for clave in OPCIONES:
        valor = anterior.opciones.get(clave)
        if valor is None or getattr(args, clave) is not None:
            continue
        if clave.startswith("canvas") and canvas_dado:
            continue
        if clave in FICHEROS_DE_OPCIONES and not Path(valor).is_file():
            continue
        if clave == "canvas_columna" and args.canvas is None:
            continue
        setattr(args, clave, valor)
        recordadas.append(f"--{clave.replace('_', '-')} {valor}")
    if not recordadas:
        return None
    return "Se usan de nuevo las opciones de la calificación anterior: " + ", ".join(recordadas) + "."


def combinar(anterior, resultados, encontrados):
    """(resultados de toda la clase, texto para el profesor o ``None``).

    ``encontrados``: los estudiantes con entrega en esta calificación; sus filas sustituyen a las
    anteriores. Las filas vacías que añade la lista de clase no sustituyen a ninguna.
    """
    if anterior is None or not anterior.completa:
        return resultados, None
    todos = dict(anterior.resultados)
    recalificadas = nuevas = 0
    for r in resultados:
        estudiante = r["estudiante"]
        if estudiante in encontrados:
            recalificadas += estudiante in todos
            nuevas += estudiante not in todos
            todos[estudiante] = r
        elif estudiante not in todos:
            todos[estudiante] = r
    conservadas = len(anterior.resultados) - recalificadas
    texto = (f"{recalificadas} {'entrega recalificada' if recalificadas == 1 else 'entregas recalificadas'}"
             + (f", {nuevas} {'nueva' if nuevas == 1 else 'nuevas'}" if nuevas else "")
             + f"; {conservadas} {'conservada' if conservadas == 1 else 'conservadas'} de la calificación anterior "
               "(--desde-cero para empezar de nuevo).")
    return sorted(todos.values(), key=lambda r: r["estudiante"]), texto


def aviso_incompleta(anterior, salida):
    """Aviso si la carpeta tiene una calificación anterior cuyas filas no se pueden conservar."""
    if anterior is None or anterior.completa:
        return None
    return (f"Aviso: la calificación anterior de «{salida}» es de una versión del calificador que no guardaba "
            "sus filas completas: no se pueden conservar y se sustituyen por las de ahora. Si faltan "
            "estudiantes, califica otra vez todas las entregas.")


def guardar(salida, taller_id, resultados, args, escribir_atomico):
    """Guarda las filas completas y las opciones de devolver notas en ``salida/.calificacion.json``."""
    filas = []
    for r in resultados:
        fila = dict(r)
        fila["fecha"] = r["fecha"].isoformat() if r.get("fecha") else None
        filas.append(fila)
    opciones = {}
    for clave in OPCIONES:
        valor = getattr(args, clave, None)
        if valor is not None and clave in FICHEROS_DE_OPCIONES:
            valor = str(Path(valor).resolve())
        opciones[clave] = valor
    escribir_atomico(Path(salida) / ESTADO, json.dumps(
        {"version": VERSION, "taller": taller_id, "opciones": opciones, "resultados": filas},
        ensure_ascii=False, indent=1, default=str))
