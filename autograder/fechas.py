"""Fecha de cada entrega: la de ``timestamp.txt`` (nbgrader), la de la descarga del LMS o la del fichero.

Las fechas se guardan en UTC, sin zona, como las guarda nbgrader en su gradebook; en los
ficheros se escriben con el formato de ``timestamp.txt`` de nbgrader
(``2025-03-03 14:05:00.000000 UTC``).
"""
import os
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

FORMATO_NBGRADER = "%Y-%m-%d %H:%M:%S.%f UTC"


def fechar_desde_zip(ruta_zip, destino):
    """Da a cada fichero extraído de ``ruta_zip`` en ``destino`` la fecha que tenía en el zip.

    Moodle y Canvas guardan en el zip de «Descargar todas las entregas» la fecha de cada fichero
    entregado; ``extraer_zip`` no la conserva. La hora del zip es local (sin zona).
    """
    try:
        with zipfile.ZipFile(ruta_zip) as archivo:
            infos = archivo.infolist()
    except (zipfile.BadZipFile, OSError):
        return
    destino = Path(destino)
    for info in infos:
        partes = PurePosixPath(info.filename.replace("\\", "/")).parts
        if not partes or ".." in partes or partes[0] in ("/", ""):
            continue
        ruta = destino.joinpath(*partes)
        if ruta.is_file() and not ruta.is_symlink():
            try:
                segundos = time.mktime(info.date_time + (0, 0, -1))
                os.utime(ruta, (segundos, segundos))
            except (OverflowError, ValueError, OSError):
                continue


def leer_timestamp(texto):
    """Fecha (UTC, sin zona) de un ``timestamp.txt`` de nbgrader, o ``None``."""
    # Como nbgrader.utils.parse_utc, pero sin importar nbgrader: su paquete importa nbgrader.api
    # y, con el gradebook abierto en otro hilo, la importación quedaba a medias (ImportError).
    from dateutil import parser

    try:
        fecha = parser.parse(texto.strip())
    except (ValueError, OverflowError):  # formato desconocido: se usará la fecha del fichero
        return None
    if fecha.tzinfo is not None:
        fecha = fecha.astimezone(timezone.utc).replace(tzinfo=None)
    return fecha


def fecha_de_entrega(cuaderno, carpeta_estudiante=None):
    """Fecha de entrega de un cuaderno: ``timestamp.txt`` junto a él (o en su carpeta), o su fecha."""
    cuaderno = Path(cuaderno)
    candidatos = [cuaderno.parent / "timestamp.txt"]
    if carpeta_estudiante is not None:
        candidatos.append(Path(carpeta_estudiante) / "timestamp.txt")
    for ruta in candidatos:
        if ruta.is_file() and not ruta.is_symlink():
            try:
                fecha = leer_timestamp(ruta.read_text(encoding="utf-8", errors="replace")[:200])
            except OSError:
                fecha = None
            if fecha is not None:
                return fecha
    return datetime.fromtimestamp(cuaderno.stat().st_mtime, timezone.utc).replace(tzinfo=None)


def texto_fecha(fecha):
    """``2025-03-03 14:05:00 UTC``: lo que se escribe en el CSV y en la hoja de cálculo."""
    return fecha.strftime("%Y-%m-%d %H:%M:%S UTC") if fecha else ""
