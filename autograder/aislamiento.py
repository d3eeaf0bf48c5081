"""Lanza y dirige el proceso aislado de una entrega (lado del calificador).

El proceso aislado es ``python -I corredor.py`` en una carpeta temporal propia,
con un entorno mínimo, límites de ``resource``, sin capacidades de root y
encerrado con Landlock cuando el núcleo lo permite. El calificador le envía
órdenes y lee sus mensajes (JSON) con plazos: si una celda o un caso no
responde a tiempo, o el proceso muere, se mata su grupo de procesos y se
relanza saltando esa celda o ese caso, hasta ``INTENTOS`` veces.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import solutions.ejecucion

AQUI = Path(__file__).resolve().parent
FICHEROS = {"corredor.py": AQUI / "corredor.py", "codec.py": AQUI / "codec.py",
            "restricciones.py": AQUI / "restricciones.py",
            "ejecucion.py": Path(solutions.ejecucion.__file__).resolve()}
INTENTOS = 4
GRACIA = 3.0  # segundos de margen sobre el límite interno antes de matar el proceso
MAX_LINEA = 64 * 1024 * 1024
_ACTIVOS = set()  # procesos aislados en marcha (para matarlos si se interrumpe el lote)
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


@dataclass
class Limites:
    tiempo_celda: float = 60.0
    tiempo_total: float = 600.0
    memoria: int = 2 * 1024 ** 3
    fichero: int = 64 * 1024 ** 2
    landlock: bool = True


@dataclass
class Ejecucion:
    """Lo que se sabe tras ejecutar una entrega en el proceso aislado."""

    celdas: dict = field(default_factory=dict)  # etiqueta -> {"error": str|None, "tiempo": bool}
    casos: dict = field(default_factory=dict)  # id -> mensaje de respuesta
    eventos: list = field(default_factory=list)
    caidas: list = field(default_factory=list)
    avisos: list = field(default_factory=list)
    agotado: bool = False


class _Caida(Exception):
    def __init__(self, motivo, tiempo=False):
        super().__init__(motivo)
        self.motivo, self.tiempo = motivo, tiempo


def rutas_de_lectura():
    """Rutas que el proceso aislado puede leer: sistema e intérprete con sus paquetes."""
    rutas = ["/usr", "/lib", "/lib64", "/bin", "/etc/localtime", "/dev/urandom",
             sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    rutas += [os.path.realpath(r) for r in rutas]
    return sorted(set(rutas))


def entorno_minimo(carpeta):
    return {
        "HOME": str(carpeta / "home"), "TMPDIR": str(carpeta / "tmp"),
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(carpeta / "home" / ".matplotlib"),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


class _Lector:
    def __init__(self, fd):
        self.fd, self.buffer, self.abierto = fd, b"", True

    def leer(self, limite):
        """Siguiente mensaje; ``_Caida`` si vence ``limite`` (time.monotonic) o se cierra."""
        while b"\n" not in self.buffer:
            if not self.abierto:
                raise _Caida("fin")
            restante = limite - time.monotonic()
            if restante <= 0:
                raise _Caida("tiempo", tiempo=True)
            listos, _, _ = select.select([self.fd], [], [], restante)
            if not listos:
                continue
            trozo = os.read(self.fd, 1 << 20)
            if not trozo:
                self.abierto = False
                continue
            self.buffer += trozo
            if len(self.buffer) > MAX_LINEA:
                raise _Caida("envió un mensaje demasiado grande")
        linea, self.buffer = self.buffer.split(b"\n", 1)
        try:
            mensaje = json.loads(linea)
        except (ValueError, RecursionError):
            raise _Caida("envió datos ilegibles al calificador") from None
        if not isinstance(mensaje, dict):
            raise _Caida("envió datos ilegibles al calificador")
        return mensaje


def _escribir(fd, datos, limite):
    vista = memoryview(datos)
    while vista:
        restante = limite - time.monotonic()
        if restante <= 0:
            raise _Caida("tiempo", tiempo=True)
        _, listos, _ = select.select([], [fd], [], restante)
        if listos:
            try:
                escrito = os.write(fd, vista[:65536])
            except (BrokenPipeError, OSError):
                raise _Caida("fin") from None
            vista = vista[escrito:]


def preparar_carpeta(carpeta, cache_matplotlib=None):
    """Carpeta del proceso aislado: programas copiados, subcarpetas y la caché de fuentes de matplotlib."""
    carpeta.mkdir(parents=True)
    for nombre, origen in FICHEROS.items():
        shutil.copyfile(origen, carpeta / nombre)
    for sub in ("trabajo", "home", "tmp", "home/.matplotlib"):
        (carpeta / sub).mkdir()
    for fichero in Path(cache_matplotlib).glob("fontlist-*.json") if cache_matplotlib else ():
        shutil.copyfile(fichero, carpeta / "home" / ".matplotlib" / fichero.name)
    return carpeta


def crear_cache_matplotlib(carpeta):
    """Construye una vez por lote la caché de fuentes de matplotlib (ahorra ~1 s por entrega que dibuja)."""
    try:
        import matplotlib

        propia = Path(matplotlib.get_cachedir())
        if list(propia.glob("fontlist-*.json")):
            return propia  # la del usuario del calificador sirve: mismas fuentes del sistema
    except Exception:  # sin caché propia, se construye una
        pass
    carpeta = Path(carpeta)
    (carpeta / "home" / ".matplotlib").mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager"], cwd=carpeta,
                       env=entorno_minimo(carpeta), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.SubprocessError):
        pass
    return carpeta / "home" / ".matplotlib"


class Sesion:
    """Ejecuta un programa (celdas) y sus fases de casos en procesos aislados."""

    def __init__(self, carpeta, limites):
        self.carpeta, self.limites = carpeta, limites
        self.resultado = Ejecucion()
        self.inicio = time.monotonic()
        self.proceso = None

    def _limite_total(self):
        return self.inicio + self.limites.tiempo_total

    def _lanzar(self):
        lim = self.limites
        r_ordenes, w_ordenes = os.pipe()
        r_mensajes, w_mensajes = os.pipe()
        cfg = {"memoria": lim.memoria, "cpu": int(lim.tiempo_total) + 5, "fichero": lim.fichero,
               "landlock": lim.landlock, "lectura": rutas_de_lectura(),
               "escritura": [str(self.carpeta / s) for s in ("trabajo", "home", "tmp")] + ["/dev/null"]}
        salida = open(self.carpeta / "salida.txt", "ab")
        try:
            self.proceso = subprocess.Popen(
                [sys.executable, "-I", str(self.carpeta / "corredor.py"), str(r_ordenes), str(w_mensajes),
                 json.dumps(cfg)],
                cwd=self.carpeta / "trabajo", env=entorno_minimo(self.carpeta), stdin=subprocess.DEVNULL,
                stdout=salida, stderr=salida, pass_fds=(r_ordenes, w_mensajes), start_new_session=True)
        finally:
            salida.close()
            os.close(r_ordenes)
            os.close(w_mensajes)
        _ACTIVOS.add(self.proceso)
        os.set_blocking(w_ordenes, False)
        self.ordenes, self.lector = w_ordenes, _Lector(r_mensajes)
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
        if codigo < 0:
            nombre = signal.Signals(-codigo).name if -codigo in signal.Signals._value2member_map_ else str(-codigo)
            return f"el proceso terminó por la señal {nombre}"
        return f"el proceso terminó de repente (código {codigo}; ¿os._exit()?)"

    def _enviar(self, orden):
        _escribir(self.ordenes, (json.dumps(orden) + "\n").encode(), min(self._limite_total(), time.monotonic() + 30))

    def _recibir(self, plazo):
        while True:
            mensaje = self.lector.leer(min(self._limite_total(), time.monotonic() + plazo))
            if mensaje.get("tipo") == "evento":
                texto = str(mensaje.get("texto", ""))[:300]
                if texto not in self.resultado.eventos and len(self.resultado.eventos) < 20:
                    self.resultado.eventos.append(texto)
                continue
            return mensaje

    def ejecutar(self, celdas, fases):
        """Ejecuta ``celdas`` [(etiqueta, código)] y luego cada fase {"fuentes", "casos"}."""
        saltar = set()
        plazo = self.limites.tiempo_celda + GRACIA
        for _ in range(INTENTOS):
            if time.monotonic() >= self._limite_total():
                self.resultado.agotado = True
                break
            actual = None  # ("celda", etiqueta) o ("caso", id)
            self._lanzar()
            try:
                mensaje = self._recibir(30)
                if mensaje.get("tipo") != "inicio":
                    raise _Caida("no arrancó correctamente")
                for aviso in mensaje.get("avisos", []):
                    if str(aviso) not in self.resultado.avisos:
                        self.resultado.avisos.append(str(aviso)[:200])
                self._enviar({"tiempo_max": self.limites.tiempo_celda,
                              "celdas": [c for c in celdas if c[0] not in saltar]})
                while True:
                    mensaje = self._recibir(plazo)
                    tipo = mensaje.get("tipo")
                    if tipo == "celda":
                        actual = ("celda", mensaje.get("i"))
                    elif tipo == "celda_fin" and len(self.resultado.celdas) < 2000:
                        self.resultado.celdas[str(mensaje.get("i"))[:40]] = {
                            "error": mensaje.get("error"), "tiempo": bool(mensaje.get("tiempo"))}
                        actual = None
                    elif tipo == "listo":
                        break
                previas = []  # pruebas públicas ya hechas en otro intento: comparten variables con las demás
                for fase in fases:
                    pendientes = [c for c in fase["casos"] if c["id"] not in self.resultado.casos]
                    publicas = [p for p in fase.get("publicas", []) if p["id"] not in self.resultado.casos]
                    if not pendientes and not publicas:
                        previas += fase.get("publicas", [])
                        continue
                    hechas = [p for p in fase.get("publicas", []) if p not in publicas]
                    self._enviar({"tipo": "fase", "fuentes": fase["fuentes"], "casos": pendientes,
                                  "publicas": publicas, "previas": previas + hechas})
                    previas = []
                    pendientes = pendientes + publicas
                    while True:
                        mensaje = self._recibir(plazo)
                        tipo = mensaje.get("tipo")
                        if tipo == "caso_inicio":
                            actual = ("caso", mensaje.get("id"))
                        elif tipo == "caso" and mensaje.get("id") in {c["id"] for c in pendientes}:
                            self.resultado.casos.setdefault(mensaje["id"], mensaje)
                            actual = None
                        elif tipo == "fase_fin":
                            break
                self._enviar({"tipo": "fin"})
                self._matar()
                return self.resultado
            except _Caida as caida:
                if CANCELADO.is_set():
                    self._matar()
                    raise Cancelado() from None
                motivo = caida.motivo
                if motivo == "tiempo" and time.monotonic() >= self._limite_total():
                    self.resultado.agotado = True
                    motivo = f"superó el tiempo total por entrega ({self.limites.tiempo_total:g} s)"
                elif motivo == "tiempo":
                    motivo = f"no respondió en {self.limites.tiempo_celda:g} s"
                elif motivo == "fin":
                    motivo = self._motivo_fin()
                self._matar()
                if actual and actual[0] == "celda":
                    saltar.add(actual[1])
                    self.resultado.celdas[str(actual[1])] = {"error": motivo, "tiempo": caida.tiempo,
                                                            "caida": True}
                    self.resultado.caidas.append(f"celda {actual[1]}: {motivo}")
                elif actual and actual[0] == "caso":
                    self.resultado.casos[actual[1]] = {"tipo": "caso", "id": actual[1], "caida": motivo,
                                                      "tiempo": caida.tiempo}
                    self.resultado.caidas.append(f"un caso de prueba: {motivo}")
                else:
                    self.resultado.caidas.append(motivo)
                    if self.resultado.agotado:
                        break
                    if not self.resultado.celdas and not self.resultado.casos:
                        break
        return self.resultado
