"""Extracción segura de los .zip de entregas (el de la clase y los que sube cada estudiante).

Se extrae leyendo por trozos, con un límite por fichero, por estudiante y por zip, y sin ningún
nombre que pueda salir de la carpeta de destino. Los problemas de cada fichero se guardan junto
a lo extraído y ``localizar`` los anota en la entrega a la que pertenecen.
"""
import hashlib
import json
import re
import zipfile
from pathlib import Path

from .identidad import visible

MAX_ZIP = 2 * 1024 ** 3  # bytes extraídos, en total, del zip de toda la clase
MAX_ESTUDIANTE = 128 * 1024 ** 2  # bytes extraídos de los .zip de un estudiante, y de cada fichero
MAX_NOMBRE = 200  # bytes de cada parte de una ruta extraída (los sistemas de ficheros admiten 255)
IGNORAR = ("__MACOSX", ".ipynb_checkpoints")
PROBLEMAS = ".problemas-de-extraccion.json"  # en la carpeta de destino de extraer_zip


class EntregasInvalidas(Exception):
    """Error de uso con la carpeta o el zip de entregas (mensaje en español)."""




def _acortar(parte):
    """Parte de una ruta de como mucho MAX_NOMBRE bytes (conserva la extensión)."""
    if len(parte.encode("utf-8", "surrogateescape")) <= MAX_NOMBRE:
        return parte
    sufijo = Path(parte).suffix[:20]
    resumen = hashlib.sha256(parte.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    inicio = parte.encode("utf-8", "surrogateescape")[:120].decode("utf-8", "ignore")
    return f"{inicio}-{resumen}{sufijo}"


def ruta_segura(destino, nombre):
    """Ruta dentro de ``destino`` para un nombre venido de una entrega, o ``None`` si saldría de ella.

    Rechaza rutas absolutas en cualquier forma (``/x``, ``//x``, ``\\\\x``, ``C:x``), ``..``
    y caracteres nulos, y comprueba que la ruta resuelta queda dentro de ``destino``.
    """
    nombre = str(nombre).replace("\\", "/")
    if not nombre or "\x00" in nombre or nombre.startswith("/") or re.match(r"^[A-Za-z]:", nombre):
        return None
    partes = [p for p in nombre.split("/") if p not in ("", ".")]
    if not partes or ".." in partes:
        return None
    ruta = Path(destino).joinpath(*(_acortar(p) for p in partes))
    base = Path(destino).resolve()
    return ruta if base in ruta.resolve().parents else None


class _Presupuesto:
    """Bytes que aún se pueden extraer (de un estudiante o de un zip)."""

    def __init__(self, total):
        self.restante = total


def _copiar_miembro(archivo, info, salida, presupuestos):
    """Copia un miembro por trozos; devuelve un problema (texto) o ``None``."""
    limite = min(p.restante for p in presupuestos)
    escritos = 0
    with archivo.open(info) as origen, open(salida, "wb") as fichero:
        while trozo := origen.read(1 << 20):
            escritos += len(trozo)
            if escritos > limite:
                break
            fichero.write(trozo)
    if escritos > limite:
        salida.unlink()
        return "descomprimido supera el espacio permitido; no se extrajo"
    for p in presupuestos:
        p.restante -= escritos
    return None


def _extraer_miembro(archivo, info, destino, presupuestos):
    """Extrae un miembro; devuelve un problema (texto) o ``None``."""
    partes = info.filename.replace("\\", "/").split("/")
    if info.is_dir() or any(p in IGNORAR for p in partes) or partes[-1].startswith("."):
        return None
    salida = ruta_segura(destino, info.filename)
    if salida is None:
        return "tiene una ruta que saldría de la carpeta de extracción; se ignoró"
    try:
        salida.parent.mkdir(parents=True, exist_ok=True)
        if salida.exists():
            return "está repetido en el .zip; se usó el primero"
        return _copiar_miembro(archivo, info, salida, presupuestos)
    except NotImplementedError:  # antes que RuntimeError, de la que hereda
        problema = "usa un método de compresión no admitido; comprímelo de nuevo en formato .zip estándar"
    except RuntimeError:
        problema = "está cifrado (con contraseña); comprímelo de nuevo sin contraseña"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        problema = "está dañado; vuelve a comprimirlo y a subirlo"
    except OSError as error:
        problema = f"no se pudo escribir ({error.strerror or error})"
    salida.unlink(missing_ok=True)
    return problema


def _extraer(ruta, destino, presupuesto=None):
    """Extrae un .zip en ``destino``; devuelve [(miembro, problema)]. ``EntregasInvalidas`` si no es un zip."""
    try:
        archivo = zipfile.ZipFile(ruta)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise EntregasInvalidas(f"«{visible(Path(ruta).name)}» no es un fichero .zip válido.") from None
    Path(destino).mkdir(parents=True, exist_ok=True)
    presupuestos = [_Presupuesto(MAX_ZIP if presupuesto is None else MAX_ESTUDIANTE)]
    if presupuesto is not None:
        presupuestos.append(presupuesto)
    problemas = []
    with archivo:
        for info in archivo.infolist():
            problema = _extraer_miembro(archivo, info, Path(destino), presupuestos)
            if problema:
                problemas.append((info.filename, problema))
    return problemas


def extraer_zip(ruta, destino):
    """Extrae un .zip de entregas de forma segura; los problemas de cada fichero los recoge ``localizar``."""
    problemas = _extraer(ruta, destino)
    (Path(destino) / PROBLEMAS).write_text(json.dumps(problemas, ensure_ascii=True), encoding="utf-8")
    return Path(destino)


def _problemas_de(carpeta_zip, hijo):
    """Problemas de extracción (textos) de los ficheros del zip de la clase que caen en ``hijo``."""
    try:
        problemas = json.loads((Path(carpeta_zip) / PROBLEMAS).read_text(encoding="utf-8"))
        relativa = hijo.relative_to(carpeta_zip).as_posix()
    except (OSError, ValueError):
        return []
    dentro = [m for m, _ in problemas if m.replace("\\", "/").lstrip("/") == relativa
              or m.replace("\\", "/").lstrip("/").startswith(relativa + "/")]
    return [f"«{visible(m)}» del .zip {p}." for m, p in problemas if m in dentro]
