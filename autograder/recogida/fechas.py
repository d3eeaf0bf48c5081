"""Fecha de cada entrega: la de ``timestamp.txt`` (nbgrader), la de la descarga del LMS o la del fichero.

Solo vale el ``timestamp.txt`` que escribe nbgrader, en la disposición de su intercambio
(``<estudiante>/<taller>/timestamp.txt``, ver ``entregas.Entrega.marca``); uno que el estudiante sube
junto a su cuaderno (en Moodle o Canvas) no cuenta. Una fecha fuera de rango se ignora con un aviso.

Las fechas se guardan en UTC, sin zona, como las guarda nbgrader en su gradebook; en los
ficheros se escriben con el formato de ``timestamp.txt`` de nbgrader
(``2025-03-03 14:05:00.000000 UTC``).
"""
import os
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from ..texto import limpio

FORMATO_NBGRADER = "%Y-%m-%d %H:%M:%S.%f UTC"
# Fuera de este intervalo una fecha es un error o una trampa (y Excel no escribe fechas anteriores a 1900).
FECHA_MIN, FECHA_MAX = datetime(1970, 1, 1), datetime(2100, 1, 1)


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
    """Fecha (UTC, sin zona) de un ``timestamp.txt`` de nbgrader, o ``None`` si no es una fecha válida."""
    # Como nbgrader.utils.parse_utc, pero sin importar nbgrader: su paquete importa nbgrader.api
    # y, con el gradebook abierto en otro hilo, la importación quedaba a medias (ImportError).
    from dateutil import parser

    try:
        fecha = parser.parse(texto.strip())
        if fecha.tzinfo is not None:  # «0001-01-01 00:00:00+14:00» no cabe en UTC: OverflowError
            fecha = fecha.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, TypeError):
        return None
    return fecha


def en_rango(fecha):
    """Cierto si ``fecha`` (UTC, sin zona) puede ser una fecha de entrega (entre 1970 y 2100)."""
    return fecha is not None and FECHA_MIN <= fecha < FECHA_MAX


def _fecha_de_marca(marca):
    """(fecha, aviso) del ``timestamp.txt`` que escribió nbgrader; (None, aviso) si no sirve."""
    try:
        texto = Path(marca).read_text(encoding="utf-8", errors="replace")[:200]
    except OSError:
        return None, None
    fecha = leer_timestamp(texto)
    if en_rango(fecha):
        return fecha, None
    return None, (f"El timestamp.txt de nbgrader dice «{limpio(texto.strip())[:60]}», que no es una fecha "
                  "válida o está fuera de rango: se ignora y se usa la fecha del fichero.")


def fecha_de_entrega(cuaderno, marca=None):
    """(fecha, aviso) de un cuaderno: la de ``marca`` (el timestamp.txt que escribió nbgrader), si la hay, o
    la del fichero (la que tenía en el zip del LMS). Nunca se lee un timestamp.txt subido por el estudiante."""
    fecha, aviso = None, None
    if marca is not None and Path(marca).is_file() and not Path(marca).is_symlink():
        fecha, aviso = _fecha_de_marca(marca)
    if fecha is None:
        try:
            fecha = datetime.fromtimestamp(Path(cuaderno).stat().st_mtime, timezone.utc).replace(tzinfo=None)
        except (OverflowError, ValueError, OSError):
            fecha = None
        fecha = fecha if en_rango(fecha) else None
    return fecha, aviso


def texto_fecha(fecha):
    """``2025-03-03 14:05:00 UTC``: lo que se escribe en el CSV y en la hoja de cálculo."""
    return fecha.strftime("%Y-%m-%d %H:%M:%S UTC") if fecha else ""
