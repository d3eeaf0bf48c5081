"""Calificación en un clúster real de Dask (``calificar --dask``).

Arranca en 127.0.0.1 un ``dask scheduler`` y dos ``dask worker`` (procesos reales), califica
una clase pequeña con la orden real, mata un trabajador mientras califica una entrega y
comprueba que el CSV y la retroalimentación son idénticos byte a byte a los del modo local.
"""
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from autograder.banco import muestras
from conftest import RAIZ, entorno_de_ordenes
from test_calificador import BIEN, MAL_BACKPROP, TALLER, base, entrega, guardar

# lenta: un planificador y dos trabajadores de Dask.
pytestmark = [pytest.mark.lenta, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
DASK = Path(sys.executable).parent / "dask"


def _clase(carpeta):
    """Ocho entregas: correctas, con errores, lentas, con un fichero de datos, rotas y hostiles."""
    lenta = "import time\ntime.sleep(2)\n"
    guardar(entrega(), carpeta / "ana.ipynb")
    guardar(entrega(despues=[lenta]), carpeta / "beto.ipynb")
    guardar(entrega({"backProp": MAL_BACKPROP, "entrenarRed": BIEN["entrenarRed"]}, despues=[lenta]),
            carpeta / "carla.ipynb")
    guardar(entrega({"backProp": BIEN["backProp"], "entrenarRed": muestras.codigo("entrenarRed_costo_tarde")},
                    despues=[lenta]), carpeta / "dario.ipynb")
    guardar(base(), carpeta / "elena.ipynb")
    guardar('{"cells": [', carpeta / "fabio.ipynb")
    # Lee un fichero de datos que viaja con la entrega al trabajador.
    guardar(entrega(antes=["with open('datos.csv') as f:\n    assert f.read() == '1,2\\n'\n"], despues=[lenta]),
            carpeta / "gema" / TALLER.cuaderno)
    (carpeta / "gema" / "datos.csv").write_text("1,2\n")
    # Intenta leer la referencia del curso y crear un proceso: el trabajador la confina igual.
    guardar(entrega(antes=[f"try:\n    open({str(RAIZ / 'solutions' / 'xor.py')!r}).read()\nexcept OSError:\n"
                           "    pass\nimport os\ntry:\n    os.fork()\nexcept OSError:\n    pass\n"], despues=[lenta]),
            carpeta / "hugo.ipynb")


def _entorno():
    env = entorno_de_ordenes()
    env["PYTHONPATH"] = str(RAIZ)
    return env


def _arrancar(orden, stderr=subprocess.DEVNULL):
    return subprocess.Popen(orden, cwd=RAIZ, env=_entorno(), stdout=subprocess.DEVNULL, stderr=stderr, text=True,
                            start_new_session=True)


class _Registro:
    """Las líneas del registro (stderr) del planificador, leídas en un hilo: se espera a las que anuncian
    un suceso (dónde escucha, qué trabajador se registró) en vez de mirar cada poco si ya pasó."""

    def __init__(self, proceso):
        self.lineas = queue.Queue()
        threading.Thread(target=self._leer, args=(proceso.stderr,), daemon=True).start()

    def _leer(self, flujo):
        for linea in flujo:  # hasta que el planificador termina; así su registro nunca lo bloquea
            self.lineas.put(linea)
        self.lineas.put(None)

    def esperar(self, patron, segundos=90):
        """El primer grupo de la primera línea nueva que casa con ``patron``."""
        limite = time.monotonic() + segundos
        while True:
            try:
                linea = self.lineas.get(timeout=max(0.0, limite - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"El planificador de Dask no escribió «{patron}» en {segundos} s.")
            if linea is None:
                pytest.fail(f"El planificador de Dask terminó sin escribir «{patron}».")
            if m := re.search(patron, linea):
                return m.group(1)


def _parar(proceso, senal=signal.SIGKILL):
    """Detiene el grupo de procesos; con SIGTERM, da 20 s para cerrar (y borrar su carpeta temporal)."""
    try:
        os.killpg(proceso.pid, senal)
        proceso.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proceso.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proceso.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Planificador y dos trabajadores en 127.0.0.1; devuelve (dirección, {nombre: proceso}).

    Se espera a lo que el planificador anuncia en su registro: la dirección en la que escucha y el
    registro de cada trabajador (lo mismo que espera ``Client.wait_for_workers``, sin otro proceso).
    """
    carpeta = tmp_path_factory.mktemp("dask")
    procesos = {"planificador": _arrancar([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                           "--no-dashboard"], stderr=subprocess.PIPE)}
    try:
        registro = _Registro(procesos["planificador"])
        direccion = registro.esperar(r"Scheduler at:\s+(tcp://\S+)")
        for nombre in ("a", "b"):
            procesos[nombre] = _arrancar([str(DASK), "worker", direccion, "--name", nombre, "--nthreads", "1",
                                          "--host", "127.0.0.1", "--no-dashboard", "--no-nanny",
                                          "--local-directory", str(carpeta / nombre)])
        registrados = {registro.esperar(r"Register worker .*\bname: (\w+)") for _ in range(2)}
        assert registrados == {"a", "b"}, registrados
        yield direccion, procesos
    finally:
        for proceso in procesos.values():
            _parar(proceso, signal.SIGTERM)


def _calificando(proceso):
    """Cierto si el trabajador tiene en marcha un proceso aislado (está calificando una entrega).

    El proceso aislado es un hijo de su servidor caliente (``servidor_fork.py``) o, si este
    falló, un ``python -I corredor.py``.
    """
    try:
        return any("corredor.py" in " ".join(p.cmdline()) or "servidor_fork.py" in " ".join(p.parent().cmdline())
                   for p in psutil.Process(proceso.pid).children(True))
    except psutil.Error:
        return False


def _ficheros(salida):
    return {str(p.relative_to(salida)): p.read_bytes() for p in sorted(salida.rglob("*"))
            if p.is_file() and ".entregas" not in p.parts}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """La clase de ``_clase`` calificada en modo local una sola vez, en un proceso que al terminar dice qué
    módulos de dask o distributed importó: la comparan con Dask la primera prueba y test_sin_dask_no_se_importa_dask.

    Es lo mismo que ``python -m autograder calificar`` (autograder/__main__.py llama a ``cli.main``).
    """
    carpeta = tmp_path_factory.mktemp("local")
    entregas, salida = carpeta / "entregas", carpeta / "local"
    _clase(entregas)
    argumentos = ["calificar", TALLER.id, str(entregas), "--salida", str(salida), "--curso", str(RAIZ / "solutions"),
                  "--sin-gradebook"]
    codigo = ("import sys\nfrom autograder import cli\n"
              f"codigo = cli.main({argumentos!r})\n"
              "assert codigo == 0\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    r = subprocess.run([sys.executable, "-c", codigo], cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True,
                       text=True, timeout=240)
    return entregas, salida, r


def test_dask_da_lo_mismo_que_local_aunque_muera_un_trabajador(tmp_path, cluster, local):
    direccion, procesos = cluster
    entregas, local, r = local
    assert r.returncode == 0, r.stderr

    remota = tmp_path / "dask"
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(entregas), "--salida", str(remota),
             "--curso", str(RAIZ / "solutions"), "--sin-gradebook", "--dask", direccion, "--desglose"]
    calificador = subprocess.Popen(orden, cwd=RAIZ, env=entorno_de_ordenes(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    try:
        limite = time.monotonic() + 120
        while not _calificando(procesos["a"]) and calificador.poll() is None and time.monotonic() < limite:
            time.sleep(0.05)
        assert _calificando(procesos["a"]), "el trabajador «a» nunca llegó a calificar una entrega"
        _parar(procesos["a"])  # muere a mitad de una entrega
        salida, errores = calificador.communicate(timeout=300)
    finally:
        if calificador.poll() is None:
            calificador.kill()
    assert calificador.returncode == 0, errores
    assert "Desglose por etapa" in salida and "memoria máxima del calificador" in salida

    assert (remota / "calificaciones.csv").read_bytes() == (local / "calificaciones.csv").read_bytes()
    assert _ficheros(remota) == _ficheros(local)  # retroalimentación y resumen, byte a byte
    filas = (remota / "calificaciones.csv").read_text(encoding="utf-8").splitlines()
    assert len(filas) == 1 + 8
    notas = {f.split(",")[0]: f.split(",")[2] for f in filas[1:]}
    assert notas["ana"] == "10" and notas["carla"] == "4" and notas["fabio"] == "0" and notas["gema"] == "10"
    assert ",sospechosa," in next(f for f in filas if f.startswith("hugo,"))


def test_un_trabajador_con_otro_curso_se_niega(tmp_path, cluster):
    """El profesor con otra versión de las pruebas ocultas: los trabajadores se niegan, en español."""
    direccion, _ = cluster
    copia = tmp_path / "otro_curso"
    shutil.copytree(RAIZ / "autograder", copia / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    # El calificador lee el calendario (plazos y retrasos) con publicacion.calendario.
    shutil.copytree(RAIZ / "publicacion", copia / "publicacion", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(RAIZ / "solutions", copia / "solutions",
                    ignore=shutil.ignore_patterns("__pycache__", "source", "release", "autograded", "submitted",
                                                  "feedback", "*.db"))
    with open(copia / "solutions" / "verificacion.py", "a", encoding="utf-8") as f:
        f.write("\n# Un caso oculto cambiado en la copia del profesor.\n")
    guardar(entrega(), tmp_path / "entregas" / "ana.ipynb")
    env = entorno_de_ordenes()
    env["PYTHONPATH"] = str(copia)
    r = subprocess.run([sys.executable, "-m", "autograder", "calificar", TALLER.id, str(tmp_path / "entregas"),
                        "--salida", str(tmp_path / "salida"), "--curso", str(RAIZ / "solutions"),
                        "--sin-gradebook", "--dask", direccion],
                       cwd=copia, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 2, r.stderr
    assert "no pueden calificar este lote" in r.stderr and "otro curso" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "salida" / "calificaciones.csv").exists()


def test_sin_direccion_valida_da_un_error_en_espanol(tmp_path):
    guardar(entrega(), tmp_path / "entregas" / "ana.ipynb")
    env = entorno_de_ordenes()
    env["DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT"] = "2s"  # el plazo de conexión de Dask (30 s por defecto)
    r = subprocess.run([sys.executable, "-m", "autograder", "calificar", TALLER.id, str(tmp_path / "entregas"),
                        "--salida", str(tmp_path / "salida"), "--sin-gradebook", "--dask", "tcp://127.0.0.1:9"],
                       cwd=RAIZ, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 2 and "no se pudo conectar con el planificador de Dask" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_sin_dask_no_se_importa_dask(local):
    """El modo local no importa dask ni distributed (una instalación sin clúster sigue calificando).

    Con la clase entera de la prueba de Dask, calificada una sola vez en modo local (fijación ``local``).
    """
    _, salida, r = local
    assert r.returncode == 0, r.stderr
    assert (salida / "calificaciones.csv").is_file()
    assert r.stdout.strip().splitlines()[-1] == "[]"
