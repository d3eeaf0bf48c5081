"""Trabajadores calientes: un servidor con numpy y matplotlib ya importados crea por fork cada proceso aislado.

Arrancar ``python -I`` e importar numpy cuesta ~0,1 s por entrega, y matplotlib
otros 0,4 s en las que dibujan. El servidor (``python -I servidor_fork.py``, en
su propia carpeta temporal y con el entorno mínimo) lo hace una vez (``PRECARGA``
y los módulos del corredor); luego, por cada lanzamiento que le pide el calificador,
se bifurca: el hijo abre una sesión nueva, se queda solo con sus descriptores
(órdenes, mensajes y salida), cambia a su carpeta de trabajo y a su entorno y
ejecuta ``corredor.main``, que se limita, renuncia a sus capacidades y se
encierra (Landlock, seccomp) antes de ejecutar nada del estudiante, como un
proceso recién arrancado. El servidor nunca ejecuta código de un estudiante y
ningún proceso se reutiliza: cada hijo nace de la misma imagen limpia, así que
nada de un estudiante llega al siguiente.

El calificador habla con el servidor por un par de sockets Unix (se le pasan
los descriptores con SCM_RIGHTS); por cada hijo el servidor devuelve su pid y
el extremo de lectura de un tubo donde escribe su código de salida al recogerlo.
Si el servidor falla, el calificador vuelve a lanzar ``python -I corredor.py``.
"""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading

MAX_PETICION = 1 << 20


def _recibir(conexion, maximo=4):
    datos, fds, _, _ = socket.recv_fds(conexion, MAX_PETICION, maximo)
    return datos, fds


# --- Lado del servidor (se ejecuta como programa con python -I, solo biblioteca estándar y numpy) ---

def _hijo(peticion, fds, corredor, en_sesion):
    """En el hijo recién bifurcado: sesión, descriptores, carpeta y entorno; luego ``corredor.main``.

    ``en_sesion``: tubo por el que avisa al servidor de que ya encabeza su propio grupo de procesos.
    """
    try:
        os.setsid()
        os.close(en_sesion)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        ordenes, mensajes, salida = fds
        nulo = os.open(os.devnull, os.O_RDONLY)
        altos = [os.dup(fd) for fd in (nulo, salida, ordenes, mensajes)]  # por si ya ocupan 0–4
        for destino, fd in zip((0, 1, 2, 3, 4), (altos[0], altos[1], altos[1], altos[2], altos[3])):
            os.dup2(fd, destino)
        os.closerange(5, os.sysconf("SC_OPEN_MAX") if os.sysconf("SC_OPEN_MAX") > 0 else 65536)
        os.chdir(peticion["cwd"])
        os.environ.clear()
        os.environ.update(peticion["env"])
        import numpy as np

        np.random.seed()  # semilla nueva por hijo, como en un proceso recién arrancado
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
        sys.argv = [corredor.__file__, "3", "4", peticion["cfg"]]
        corredor.main()
    except BaseException:
        pass
    os._exit(70)


#: Lo que cada hijo encuentra ya importado: numpy y lo que importan los cuadernos y sus pruebas (las
#: comprobaciones del cuaderno, np.testing y matplotlib con su caché de fuentes: ~0,4 s por entrega que dibuja).
PRECARGA = ("numpy", "numpy.random", "numpy.testing", "contextlib", "inspect", "io", "math", "re", "traceback",
            "warnings", "matplotlib", "matplotlib.pyplot")


def precargar(ruta_corredor):
    """Importa ``PRECARGA`` (lo que falte en este entorno se deja: el hijo lo importará si lo necesita)
    y carga el corredor de ``ruta_corredor`` con sus módulos; devuelve el corredor."""
    import gc
    import importlib
    import importlib.util

    for nombre in PRECARGA:
        try:
            importlib.import_module(nombre)
        except Exception:
            pass
    spec = importlib.util.spec_from_file_location("corredor", ruta_corredor)
    corredor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corredor)
    corredor.precargar()
    gc.freeze()  # el recolector de cada hijo no recorre (ni copia) los objetos heredados
    return corredor


def servir(fd, ruta_corredor):
    """Bucle del servidor: atiende peticiones por el socket ``fd`` hasta que el calificador lo cierra."""
    corredor = precargar(ruta_corredor)  # una vez por servidor: cada hijo nace con todo ya importado

    conexion = socket.socket(fileno=fd)
    despertador_r, despertador_w = os.pipe()
    os.set_blocking(despertador_w, False)
    signal.set_wakeup_fd(despertador_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    tubos = {}  # pid -> extremo de escritura del tubo de su código de salida
    while True:
        listos, _, _ = select.select([conexion, despertador_r], [], [])
        if despertador_r in listos:
            os.read(despertador_r, 4096)
            while True:
                try:
                    pid, estado = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                w = tubos.pop(pid, None)
                if w is not None:
                    os.write(w, str(os.waitstatus_to_exitcode(estado)).encode())
                    os.close(w)
        if conexion in listos:
            datos, fds = _recibir(conexion)
            if not datos:
                return
            peticion = json.loads(datos)
            r, w = os.pipe()
            sesion_r, sesion_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                os.close(sesion_r)
                _hijo(peticion, fds, corredor, sesion_w)
            for fd in (*fds, sesion_w):
                os.close(fd)
            # El pid se entrega cuando el hijo ya encabeza su grupo (setsid): el calificador lo mata
            # con killpg, que antes de eso no lo encontraría (y el hijo seguiría vivo tras un Ctrl-C).
            os.read(sesion_r, 1)  # vuelve al cerrar el hijo su extremo (o al morir)
            os.close(sesion_r)
            tubos[pid] = w
            socket.send_fds(conexion, [json.dumps({"pid": pid}).encode()], [r])
            os.close(r)


# --- Lado del calificador ---

class ProcesoHijo:
    """Lo que ``Sesion`` usa de un ``subprocess.Popen`` para un hijo del servidor: pid, wait()."""

    def __init__(self, pid, tubo):
        self.pid, self.tubo, self.returncode = pid, tubo, None

    def wait(self, timeout=None):
        if self.returncode is None:
            listos, _, _ = select.select([self.tubo], [], [], timeout)
            if not listos:
                raise subprocess.TimeoutExpired("corredor", timeout)
            texto = os.read(self.tubo, 64)
            os.close(self.tubo)
            self.returncode = int(texto) if texto.strip().lstrip(b"-").isdigit() else -9
        return self.returncode

    def poll(self):
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None


class Servidor:
    """El servidor de bifurcación de un lote (o de un trabajador de Dask): ``lanzar`` crea un hijo."""

    def __init__(self, carpeta, programas, entorno):
        """Arranca ``programas/servidor_fork.py`` (copia fuera del curso) en ``carpeta``."""
        propio, suyo = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        corredor = os.path.join(programas, "corredor.py")
        self._cerrojo = threading.Lock()
        self.roto = False
        self.proceso = subprocess.Popen(
            [sys.executable, "-I", os.path.join(programas, "servidor_fork.py"), str(suyo.fileno()), corredor],
            cwd=carpeta,
            env=entorno,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(suyo.fileno(),), start_new_session=True)
        suyo.close()
        self.conexion = propio

    def lanzar(self, cwd, env, cfg, ordenes, mensajes, salida):
        """Un proceso aislado nuevo (``ProcesoHijo``); ``OSError`` si el servidor falla.

        Tras un fallo el servidor no se vuelve a usar (se cierra su conexión y termina): una
        respuesta tardía nunca se confunde con la de otro lanzamiento.
        """
        peticion = json.dumps({"cwd": str(cwd), "env": env, "cfg": cfg}).encode()
        with self._cerrojo:
            if self.roto or self.proceso.poll() is not None:
                raise OSError("el servidor de procesos calientes terminó")
            try:
                socket.send_fds(self.conexion, [peticion], [ordenes, mensajes, salida])
                listos, _, _ = select.select([self.conexion], [], [], 30)
                if not listos:
                    raise OSError("el servidor de procesos calientes no responde")
                datos, fds = _recibir(self.conexion, 1)
                if not datos or len(fds) != 1:
                    for fd in fds:
                        os.close(fd)
                    raise OSError("respuesta inválida del servidor de procesos calientes")
                return ProcesoHijo(int(json.loads(datos)["pid"]), fds[0])
            except (OSError, ValueError, KeyError, TypeError) as error:
                self.roto = True
                self.conexion.close()
                raise OSError(str(error)) from None

    @classmethod
    def arrancar(cls, carpeta, cache_matplotlib=None):
        """Servidor con sus programas (corredor y módulos) copiados en ``carpeta``, o ``None`` si no arranca.

        ``cache_matplotlib``: carpeta con la caché de fuentes (``fontlist-*.json``) que el servidor
        usa al importar matplotlib; sin ella, la construiría él.
        """
        import shutil
        from pathlib import Path

        from .carpeta import FICHEROS, entorno_minimo

        carpeta = Path(carpeta)
        try:
            for sub in ("programas", "home/.matplotlib", "tmp"):
                (carpeta / sub).mkdir(parents=True, exist_ok=True)
            for nombre, origen in {**FICHEROS, "servidor_fork.py": Path(__file__)}.items():
                shutil.copyfile(origen, carpeta / "programas" / nombre)
            for fichero in Path(cache_matplotlib).glob("fontlist-*.json") if cache_matplotlib else ():
                shutil.copyfile(fichero, carpeta / "home" / ".matplotlib" / fichero.name)
            return cls(carpeta, carpeta / "programas", entorno_minimo(carpeta))
        except OSError:
            return None

    def cerrar(self):
        try:
            self.conexion.close()  # el servidor termina al ver cerrada la conexión
        finally:
            try:
                self.proceso.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proceso.kill()
                self.proceso.wait()


if __name__ == "__main__":
    servir(int(sys.argv[1]), sys.argv[2])
