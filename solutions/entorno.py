"""Entorno para lanzar órdenes externas del curso (nbgrader, jupyter-book)."""
import os
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]


def entorno_de_ordenes():
    """Copia del entorno con el bin/ de este Python en PATH y la raíz del repositorio en PYTHONPATH.

    nbgrader llama a `alembic` como subproceso y las pruebas ocultas importan `solutions`.
    """
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = f"{RAIZ}{os.pathsep}{env.get('PYTHONPATH', '')}".rstrip(os.pathsep)
    env.setdefault("LANG", "C.UTF-8")
    env.setdefault("LC_ALL", "C.UTF-8")
    return env
