"""Un taller entero por el intercambio de nbgrader, con las órdenes reales del README.

Con el entorno «activado» (su bin/ en PATH, sin PYTHONPATH) y el intercambio de
``solutions/nbgrader_config.py`` (``NBGRADER_EXCHANGE``): el profesor publica, el estudiante recoge,
completa y entrega, el profesor recoge y califica con el calificador, genera y publica la
retroalimentación, y el estudiante la recibe con ``nbgrader fetch_feedback``. formgrader se abre desde
JupyterLab arrancado en la carpeta del curso, y un intercambio que no existe da un aviso en español.
Cada orden de nbgrader tarda unos 10 s en esta máquina cargada: solo se lanzan las imprescindibles.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from autograder.banco import muestras
from autograder.banco import velocidad as banco
from conftest import RAIZ, entorno_de_ordenes
from lms_comun import BIEN, TALLER

pytestmark = [pytest.mark.lenta, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
BIN = Path(sys.executable).parent


def _entorno(intercambio, casa):
    """Como tras ``source .venv/bin/activate``: el bin/ del entorno en PATH y nada en PYTHONPATH."""
    env = entorno_de_ordenes()
    env.pop("PYTHONPATH", None)
    env.update(NBGRADER_EXCHANGE=str(intercambio), HOME=str(casa))
    return env


def _nbgrader(carpeta, env, *args):
    r = subprocess.run(["nbgrader", *args], cwd=carpeta, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"nbgrader {' '.join(args)}:\n{r.stdout[-2000:]}{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def taller(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("intercambio")
    curso = banco.copiar_curso(RAIZ / "solutions", carpeta / "curso")
    intercambio = carpeta / "srv-nbgrader-exchange"
    intercambio.mkdir()
    intercambio.chmod(0o777)  # lo que hace una vez el administrador del JupyterHub
    env = _entorno(intercambio, carpeta / "casa")
    # El estudiante, en su servidor del hub: la configuración que pone el administrador.
    estudiante = carpeta / "estudiante"
    estudiante.mkdir()
    (estudiante / "nbgrader_config.py").write_text(
        "import os\nc = get_config()\nc.CourseDirectory.course_id = 'redes-neuronales'\n"
        "c.Exchange.root = os.environ.get('NBGRADER_EXCHANGE') or '/srv/nbgrader/exchange'\n", encoding="utf-8")

    # release/ es lo que deja `nbgrader generate_assignment` (lo mismo que exercises/, que genera nbgrader
    # con `make exercises`); el estudiante lo tiene de la edición pública o del hub.
    shutil.copytree(RAIZ / "exercises" / TALLER.id, curso / "release" / TALLER.id)
    _nbgrader(curso, env, "release_assignment", TALLER.id)
    shutil.copytree(RAIZ / "exercises" / TALLER.id, estudiante / TALLER.id)
    cuaderno = estudiante / TALLER.id / TALLER.cuaderno
    cuaderno.write_text(json.dumps(muestras.rellenar(json.loads(cuaderno.read_text("utf-8")), BIEN)), "utf-8")
    _nbgrader(estudiante, env, "submit", TALLER.id)
    _nbgrader(curso, env, "collect", TALLER.id)
    r = subprocess.run([sys.executable, "-m", "autograder", "calificar", TALLER.id, str(curso / "submitted"),
                        "--salida", str(carpeta / "notas"), "--curso", str(curso), "--tiempo-max", "20"],
                       cwd=RAIZ, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    _nbgrader(curso, env, "generate_feedback", TALLER.id)
    _nbgrader(curso, env, "release_feedback", TALLER.id)
    _nbgrader(estudiante, env, "fetch_feedback", TALLER.id)
    return {"curso": curso, "estudiante": estudiante, "env": env, "carpeta": carpeta}


def test_el_estudiante_recibe_su_retroalimentacion_por_el_intercambio(taller):
    recibidas = list((taller["estudiante"] / TALLER.id / "feedback").glob(f"*/{Path(TALLER.cuaderno).stem}.html"))
    assert len(recibidas) == 1
    assert "Score: 10.0 / 10.0" in recibidas[0].read_text(encoding="utf-8")


def test_formgrader_desde_jupyterlab_arrancado_en_la_carpeta_del_curso(taller):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        puerto = s.getsockname()[1]
    lab = subprocess.Popen(["jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={puerto}",
                            "--IdentityProvider.token=prueba", "--allow-root"],
                           cwd=taller["curso"], env=taller["env"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, start_new_session=True)
    try:
        for linea in lab.stderr:  # espera a que el servidor diga su dirección
            if re.search(rf"http://127\.0\.0\.1:{puerto}/lab\?token=", linea):
                break
        else:
            pytest.fail("jupyter lab no arrancó")
        threading.Thread(target=lab.stderr.read, daemon=True).start()  # que su registro nunca lo bloquee
        # jupyter_server abre el puerto en su bucle de eventos justo después de anunciar la dirección, y no
        # avisa de nada más: se reintenta la conexión mientras el servidor siga vivo.
        limite = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", puerto), timeout=5).close()
                break
            except ConnectionRefusedError:
                assert lab.poll() is None and time.monotonic() < limite, "jupyter lab no abrió su puerto"
                time.sleep(0.05)
        with urllib.request.urlopen(f"http://127.0.0.1:{puerto}/formgrader/api/assignments?token=prueba",
                                    timeout=60) as respuesta:
            tareas = json.loads(respuesta.read())
        [tarea] = [t for t in tareas if t["name"] == TALLER.id]
        assert tarea["num_submissions"] == 1
    finally:
        os.killpg(lab.pid, 15)
        lab.wait(timeout=30)


def test_nbgrader_formgrader_no_es_una_orden_y_el_readme_no_la_pide():
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    assert "nbgrader formgrader" not in readme and "nbgrader formgrade " not in readme
    assert "cd solutions" in readme and "source ../.venv/bin/activate" in readme


def test_un_intercambio_que_no_existe_da_un_aviso_en_espanol(tmp_path, monkeypatch, capsys):
    """La configuración del curso, cargada como la carga nbgrader en `nbgrader release_feedback …`."""
    from traitlets.config import Config

    monkeypatch.setenv("NBGRADER_EXCHANGE", str(tmp_path / "no-existe"))
    monkeypatch.setattr(sys, "argv", ["nbgrader", "release_feedback", TALLER.id])
    config = Config()
    codigo = (RAIZ / "solutions" / "nbgrader_config.py").read_text(encoding="utf-8")
    exec(compile(codigo, "nbgrader_config.py", "exec"), {"get_config": lambda: config, "__file__": "x"})
    assert config.Exchange.root == str(tmp_path / "no-existe")
    aviso = capsys.readouterr().err
    assert f"la carpeta del intercambio de nbgrader, {tmp_path / 'no-existe'}, no existe" in aviso
    assert f"sudo mkdir -p {tmp_path / 'no-existe'}" in aviso
    monkeypatch.setattr(sys, "argv", ["nbgrader", "release_feedback", TALLER.id, "--Exchange.root=/otra"])
    exec(compile(codigo, "nbgrader_config.py", "exec"), {"get_config": lambda: config, "__file__": "x"})
    assert capsys.readouterr().err == ""  # la carpeta la da la orden: nada que avisar de la configurada
    monkeypatch.setattr(sys, "argv", ["nbgrader", "release_feedback", TALLER.id])
    (tmp_path / "no-existe").mkdir()
    exec(compile(codigo, "nbgrader_config.py", "exec"), {"get_config": lambda: config, "__file__": "x"})
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("NBGRADER_EXCHANGE")
    exec(compile(codigo, "nbgrader_config.py", "exec"), {"get_config": lambda: config, "__file__": "x"})
    assert config.Exchange.root == "/srv/nbgrader/exchange"
