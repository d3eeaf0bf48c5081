"""La edición pública de las pruebas, preparada en un hilo desde el principio de la sesión.

`make publicar` (con la comprobación de sustitución) y el `make entorno` de una copia de la
edición en otra carpeta (crear su .venv e instalar con pip lo que fijan sus requisitos) no
dependen de ninguna otra prueba ni arrancan núcleos de Jupyter (dos procesos que los arrancan a
la vez pueden elegir el mismo puerto, jupyter_client#487). conftest.py lo empieza en cuanto sabe
que alguna prueba lo usará; las fijaciones de test_publicacion.py esperan a que termine. Con
pytest-xdist lo empieza la primera prueba que lo pide (todas van al mismo trabajador). Si la sesión
termina antes, conftest.py corta lo que siga en marcha (``detener``).

Las dos cosas van a la vez: la copia sale de otra publicación del mismo commit y la misma fecha,
sin la comprobación (un segundo), y su `make entorno` empieza enseguida, mientras dura la
comprobación. Antes del `make entorno` se toma la huella de la copia (``huella``: cada fichero y
sus bytes); test_publicacion.py exige que sea exactamente la de la edición comprobada.
"""
import atexit
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
#: A mitad de curso (calendario.yml): publicados los talleres 1–3 (el plazo del de descenso de gradiente
#: ya terminó) y el 4 aún no (se publica el 8 de marzo a las 9:00).
FECHA = "2027-03-02 10:00"

_hilo = None
_estado = {}
_publicada = threading.Event()  # `make publicar` terminó (bien o mal)
_procesos = set()  # órdenes en marcha (Popen), para cortarlas si la sesión termina antes


def entorno_limpio(base=None):
    """Entorno sin el .venv ni el PYTHONPATH del profesor (como en otra máquina)."""
    env = {k: v for k, v in (base or os.environ).items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    venv = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv)
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return env


def _ejecutar(orden, **opciones):
    """Como ``subprocess.run(capture_output=True, text=True)``, pero ``detener()`` puede cortarla.

    La orden va en su propio grupo de procesos: al cortarla se corta también lo que lanza (make → pip).
    """
    with subprocess.Popen(orden, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True, **opciones) as proceso:
        _procesos.add(proceso)
        try:
            salida, errores = proceso.communicate()
        finally:
            _procesos.discard(proceso)
    return subprocess.CompletedProcess(orden, proceso.returncode, salida, errores)


def publicar(destino, *argumentos, base=None):
    """``python -m publicacion --destino DESTINO …`` desde la raíz del repositorio."""
    return _ejecutar([sys.executable, "-m", "publicacion", "--destino", str(destino), *argumentos],
                     cwd=RAIZ, env=dict(base or os.environ, PYTHONPATH=str(RAIZ)))


def huella(carpeta):
    """{ruta relativa: (sha256 de sus bytes, ¿ejecutable?)} de cada fichero de ``carpeta`` (sin .git)."""
    ficheros = {}
    for ruta in sorted(Path(carpeta).rglob("*")):
        relativa = ruta.relative_to(carpeta)
        if ".git" in relativa.parts or ruta.is_dir():
            continue
        ficheros[relativa.as_posix()] = (hashlib.sha256(ruta.read_bytes()).hexdigest(),
                                         os.access(ruta, os.X_OK))
    return ficheros


def _crear_entorno(copia, entorno):
    try:
        _estado["copia"] = (copia, _ejecutar(["make", "entorno"], cwd=copia, env=entorno_limpio(entorno)))
    except Exception as error:
        _estado["error"] = f"{type(error).__name__}: {error}"


def _preparar(entorno):
    hilo_entorno = None
    try:
        carpeta = Path(tempfile.mkdtemp(prefix="edicion_publica_"))
        atexit.register(shutil.rmtree, carpeta, ignore_errors=True)
        # La copia, del mismo commit y con la misma fecha pero sin la comprobación: su entorno se crea
        # mientras dura la comprobación de la edición de verdad.
        copia = carpeta / "repositorio-publico" / "entrenamiento-redes-neuronales"
        rapida = publicar(copia, "--fecha", FECHA, "--sin-comprobar", base=entorno)
        if rapida.returncode == 0:
            _estado["huella de la copia"] = huella(copia)
            hilo_entorno = threading.Thread(target=_crear_entorno, args=(copia, entorno),
                                            name="entorno-de-la-copia", daemon=True)
            hilo_entorno.start()
        else:
            _estado["error"] = "la copia sin comprobar no se publicó: " + rapida.stdout + rapida.stderr
        destino = carpeta / "edicion" / "_publico"
        resultado = publicar(destino, "--fecha", FECHA, base=entorno)
        _estado["publico"] = (destino, resultado)
        if resultado.returncode == 0:
            _estado["huella de la edicion"] = huella(destino)
        _publicada.set()  # las pruebas de la edición ya pueden empezar; el entorno sigue aquí
        if hilo_entorno is not None:
            hilo_entorno.join()
    except Exception as error:  # se informa en la prueba que lo necesite, no en el hilo
        _estado["error"] = f"{type(error).__name__}: {error}"
    finally:
        _publicada.set()


def empezar():
    """Empieza a preparar la edición pública en un hilo (una sola vez por sesión).

    El hilo usa una copia del entorno de ahora: alguna prueba cambia os.environ mientras corre.
    """
    global _hilo
    if _hilo is None:
        _hilo = threading.Thread(target=_preparar, args=(dict(os.environ),), name="edicion-publica",
                                 daemon=True)
        _hilo.start()


def publicada():
    """(carpeta de la edición pública, resultado de `make publicar`)."""
    empezar()
    _publicada.wait()
    if "publico" not in _estado:
        raise RuntimeError("No se pudo preparar la edición pública: " + _estado.get("error", "?"))
    return _estado["publico"]


def copia_con_entorno():
    """(copia de la edición pública en otra carpeta, resultado de su `make entorno`)."""
    destino, resultado = publicada()
    _hilo.join()
    if "copia" not in _estado:
        raise RuntimeError("No se pudo copiar la edición pública o crear su entorno: "
                           + _estado.get("error", resultado.stdout + resultado.stderr))
    return _estado["copia"]


def huellas():
    """(huella de la copia antes de su `make entorno`, huella de la edición comprobada).

    Las dos están tomadas cuando termina `make publicar`: no hay que esperar al entorno de la copia.
    """
    publicada()
    return _estado.get("huella de la copia"), _estado.get("huella de la edicion")


def detener():
    """Corta las órdenes que sigan en marcha (sesión interrumpida): que no queden huérfanas."""
    for proceso in list(_procesos):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proceso.pid, signal.SIGKILL)
