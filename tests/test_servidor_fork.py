"""Trabajadores calientes: el servidor de bifurcación crea un proceso aislado nuevo por entrega.

Se comprueba con procesos reales que cada hijo del servidor queda tan confinado como un
proceso recién arrancado (seccomp, Landlock, límites), que nada de un estudiante llega al
siguiente (módulos, numpy, variables de entorno, ficheros) y que un lote arranca un solo
proceso con ``subprocess`` (el servidor), no uno por entrega.
"""
import json
import os
import signal
import subprocess

import pytest

from autograder.aislamiento import proceso
from autograder.aislamiento import sesion as aislamiento
from autograder.aislamiento import restricciones
from autograder.lote.local import Lote
from autograder.aislamiento.servidor_fork import Servidor
from conftest import RAIZ
from test_calificador import TALLER, entrega, guardar

# nbgrader y matplotlib avisan de usos obsoletos que no son nuestros.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CONTAMINAR = """
import os, sys, builtins
import numpy as np
np.SECRETO = 1
np.allclose = lambda *a, **k: True
builtins.SECRETO = 1
os.environ["SECRETO"] = "1"
sys.modules["SECRETO"] = sys
open("rastro.txt", "w").write("1")
"""

COMPROBAR = """
import os, sys, builtins
import numpy as np
restos = [n for n, hay in (("np.SECRETO", hasattr(np, "SECRETO")), ("builtins", hasattr(builtins, "SECRETO")),
          ("entorno", "SECRETO" in os.environ), ("módulo", "SECRETO" in sys.modules),
          ("fichero", os.path.exists("rastro.txt")), ("allclose", np.allclose(1, 2)))
          if hay]
raise RuntimeError(f"padre={os.getppid()} restos={restos} ficheros={sorted(os.listdir('.'))}")
"""


@pytest.fixture
def servidor(tmp_path, monkeypatch):
    servidor = Servidor.arrancar(tmp_path / "servidor")
    assert servidor is not None
    monkeypatch.setattr(proceso, "SERVIDOR", servidor)

    def prohibido(*args, **kwargs):
        raise AssertionError("con el servidor no se arranca ningún proceso con subprocess")

    monkeypatch.setattr(subprocess, "Popen", prohibido)
    yield servidor
    servidor.cerrar()


def _ejecutar(tmp_path, nombre, celdas):
    carpeta = aislamiento.preparar_carpeta(tmp_path / nombre)
    return aislamiento.Sesion(carpeta, aislamiento.Limites(tiempo_celda=20, tiempo_total=60)).ejecutar(
        [(str(i), c) for i, c in enumerate(celdas)], [])


def test_un_hijo_recien_lanzado_ya_se_puede_matar_con_su_grupo(tmp_path, servidor):
    """Un Ctrl-C justo tras lanzar una entrega la mata: cuando el calificador recibe el pid, el hijo
    ya encabeza su grupo (killpg lo encuentra). Antes, el servidor daba el pid antes del setsid()
    del hijo: killpg fallaba casi siempre y la entrega seguía hasta el final."""
    cfg = json.dumps({"memoria": 2 * 1024 ** 3, "cpu": 60, "fichero": 1024 ** 2, "landlock": False,
                      "lectura": [], "escritura": []})
    for i in range(30):
        base = tmp_path / f"e{i}"
        for sub in ("trabajo", "home", "tmp"):
            (base / sub).mkdir(parents=True)
        r_ordenes, w_ordenes = os.pipe()
        r_mensajes, w_mensajes = os.pipe()
        nulo = os.open(os.devnull, os.O_WRONLY)
        hijo = servidor.lanzar(base / "trabajo", aislamiento.entorno_minimo(base), cfg, r_ordenes, w_mensajes, nulo)
        for fd in (r_ordenes, w_mensajes, nulo):
            os.close(fd)
        try:
            os.killpg(hijo.pid, signal.SIGKILL)  # lo mismo que aislamiento.matar_todos()
        except ProcessLookupError:
            os.kill(hijo.pid, signal.SIGKILL)  # para no dejarlo vivo esperando órdenes
            pytest.fail(f"lanzamiento {i}: el hijo aún no tenía su propio grupo de procesos")
        finally:
            codigo = hijo.wait(timeout=30)
            os.close(w_ordenes)
            os.close(r_mensajes)
        assert codigo == -signal.SIGKILL


def test_nada_de_un_estudiante_llega_al_siguiente(tmp_path, servidor):
    primero = _ejecutar(tmp_path, "a", [CONTAMINAR])
    assert primero.celdas["0"]["error"] is None, primero.celdas
    segundo = _ejecutar(tmp_path, "b", [COMPROBAR])
    error = segundo.celdas["0"]["error"]
    assert f"padre={servidor.proceso.pid}" in error, error  # nació del servidor caliente
    assert "restos=[]" in error and "ficheros=[]" in error, error


def test_cada_hijo_queda_confinado_antes_del_codigo_del_estudiante(tmp_path, servidor):
    celdas = ["import os\nos.fork()", "import socket\nsocket.socket()",
              f"open({str(RAIZ / 'solutions' / 'xor.py')!r}).read()", "import resource\n"
              "raise RuntimeError(resource.getrlimit(resource.RLIMIT_AS))"]
    ejecucion = _ejecutar(tmp_path, "a", celdas)
    errores = [ejecucion.celdas[str(i)]["error"] for i in range(len(celdas))]
    assert "Operation not permitted" in errores[0] and "Operation not permitted" in errores[1], errores
    if restricciones.abi() >= 1:
        assert "Permission denied" in errores[2], errores
    assert f"({2 * 1024 ** 3}, {2 * 1024 ** 3})" in errores[3], errores
    assert any("intenta acceder" in e for e in ejecucion.eventos), ejecucion.eventos


def test_un_hijo_que_muere_se_relanza_desde_el_servidor(tmp_path, servidor):
    ejecucion = _ejecutar(tmp_path, "a", ["import os\nos._exit(3)", "x = 1"])
    assert "código 3" in ejecucion.celdas["0"]["error"] and ejecucion.celdas["1"]["error"] is None
    assert servidor.proceso.poll() is None  # el servidor sigue vivo para el siguiente


def test_un_lote_arranca_un_solo_proceso_con_subprocess(tmp_path, monkeypatch):
    for nombre in ("ana", "beto", "carla"):
        guardar(entrega(), tmp_path / "entregas" / f"{nombre}.ipynb")
    from autograder.recogida.entregas import localizar

    original, lanzados = subprocess.Popen, []

    def contar(orden, *args, **kwargs):
        lanzados.append(os.path.basename(orden[2]) if len(orden) > 2 else orden)
        return original(orden, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", contar)
    fuente = RAIZ / "solutions" / "source" / TALLER.id / TALLER.cuaderno
    resultados = Lote(TALLER, localizar(tmp_path / "entregas", TALLER), tmp_path / "salida", fuente,
                      trabajos=2).ejecutar()
    assert [r["puntos"] for r in resultados] == [10, 10, 10], [(r["estado"], r["detalle"]) for r in resultados]
    assert lanzados.count("servidor_fork.py") == 1 and "corredor.py" not in lanzados, lanzados


def test_si_el_servidor_muere_se_arranca_un_proceso_nuevo(tmp_path, monkeypatch):
    servidor = Servidor.arrancar(tmp_path / "servidor")
    monkeypatch.setattr(proceso, "SERVIDOR", servidor)
    servidor.proceso.kill()
    servidor.proceso.wait()
    ejecucion = _ejecutar(tmp_path, "a", ["import os\nraise RuntimeError(f'padre={os.getppid()}')"])
    assert f"padre={os.getpid()}" in ejecucion.celdas["0"]["error"], ejecucion.celdas  # python -I corredor.py
    with pytest.raises(OSError):
        servidor.lanzar(tmp_path, {}, "{}", 0, 1, 2)


def test_cada_hijo_nace_con_matplotlib_importado_y_sigue_confinado(tmp_path, servidor):
    """El servidor importa numpy y matplotlib una vez; el hijo dibuja sin importarlos y sin salir de su carpeta."""
    ya = ("import sys\nya = [m for m in ('numpy.random', 'numpy.testing', 'matplotlib.pyplot') "
          "if m in sys.modules]")
    dibujar = ("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\n"
               "ax.set_title('Costo')\nfig.savefig('curva.png')\nimport os\n"
               "raise RuntimeError(f'ya={ya} png={os.path.getsize(\"curva.png\") > 1000}')")
    fuera = "import matplotlib\nopen(matplotlib.get_configdir() + '/rastro', 'w')"
    ejecucion = _ejecutar(tmp_path, "a", [ya, dibujar, fuera])
    assert ejecucion.celdas["0"]["error"] is None, ejecucion.celdas
    error = ejecucion.celdas["1"]["error"]
    assert "ya=['numpy.random', 'numpy.testing', 'matplotlib.pyplot'] png=True" in error, error
    if restricciones.abi() >= 1:  # la carpeta de configuración es la del servidor: no se puede escribir
        assert "Permission denied" in ejecucion.celdas["2"]["error"], ejecucion.celdas
    assert not list((tmp_path / "servidor").rglob("rastro"))


def test_lo_que_un_estudiante_cambia_en_matplotlib_no_llega_al_siguiente(tmp_path, servidor):
    cambiar = ("import matplotlib, matplotlib.pyplot as plt\nmatplotlib.rcParams['lines.linewidth'] = 99\n"
               "plt.figure(num='del primero')\nplt.ANOTADO = 1")
    mirar = ("import matplotlib, matplotlib.pyplot as plt\nraise RuntimeError(f\"ancho={matplotlib.rcParams"
             "['lines.linewidth']} figuras={plt.get_figlabels()} anotado={hasattr(plt, 'ANOTADO')}\")")
    primero = _ejecutar(tmp_path, "a", [cambiar])
    assert primero.celdas["0"]["error"] is None, primero.celdas
    error = _ejecutar(tmp_path, "b", [mirar]).celdas["0"]["error"]
    assert "ancho=1.5 figuras=[] anotado=False" in error, error
