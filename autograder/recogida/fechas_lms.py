"""Fechas de entrega que da el LMS y que no están en el propio cuaderno.

- Un cuaderno subido dentro de un ``.zip`` (Moodle lo permite) se extrae con la fecha de
  extracción; su fecha de entrega es la que el LMS dio a ese ``.zip`` (la que tiene en la descarga
  de «Descargar todas las entregas»), nunca la que el estudiante dejó dentro de su ``.zip``.
- La hoja de calificaciones de Moodle trae la fecha de cada entrega en «Última modificación
  (entrega)» / «Last modified (submission)», con el formato de fecha largo del idioma del profesor
  (``lunes, 3 de marzo de 2025, 14:05`` o ``Monday, 3 March 2025, 2:05 PM``) y en su zona horaria,
  que aquí es la del calendario del curso. Cuando la da, es la fecha de la entrega.
"""
import os
import re
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

from .fechas import en_rango

MESES = {
    **{m: i for i, m in enumerate(("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                   "septiembre", "octubre", "noviembre", "diciembre"), start=1)},
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"), start=1)},
    "setiembre": 9,
}
_FECHA = re.compile(r"(\d{1,2})\s+(?:de\s+)?([a-z]+)\.?,?\s+(?:de\s+)?(\d{4}),?\s+(?:a\s+las\s+)?"
                    r"(\d{1,2}):(\d{2})(?::\d{2})?\s*(am|pm|a\s*\.?\s*m\.?|p\s*\.?\s*m\.?)?", re.I)


def heredar_fecha(zip_subido, carpeta):
    """Da a cada fichero de ``carpeta`` (lo extraído de ``zip_subido``) la fecha del propio ``.zip``."""
    try:
        segundos = Path(zip_subido).stat().st_mtime
    except OSError:
        return
    for ruta in Path(carpeta).rglob("*"):
        if ruta.is_file() and not ruta.is_symlink():
            try:
                os.utime(ruta, (segundos, segundos))
            except OSError:
                continue


def _sin_tildes(texto):
    return unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode().lower()


def fecha_de_hoja(texto, zona):
    """Fecha (UTC, sin zona) de una celda «Última modificación (entrega)» de Moodle, o ``None``.

    ``zona``: la zona horaria en la que escribe Moodle (la del calendario del curso); ``None``, la
    del sistema. «-», una celda vacía o un texto que no es una fecha dan ``None``.
    """
    coincide = _FECHA.search(_sin_tildes(texto or ""))
    if not coincide:
        return None
    dia, mes, anio, hora, minuto, meridiano = coincide.groups()
    if mes not in MESES:
        return None
    hora = int(hora)
    if meridiano:
        tarde = meridiano.replace(" ", "").replace(".", "") == "pm"
        if not 1 <= hora <= 12:
            return None
        hora = hora % 12 + (12 if tarde else 0)
    try:
        local = datetime(int(anio), MESES[mes], int(dia), hora, int(minuto))
    except ValueError:
        return None
    con_zona = local.replace(tzinfo=zona) if zona is not None else local.astimezone()
    fecha = con_zona.astimezone(timezone.utc).replace(tzinfo=None)
    return fecha if en_rango(fecha) else None
