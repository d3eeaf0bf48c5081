"""Carpeta, entorno y rutas de lectura del proceso aislado (lado del calificador).

Cada entrega tiene una carpeta propia con los programas del proceso aislado copiados
(``FICHEROS``), los paquetes del entorno del estudiante y una plantilla de la que sale una
carpeta de trabajo nueva en cada lanzamiento; el proceso solo puede leer ``rutas_de_lectura``.
"""
import functools
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import solutions.ejecucion

AQUI = Path(__file__).resolve().parent
RAIZ = AQUI.parents[1]  # el repositorio del curso: el proceso aislado nunca puede leerlo
#: Paquetes del entorno del estudiante que no están en site-packages: se copian a la carpeta de
#: cada entrega (en solo lectura para el proceso aislado; nunca una ruta dentro del curso).
PAQUETES = {"herramientas": RAIZ / "herramientas"}
FICHEROS = {"corredor.py": AQUI / "corredor.py", "codec.py": AQUI / "codec.py",
            "restricciones.py": AQUI / "restricciones.py", "vigilante.py": AQUI / "vigilante.py",
            "ejecucion.py": Path(solutions.ejecucion.__file__).resolve()}


def _bibliotecas_cargadas():
    """Carpetas de las bibliotecas compartidas que tiene cargadas este proceso (libc, libm…)."""
    carpetas = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as mapas:
            for linea in mapas:
                ruta = linea.split(maxsplit=5)[-1].strip() if linea.count(" ") >= 5 else ""
                if ruta.startswith("/") and ".so" in os.path.basename(ruta):
                    carpetas.add(os.path.dirname(ruta))
    except OSError:
        pass
    return carpetas


@functools.lru_cache(maxsize=1)
def rutas_de_lectura():
    """Rutas que el proceso aislado puede leer: nunca el curso ni una carpeta que lo contenga.

    El intérprete, su biblioteca estándar (con lib-dynload), los site-packages del entorno y
    las carpetas de las bibliotecas del sistema que el intérprete y numpy cargan, además de
    ``/etc/localtime``, ``/etc/ld.so.cache`` y ``/dev/urandom``. Ni ``/usr`` entero, ni ``/etc``,
    ni ``/home``: un curso instalado en ``/usr/src/app`` queda fuera.
    """
    caminos = sysconfig.get_paths()
    rutas = {os.path.realpath(sys.executable), sys.executable, "/etc/localtime", "/etc/ld.so.cache",
             "/dev/urandom", caminos["stdlib"], caminos["platstdlib"], caminos["purelib"], caminos["platlib"],
             os.path.join(caminos["platstdlib"], "lib-dynload")}
    rutas |= {r for r in site.getsitepackages() if os.path.isdir(r)}
    rutas |= _bibliotecas_cargadas()
    rutas |= {os.path.realpath(r) for r in rutas}
    prohibidas = [os.path.realpath(r) for r in (RAIZ, tempfile.gettempdir())]
    return sorted(r for r in rutas if os.path.exists(r) and not any(  # ni el curso ni lo que lo contiene
        p == r or p.startswith(r.rstrip("/") + "/") for p in prohibidas))


def entorno_minimo(carpeta):
    return {
        "HOME": str(carpeta / "home"), "TMPDIR": str(carpeta / "tmp"),
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(carpeta / "home" / ".matplotlib"),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def preparar_carpeta(carpeta, cache_matplotlib=None, datos=()):
    """Carpeta del proceso aislado: programas y paquetes copiados y la plantilla de cada intento.

    La plantilla (fuera del alcance del proceso aislado) tiene la caché de fuentes de
    matplotlib y los ficheros de datos de la entrega (``datos``: [(ruta relativa, origen)]).
    Cada lanzamiento empieza con una copia nueva de ella: nada de un intento llega al siguiente.
    """
    carpeta.mkdir(parents=True)
    for nombre, origen in FICHEROS.items():
        shutil.copyfile(origen, carpeta / nombre)
    for nombre, origen in PAQUETES.items():
        shutil.copytree(origen, carpeta / "paquetes" / nombre, ignore=shutil.ignore_patterns("__pycache__"))
    plantilla = carpeta / "plantilla"
    for sub in ("trabajo", "home/.matplotlib"):
        (plantilla / sub).mkdir(parents=True)
    for fichero in Path(cache_matplotlib).glob("fontlist-*.json") if cache_matplotlib else ():
        shutil.copyfile(fichero, plantilla / "home" / ".matplotlib" / fichero.name)
    for relativa, origen in datos:
        destino = plantilla / "trabajo" / relativa
        destino.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origen, destino, follow_symlinks=False)
    return carpeta


def _carpeta_de_intento(carpeta, numero):
    """Carpeta nueva (trabajo, home, tmp) para un lanzamiento, copiada de la plantilla."""
    base = carpeta / f"i{numero}"
    plantilla = carpeta / "plantilla"
    for sub in ("trabajo", "home"):
        if (plantilla / sub).is_dir():
            shutil.copytree(plantilla / sub, base / sub, symlinks=True)
        else:
            (base / sub).mkdir(parents=True)
    (base / "tmp").mkdir()
    return base


def crear_cache_matplotlib(carpeta):
    """Construye una vez por lote la caché de fuentes de matplotlib (ahorra ~1 s por entrega que dibuja)."""
    try:
        import matplotlib

        propia = Path(matplotlib.get_cachedir())
        if list(propia.glob("fontlist-*.json")):
            return propia  # la del usuario del calificador sirve: mismas fuentes del sistema
    except Exception:  # sin caché propia, se construye una
        pass
    carpeta = Path(carpeta)
    (carpeta / "home" / ".matplotlib").mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager"], cwd=carpeta,
                       env=entorno_minimo(carpeta), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.SubprocessError):
        pass
    return carpeta / "home" / ".matplotlib"
