"""otter-grader en el banco (``make bench``): las mismas entregas y las mismas pruebas.

``otter grade`` califica cada entrega en un contenedor de Docker, que esta máquina no tiene; se
usa ``otter run``, su modo sin contenedores, una entrega tras otra (como ``nbgrader autograde``).
Su configuración (``autograder.zip``) se construye aquí a partir del cuaderno del profesor: una
prueba de otter por función calificada, que ejecuta el código de la celda de pruebas de nbgrader
(públicas y ocultas) en el espacio de nombres del cuaderno, con los mismos puntos. ``otter run``
no tiene límite de tiempo: se detiene desde fuera a los ``limite`` segundos por entrega.
"""
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psutil

from solutions.entorno import entorno_de_ordenes

PLANTILLA_PRUEBA = '''OK_FORMAT = False

from otter.test_files import test_case

name = {nombre!r}
points = {puntos!r}
CODIGO = {codigo!r}


@test_case(points={puntos!r}, hidden=False)
def prueba(env):
    exec(compile(CODIGO, {nombre!r}, "exec"), env)
'''


def disponible():
    """Cierto si otter-grader está instalado en este entorno."""
    try:
        import otter  # noqa: F401
    except ImportError:
        return False
    return True


def version():
    from importlib.metadata import version as v
    return v("otter-grader")


def pruebas_de_nbgrader(cuaderno_profesor, funciones):
    """{funcion: (puntos, código)} de las celdas de pruebas ``<funcion>_pruebas`` del cuaderno del profesor."""
    pruebas = {}
    for celda in cuaderno_profesor["cells"]:
        meta = celda.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if gid.endswith("_pruebas") and gid[:-len("_pruebas")] in funciones:
            fuente = "".join(celda["source"]) if isinstance(celda["source"], list) else celda["source"]
            pruebas[gid[:-len("_pruebas")]] = (meta.get("points", 0), fuente)
    return pruebas


def configuracion(cuaderno_profesor, funciones, destino):
    """Escribe el ``autograder.zip`` de otter en ``destino`` (ruta del zip) y lo devuelve."""
    destino = Path(destino)
    destino.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destino, "w") as z:
        z.writestr("otter_config.json", json.dumps({"print_summary": False}))
        for funcion, (puntos, codigo) in pruebas_de_nbgrader(cuaderno_profesor, funciones).items():
            z.writestr(f"tests/{funcion}.py", PLANTILLA_PRUEBA.format(nombre=funcion, puntos=puntos, codigo=codigo))
    return destino


def ejecutar_con_limite(orden, cwd, limite):
    """Ejecuta ``orden`` en ``cwd``; True si terminó antes de ``limite`` segundos.

    Al volver no queda vivo nada de lo que lanzó. No basta con matar su grupo de procesos: los
    núcleos de Jupyter que arranca otter van en su propia sesión (jupyter_client los lanza con
    ``start_new_session``), y el de la entrega del bucle seguía gastando un núcleo durante el resto
    del banco. Por eso, si se agota el tiempo, se recogen antes todos sus descendientes (psutil) y
    se matan todos.
    """
    proceso = subprocess.Popen(orden, cwd=cwd, env=entorno_de_ordenes(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proceso.wait(timeout=limite)
        return True
    except subprocess.TimeoutExpired:
        _matar_con_descendientes(proceso)
        return False
    finally:
        try:
            os.killpg(proceso.pid, signal.SIGKILL)  # lo que hubiera quedado vivo en su grupo
        except ProcessLookupError:
            pass


def _matar_con_descendientes(proceso):
    try:
        descendientes = psutil.Process(proceso.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendientes = []
    proceso.kill()
    for hijo in descendientes:
        try:
            hijo.kill()
        except psutil.NoSuchProcess:
            pass
    proceso.wait()
    psutil.wait_procs(descendientes, timeout=10)


def _otter_run(cuaderno, zip_, salida, limite):
    """Ejecuta ``otter run`` sobre una entrega; devuelve la ruta de ``results.json`` o None si no terminó."""
    salida.mkdir(parents=True, exist_ok=True)
    orden = [str(Path(sys.executable).parent / "otter"), "run", "-a", str(zip_), "-o", str(salida), "--no-logo",
             str(cuaderno)]
    if not ejecutar_con_limite(orden, salida, limite):
        return None
    ruta = salida / "results.json"
    return ruta if ruta.is_file() else None


def notas_de_resultados(ruta, funciones):
    """{funcion: puntos} de un ``results.json`` de otter (0 en lo que no esté)."""
    datos = json.loads(Path(ruta).read_text(encoding="utf-8"))
    puntos = {}
    for prueba in datos.get("tests", []):
        nombre = str(prueba.get("name", "")).split(" - ")[0].strip()
        if nombre in funciones:
            puntos[nombre] = puntos.get(nombre, 0.0) + float(prueba.get("score") or 0)
    return {f: puntos.get(f, 0.0) for f in funciones}


def calificar(cuadernos, zip_, carpeta, funciones, limite):
    """Califica {estudiante: ruta del cuaderno} con ``otter run``, una tras otra.

    Devuelve (segundos, {estudiante: {funcion: puntos}}, [estudiantes detenidos por tiempo]).
    """
    notas, detenidas = {}, []
    inicio = time.perf_counter()
    for estudiante, cuaderno in cuadernos.items():
        ruta = _otter_run(cuaderno, zip_, Path(carpeta) / estudiante, limite)
        if ruta is None:
            detenidas.append(estudiante)
            notas[estudiante] = {f: 0.0 for f in funciones}
        else:
            notas[estudiante] = notas_de_resultados(ruta, funciones)
    return time.perf_counter() - inicio, notas, detenidas
