"""``calificar --dask`` con un clúster arrancado como dice el README: sin PYTHONPATH y desde otra carpeta.

`make entorno` instala el curso en .venv (pyproject.toml, ``pip install -e .``), así que el ``dask``
del entorno abre las tareas del calificador desde cualquier carpeta. Un clúster que no puede (otro
entorno) o que pierde entregas nunca escribe una nota ni una página de retroalimentación: la orden
termina con un error en español y las entregas quedan sin calificar.
"""
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import RAIZ, entorno_de_ordenes
from test_calificador import BIEN, MAL_BACKPROP, TALLER, entrega, guardar, leer_csv
from test_calificador_dask import DASK, _parar

pytestmark = [pytest.mark.lenta, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

# Preload de Dask: el proceso no puede importar el curso, como un `dask` de otro entorno.
SIN_CURSO = '''
import sys


class _SinCurso:
    def find_spec(self, nombre, ruta=None, objetivo=None):
        if nombre.split(".")[0] in ("autograder", "solutions"):
            raise ModuleNotFoundError(f"No module named {nombre!r}", name=nombre)
        return None


sys.meta_path.insert(0, _SinCurso())
'''

# Preload de Dask: el trabajador muere con cada entrega (un nodo que se cae una y otra vez).
MUERE = '''
import os

from autograder.lote import distribuido

distribuido.calificar_paquete = lambda *args: os._exit(1)
'''


def _sin_pythonpath():
    env = entorno_de_ordenes()
    env.pop("PYTHONPATH", None)
    return env


def _direccion_escrita(fichero, planificador, segundos=60):
    """La dirección del fichero del planificador, cuando ya está escrito entero.

    Dask abre el fichero y después escribe el JSON: durante un instante existe vacío (o a medias).
    Se espera a que se lea entero, no solo a que exista.
    """
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        try:
            return json.loads(fichero.read_text())["address"]
        except (OSError, ValueError, KeyError):
            if planificador.poll() is not None:
                pytest.fail(f"El planificador de Dask terminó (código {planificador.returncode}) sin escribir {fichero.name}.")
            time.sleep(0.1)
    pytest.fail(f"El planificador de Dask no escribió {fichero.name} entero en {segundos} s.")


class _Cluster:
    """Planificador y un trabajador en 127.0.0.1, lanzados desde ``carpeta`` y sin PYTHONPATH."""

    def __init__(self, carpeta, preload_planificador=None, preload_trabajador=None, nanny=False, env=None):
        self.carpeta, self.procesos = carpeta, []
        try:
            self._arrancar_todo(preload_planificador, preload_trabajador, nanny, env)
        except BaseException:  # un clúster que no llega a arrancar no deja procesos
            self.__exit__()
            raise

    def _arrancar_todo(self, preload_planificador, preload_trabajador, nanny, env):
        carpeta = self.carpeta
        carpeta.mkdir(parents=True, exist_ok=True)
        fichero = carpeta / "planificador.json"
        env = {**_sin_pythonpath(), **(env or {})}
        orden = [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                 "--scheduler-file", str(fichero)]
        if preload_planificador:
            orden += ["--preload", self._escribir("planificador_preload.py", preload_planificador)]
        self._arrancar(orden, env)
        self.direccion = _direccion_escrita(fichero, self.procesos[-1])
        orden = [str(DASK), "worker", self.direccion, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                 "--nanny" if nanny else "--no-nanny", "--local-directory", str(carpeta / "trabajador")]
        if preload_trabajador:
            orden += ["--preload", self._escribir("trabajador_preload.py", preload_trabajador)]
        self._arrancar(orden, env)
        espera = ("import sys\nfrom distributed import Client\n"
                  "with Client(sys.argv[1], timeout='30s') as cliente:\n"
                  "    cliente.wait_for_workers(1, timeout=90)\n")
        subprocess.run([sys.executable, "-c", espera, self.direccion], check=True, timeout=150, cwd=carpeta,
                       env=_sin_pythonpath(), capture_output=True)

    def _escribir(self, nombre, texto):
        ruta = self.carpeta / nombre
        ruta.write_text(texto, encoding="utf-8")
        return str(ruta)

    def _arrancar(self, orden, env):
        self.procesos.append(subprocess.Popen(orden, cwd=self.carpeta, env=env, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, start_new_session=True))

    def __enter__(self):
        return self

    def __exit__(self, *error):
        for proceso in reversed(self.procesos):
            _parar(proceso)


def _calificar(entregas, salida, direccion):
    """La orden del README, desde la raíz del repositorio con el entorno (sin PYTHONPATH)."""
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(entregas), "--salida", str(salida),
             "--sin-gradebook", "--dask", direccion]
    return subprocess.run(orden, cwd=RAIZ, env=_sin_pythonpath(), capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def clase(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("clase")
    guardar(entrega(), carpeta / "ana.ipynb")
    guardar(entrega({"backProp": MAL_BACKPROP, "entrenarRed": BIEN["entrenarRed"]}), carpeta / "carla.ipynb")
    return carpeta


def test_el_fichero_del_planificador_se_lee_cuando_esta_escrito_entero(tmp_path):
    # Como Dask (scheduler.py: open(..., "w") y luego json.dump): el fichero existe vacío antes del JSON.
    fichero = tmp_path / "planificador.json"
    escritor = subprocess.Popen([sys.executable, "-c", (
        "import json, sys, time\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    f.flush(); time.sleep(1.0)\n"
        "    json.dump({'address': 'tcp://127.0.0.1:8786'}, f)\n"
        "time.sleep(30)\n"), str(fichero)])
    try:
        while not fichero.exists():
            time.sleep(0.01)
        assert fichero.read_text() == ""
        assert _direccion_escrita(fichero, escritor) == "tcp://127.0.0.1:8786"
    finally:
        escritor.kill()
        escritor.wait()


def test_un_planificador_que_muere_sin_escribir_el_fichero_se_dice_enseguida(tmp_path):
    muerto = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    muerto.wait()
    inicio = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match="terminó \\(código 3\\)"):
        _direccion_escrita(tmp_path / "planificador.json", muerto)
    assert time.monotonic() - inicio < 5


def test_dask_como_dice_el_readme_sin_pythonpath_desde_otra_carpeta(tmp_path, clase):
    with _Cluster(tmp_path / "cluster") as cluster:
        r = _calificar(clase, tmp_path / "notas", cluster.direccion)
    assert r.returncode == 0, r.stderr[-3000:]
    filas = leer_csv(tmp_path / "notas" / "calificaciones.csv")
    assert {e: (f["puntos"], f["estado"]) for e, f in filas.items()} == {"ana": ("10", "ok"), "carla": ("4", "ok")}


def test_un_planificador_sin_el_curso_no_escribe_notas_ni_retroalimentacion(tmp_path, clase):
    with _Cluster(tmp_path / "cluster", preload_planificador=SIN_CURSO) as cluster:
        r = _calificar(clase, tmp_path / "notas", cluster.direccion)
    assert r.returncode == 2, r.stderr[-3000:]
    assert "el clúster de Dask no puede cargar el calificador del curso" in r.stderr
    assert "make entorno" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "notas" / "calificaciones.csv").exists()
    assert not list((tmp_path / "notas").rglob("*.html"))


def test_entregas_que_el_cluster_pierde_quedan_sin_calificar(tmp_path, clase):
    # Sin reintentos: al primer trabajador muerto con una entrega, Dask la da por perdida (KilledWorker).
    with _Cluster(tmp_path / "cluster", preload_trabajador=MUERE, nanny=True,
                  env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}) as cluster:
        r = _calificar(clase, tmp_path / "notas", cluster.direccion)
    assert r.returncode == 2, r.stderr[-3000:]
    assert "2 entregas no se pudieron calificar en el clúster de Dask (ana, carla" in r.stderr, r.stderr[-3000:]
    assert "No se ha escrito su nota ni su retroalimentación" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "notas" / "calificaciones.csv").exists()
    assert not list((tmp_path / "notas").rglob("*.html"))
    assert not list((tmp_path / "notas").rglob("*.json"))  # nada guardado como calificado en .entregas/
