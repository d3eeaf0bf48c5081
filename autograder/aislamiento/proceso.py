"""El proceso aislado en marcha: lanzarlo, hablarle con plazos y matar su grupo de procesos.

Es ``python -I corredor.py`` en una carpeta de intento nueva o, en un trabajador caliente, un
hijo del servidor de procesos calientes (``SERVIDOR``). ``Proceso`` es la base de ``sesion.Sesion``,
que decide qué se le envía y qué de lo que dice vale.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from . import mensajes
from .carpeta import _carpeta_de_intento, entorno_minimo, rutas_de_lectura
from .mensajes import Lector

GRACIA = 3.0  # segundos de margen sobre el límite interno antes de matar el proceso
_ACTIVOS = set()  # procesos aislados en marcha (para matarlos si se interrumpe el lote)
SERVIDOR = None  # servidor_fork.Servidor del lote en curso (trabajadores calientes), o None
CANCELADO = threading.Event()


class Cancelado(BaseException):
    """El lote se interrumpió: la entrega en curso no se guarda (se calificará al repetir la orden)."""


def matar_todos():
    """Cancela el lote y mata los grupos de procesos aislados en marcha (tras un Ctrl-C)."""
    CANCELADO.set()
    for proceso in list(_ACTIVOS):
        try:
            os.killpg(proceso.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Proceso:
    """Un proceso aislado para la carpeta de una entrega: lanzamiento, mensajes con plazo y muerte."""

    def __init__(self, carpeta, limites):
        self.carpeta, self.limites = carpeta, limites
        self.con_referencia = False  # el proceso en marcha ya recibió resultados de referencia
        self.inicio = time.monotonic()
        self.proceso = None
        self.lanzamientos = 0
        self.base = carpeta

    def _limite_total(self):
        return self.inicio + self.limites.tiempo_total

    def _lanzar(self):
        lim = self.limites
        if self.lanzamientos:
            shutil.rmtree(self.base, ignore_errors=True)
        self.base = _carpeta_de_intento(self.carpeta, self.lanzamientos)
        self.lanzamientos += 1
        r_ordenes, w_ordenes = os.pipe()
        r_mensajes, w_mensajes = os.pipe()
        paquetes = str(self.carpeta / "paquetes")
        cfg = {"memoria": lim.memoria, "cpu": int(lim.tiempo_total) + 5, "fichero": lim.fichero,
               "landlock": lim.landlock, "lectura": rutas_de_lectura() + [paquetes], "paquetes": paquetes,
               "escritura": [str(self.base / s) for s in ("trabajo", "home", "tmp")] + ["/dev/null"]}
        self.con_referencia = False
        salida = open(self.carpeta / "salida.txt", "ab")
        self.proceso = None
        try:
            if SERVIDOR is not None:  # trabajador caliente: un hijo nuevo del servidor que ya importó numpy
                try:
                    self.proceso = SERVIDOR.lanzar(self.base / "trabajo", entorno_minimo(self.base), json.dumps(cfg),
                                                   r_ordenes, w_mensajes, salida.fileno())
                except OSError:  # el servidor falló: se arranca un proceso nuevo, como siempre, con tubos
                    for fd in (r_ordenes, w_ordenes, r_mensajes, w_mensajes):  # nuevos (un hijo tardío del
                        os.close(fd)  # servidor solo vería los viejos, ya cerrados, y terminaría)
                    r_ordenes, w_ordenes = os.pipe()
                    r_mensajes, w_mensajes = os.pipe()
            self.proceso = self.proceso or subprocess.Popen(
                [sys.executable, "-I", str(self.carpeta / "corredor.py"), str(r_ordenes), str(w_mensajes),
                 json.dumps(cfg)],
                cwd=self.base / "trabajo", env=entorno_minimo(self.base), stdin=subprocess.DEVNULL,
                stdout=salida, stderr=salida, pass_fds=(r_ordenes, w_mensajes), start_new_session=True)
        finally:
            salida.close()
            os.close(r_ordenes)
            os.close(w_mensajes)
        _ACTIVOS.add(self.proceso)
        os.set_blocking(w_ordenes, False)
        self.ordenes, self.lector = w_ordenes, Lector(r_mensajes, self._presupuesto)
        if CANCELADO.is_set():
            self._matar()
            raise Cancelado()

    def _matar(self):
        if self.proceso is None:
            return
        try:
            os.killpg(self.proceso.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proceso.wait()
        _ACTIVOS.discard(self.proceso)
        self._presupuesto = self.lector.restante
        for fd in (self.ordenes, self.lector.fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proceso = None

    def _motivo_fin(self):
        try:
            codigo = self.proceso.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "el proceso dejó de responder"
        if self.con_referencia:  # el código o la señal los elige el estudiante: no llevan nada
            return "el proceso terminó de repente"
        if codigo < 0:
            nombre = signal.Signals(-codigo).name if -codigo in signal.Signals._value2member_map_ else str(-codigo)
            return f"el proceso terminó por la señal {nombre}"
        return f"el proceso terminó de repente (código {codigo}; ¿os._exit()?)"

    def _enviar(self, orden, limite=None):
        limite = min(self._limite_total(), time.monotonic() + 30 if limite is None else limite)
        mensajes.escribir(self.ordenes, (json.dumps(orden) + "\n").encode(), limite)
