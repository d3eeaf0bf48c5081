"""Ayudantes de las pruebas del circuito con Moodle, Canvas y nbgrader (tests/test_lms_*.py)."""
import csv
import inspect
import io
import json
import subprocess
import sys

from autograder.banco import muestras
from conftest import RAIZ, entorno_de_ordenes
from solutions import xor
from solutions.talleres import TALLERES

TALLER = TALLERES["xor-retropropagacion"]
CUADERNO = RAIZ / "exercises" / TALLER.id / TALLER.cuaderno
BIEN = {"backProp": inspect.getsource(xor.backProp), "entrenarRed": inspect.getsource(xor.entrenarRed)}
MAL = {"backProp": muestras.codigo("backProp_sin_promedio"), "entrenarRed": BIEN["entrenarRed"]}  # 4 de 10


def cuaderno(soluciones=BIEN):
    """Texto JSON del cuaderno del estudiante con ``soluciones``."""
    nb = muestras.rellenar(json.loads(CUADERNO.read_text(encoding="utf-8")), soluciones)
    return json.dumps(nb, ensure_ascii=False, indent=1)


def calificar(entregas, salida, *extra, timeout=300):
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(entregas), "--salida", str(salida),
             *extra]
    entorno = entorno_de_ordenes()
    entorno["TZ"] = "UTC"  # las horas de los zip no tienen zona: se leen como hora local
    return subprocess.run(orden, cwd=RAIZ, env=entorno, capture_output=True, text=True, timeout=timeout)


def filas_csv(datos, bom=None):
    """Filas de un CSV en bytes, comprobando (si se pide) que lleva o no BOM."""
    if bom is not None:
        assert datos.startswith(b"\xef\xbb\xbf") == bom
    return list(csv.reader(io.StringIO(datos.decode("utf-8-sig"), newline="")))


def calificaciones(salida):
    with open(salida / "calificaciones.csv", encoding="utf-8") as f:
        return {fila["estudiante"]: fila for fila in csv.DictReader(f)}
