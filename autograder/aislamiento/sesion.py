"""Lanza y dirige el proceso aislado de una entrega (lado del calificador).

El proceso aislado es ``python -I corredor.py`` en una carpeta temporal propia,
con un entorno mínimo, límites de ``resource``, sin capacidades de root y
encerrado con Landlock cuando el núcleo lo permite. El calificador le envía
órdenes y lee sus mensajes (JSON) con plazos: si una celda o un caso no
responde a tiempo, o el proceso muere, se mata su grupo de procesos y se
relanza (con carpetas de trabajo nuevas) saltando esa celda o ese caso, hasta
``INTENTOS`` veces. Lo que el proceso dice no se cree: cada texto se recorta al
recibirlo, hay un presupuesto total de bytes y de objetos por mensaje, y el fin de
cada fase lo decide el calificador (ver ``Sesion``). Las auxiliares de referencia
que piden los casos se calculan aquí (``referencias.Auxiliares``): al proceso
aislado solo llegan sus resultados, nunca su código.
"""
import functools
import json
import os
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import solutions.ejecucion

from .. import etapas
from . import mensajes
from ..calificacion import texto_acotado
from .mensajes import MAX_RECIBIDO, Caida, Lector

AQUI = Path(__file__).resolve().parent
RAIZ = AQUI.parents[1]  # el repositorio del curso: el proceso aislado nunca puede leerlo
#: Paquetes del entorno del estudiante que no están en site-packages: se copian a la carpeta de
#: cada entrega (en solo lectura para el proceso aislado; nunca una ruta dentro del curso).
PAQUETES = {"herramientas": RAIZ / "herramientas"}
FICHEROS = {"corredor.py": AQUI / "corredor.py", "codec.py": AQUI / "codec.py",
            "restricciones.py": AQUI / "restricciones.py",
            "ejecucion.py": Path(solutions.ejecucion.__file__).resolve()}
INTENTOS = 4
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
    #: casos y pruebas públicas respondidos por un proceso que ya había recibido resultados de
    #: referencia: de su texto solo vale lo que permite ``texto_acotado``.
    acotados: set = field(default_factory=set)
    llamadas: int = 0  # llamadas a auxiliares de referencia atendidas


def _bibliotecas_cargadas():
    """Carpetas de las bibliotecas compartidas que tiene cargadas este proceso (libc, libm…)."""
    carpetas = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as mapas:
            for linea in mapas:
                ruta = linea.split(maxsplit=5)[-1].strip() if linea.count(" ") >= 5 else ""
                if ruta.startswith("/") and ".so" in os.path.basename(ruta):
                    carpetas.add(os.path.dirname(ruta))
    except OSError:
        pass
    return carpetas


@functools.lru_cache(maxsize=1)
def rutas_de_lectura():
    """Rutas que el proceso aislado puede leer: nunca el curso ni una carpeta que lo contenga.

    El intérprete, su biblioteca estándar (con lib-dynload), los site-packages del entorno y
    las carpetas de las bibliotecas del sistema que el intérprete y numpy cargan, además de
    ``/etc/localtime``, ``/etc/ld.so.cache`` y ``/dev/urandom``. Ni ``/usr`` entero, ni ``/etc``,
    ni ``/home``: un curso instalado en ``/usr/src/app`` queda fuera.
    """
    caminos = sysconfig.get_paths()
    rutas = {os.path.realpath(sys.executable), sys.executable, "/etc/localtime", "/etc/ld.so.cache",
             "/dev/urandom", caminos["stdlib"], caminos["platstdlib"], caminos["purelib"], caminos["platlib"],
             os.path.join(caminos["platstdlib"], "lib-dynload")}
    rutas |= {r for r in site.getsitepackages() if os.path.isdir(r)}
    rutas |= _bibliotecas_cargadas()
    rutas |= {os.path.realpath(r) for r in rutas}
    prohibidas = [os.path.realpath(r) for r in (RAIZ, tempfile.gettempdir())]
    return sorted(r for r in rutas if os.path.exists(r) and not any(  # ni el curso ni lo que lo contiene
        p == r or p.startswith(r.rstrip("/") + "/") for p in prohibidas))


def entorno_minimo(carpeta):
    return {
        "HOME": str(carpeta / "home"), "TMPDIR": str(carpeta / "tmp"),
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(carpeta / "home" / ".matplotlib"),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }


def preparar_carpeta(carpeta, cache_matplotlib=None, datos=()):
    """Carpeta del proceso aislado: programas y paquetes copiados y la plantilla de cada intento.

    La plantilla (fuera del alcance del proceso aislado) tiene la caché de fuentes de
    matplotlib y los ficheros de datos de la entrega (``datos``: [(ruta relativa, origen)]).
    Cada lanzamiento empieza con una copia nueva de ella: nada de un intento llega al siguiente.
    """
    carpeta.mkdir(parents=True)
    for nombre, origen in FICHEROS.items():
        shutil.copyfile(origen, carpeta / nombre)
    for nombre, origen in PAQUETES.items():
        shutil.copytree(origen, carpeta / "paquetes" / nombre, ignore=shutil.ignore_patterns("__pycache__"))
    plantilla = carpeta / "plantilla"
    for sub in ("trabajo", "home/.matplotlib"):
        (plantilla / sub).mkdir(parents=True)
    for fichero in Path(cache_matplotlib).glob("fontlist-*.json") if cache_matplotlib else ():
        shutil.copyfile(fichero, plantilla / "home" / ".matplotlib" / fichero.name)
    for relativa, origen in datos:
        destino = plantilla / "trabajo" / relativa
        destino.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origen, destino, follow_symlinks=False)
    return carpeta


def _carpeta_de_intento(carpeta, numero):
    """Carpeta nueva (trabajo, home, tmp) para un lanzamiento, copiada de la plantilla."""
    base = carpeta / f"i{numero}"
    plantilla = carpeta / "plantilla"
    for sub in ("trabajo", "home"):
        if (plantilla / sub).is_dir():
            shutil.copytree(plantilla / sub, base / sub, symlinks=True)
        else:
            (base / sub).mkdir(parents=True)
    (base / "tmp").mkdir()
    return base


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
    """Ejecuta un programa (celdas) y sus fases de casos en procesos aislados.

    El proceso aislado miente si quiere: aquí se decide cuándo termina cada fase (cuando
    todos sus casos tienen respuesta), qué respuestas valen (solo las de casos pendientes
    de la fase en curso, la primera) y a qué llamadas de auxiliares de referencia se
    contesta (solo a las de la fase en curso, que ``auxiliares`` calcula aquí; una función
    calificada solo se atiende cuando todos sus casos tienen ya resultado definitivo).
    Desde la primera respuesta a una llamada, lo que diga ese proceso se marca como
    acotado (``Ejecucion.acotados``): puede llevar resultados de la referencia.
    """

    def __init__(self, carpeta, limites, auxiliares=None, verificada=None):
        """``auxiliares`` calcula las llamadas de los apoderados; ``verificada(nombre)`` dice si una función
        calificada ya superó todos sus casos y sus pruebas públicas: entonces sus llamadas las atiende
        la propia función del estudiante, en su proceso (``propias``), sin idas y vueltas."""
        self.carpeta, self.limites, self.auxiliares = carpeta, limites, auxiliares
        self.verificada = verificada or (lambda nombre: False)
        self.con_referencia = False  # el proceso en marcha ya recibió resultados de referencia
        self.resultado = Ejecucion()
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

    def _recibir(self, plazo):
        """Siguiente mensaje en ``plazo`` segundos (los eventos se anotan aquí y no cuentan)."""
        return self._recibir_hasta(time.monotonic() + plazo)

    def _recibir_hasta(self, limite):
        while True:
            mensaje = self.lector.leer(min(self._limite_total(), limite))
            if mensaje.get("tipo") == "evento":
                texto = str(mensaje.get("texto") or "")[:300]
                if self.con_referencia:
                    texto = texto_acotado.evento(texto)
                if texto not in self.resultado.eventos and len(self.resultado.eventos) < 20:
                    self.resultado.eventos.append(texto)
                continue
            return mensaje

    def _atender(self, mensaje, permitidas, limite):
        """Contesta una llamada a una auxiliar de referencia (calculada aquí) por el tubo de órdenes."""
        inicio = time.perf_counter()
        if self.auxiliares is None:
            respuesta = {"error": {"tipo": "RuntimeError", "mensaje": "no hay auxiliares de referencia"}}
        else:
            respuesta = self.auxiliares.responder(mensaje, permitidas)
        numero = mensaje.get("id")
        respuesta.update(tipo="respuesta", id=numero if isinstance(numero, int) else None)
        self.con_referencia = True
        self.resultado.llamadas += 1
        try:
            self._enviar(respuesta, limite)
        finally:
            etapas.sumar("referencias", time.perf_counter() - inicio)
            etapas.sumar("llamadas", 1)

    def _cerrar_casos(self, funciones, casos_de):
        """Da por definitivos (sin respuesta = fallados) los casos de ``funciones`` antes de atender sus llamadas."""
        for f in funciones:
            for id_ in casos_de.get(f, ()):
                self.resultado.casos.setdefault(id_, {"tipo": "caso", "id": id_, "sin_respuesta": True})

    def _celdas(self, celdas, saltar):
        """Envía las celdas y espera ``listo``; devuelve la celda en curso si se cae."""
        enviadas = [c for c in celdas if c[0] not in saltar]
        etiquetas = {str(c[0]) for c in enviadas}
        self._enviar({"tiempo_max": self.limites.tiempo_celda, "celdas": enviadas})
        while True:
            mensaje = self._recibir(self.limites.tiempo_celda + GRACIA)
            tipo, etiqueta = mensaje.get("tipo"), str(mensaje.get("i"))
            if tipo == "celda" and etiqueta in etiquetas:
                self.actual = ("celda", etiqueta)
            elif tipo == "celda_fin" and etiqueta in etiquetas:
                self.resultado.celdas[etiqueta] = {"error": mensaje.get("error"), "tiempo": bool(mensaje.get("tiempo"))}
                self.actual = None
            elif tipo == "listo":
                return

    def _fases(self, fases, casos_de):
        previas, permitidas = [], set()  # pruebas públicas ya hechas en otro intento; auxiliares atendidas
        for fase in fases:
            # Las de la fase en curso y las de las anteriores (ya cerradas), que usan sus pruebas públicas.
            permitidas |= set(fase.get("apoderadas", ()))
            ids = [c["id"] for c in fase["casos"]] + [p["id"] for p in fase.get("publicas", [])]
            pendientes = {i for i in ids if i not in self.resultado.casos}
            if not pendientes:
                previas += fase.get("publicas", [])
                continue
            self._cerrar_casos(fase.get("inyectadas", ()), casos_de)
            propias = {n for n in permitidas if n in casos_de and self.verificada(n)}
            permitidas -= propias
            self._enviar({"tipo": "fase", "dadas": fase.get("dadas", []), "apoderadas": sorted(permitidas),
                          "propias": sorted(propias),
                          "casos": [c for c in fase["casos"] if c["id"] in pendientes],
                          "publicas": [p for p in fase.get("publicas", []) if p["id"] in pendientes],
                          "previas": previas + [p for p in fase.get("publicas", []) if p["id"] not in pendientes]})
            previas = []
            self._esperar_fase(pendientes, permitidas)

    def _esperar_fase(self, pendientes, permitidas):
        """La fase termina cuando el calificador tiene todas sus respuestas.

        El plazo de cada caso cuenta desde que empieza (``caso_inicio``) y las llamadas a
        auxiliares no lo alargan: el tiempo de la referencia cuenta como tiempo del caso.
        """
        plazo = self.limites.tiempo_celda + GRACIA
        limite = time.monotonic() + plazo
        while pendientes:
            mensaje = self._recibir_hasta(limite)
            tipo, id_ = mensaje.get("tipo"), mensaje.get("id")
            if tipo == "llamada":
                self._atender(mensaje, permitidas, limite)
                continue
            if tipo == "latido":  # empieza una prueba pública de un intento anterior
                limite = time.monotonic() + plazo
            if id_ not in pendientes or not isinstance(id_, str):
                continue  # respuestas de otros casos, repetidas o inventadas: no cuentan
            limite = time.monotonic() + plazo
            if tipo == "caso_inicio":
                self.actual = ("caso", id_)
            elif tipo == "caso":
                self.resultado.casos[id_] = mensaje
                if self.con_referencia:
                    self.resultado.acotados.add(id_)
                pendientes.discard(id_)
                self.actual = None

    def ejecutar(self, celdas, fases):
        """Ejecuta ``celdas`` [(etiqueta, código)] y luego cada fase.

        Una fase es {"inyectadas", "dadas", "apoderadas", "casos", "publicas"}: ``inyectadas`` (solo
        para el calificador) son las auxiliares de sus casos; ``dadas``, el código de las celdas de
        solo lectura del cuaderno que definen algunas; ``apoderadas``, las que se calculan aquí.
        """
        saltar = set()
        casos_de = {}
        for fase in fases:
            for c in fase["casos"]:
                casos_de.setdefault(c["funcion"], []).append(c["id"])
            for p in fase.get("publicas", []):
                casos_de.setdefault(p["funcion"], []).append(p["id"])
        self._presupuesto = MAX_RECIBIDO
        for _ in range(INTENTOS):
            if time.monotonic() >= self._limite_total():
                self.resultado.agotado = True
                break
            self.actual = None  # ("celda", etiqueta) o ("caso", id)
            marca = time.perf_counter()
            self._lanzar()
            try:
                try:
                    mensaje = self._recibir(30)
                finally:
                    marca = self._etapa("arranque", marca)
                if mensaje.get("tipo") != "inicio":
                    raise Caida("no arrancó correctamente")
                for aviso in mensaje.get("avisos", [])[:10]:
                    if str(aviso)[:200] not in self.resultado.avisos:
                        self.resultado.avisos.append(str(aviso)[:200])
                try:
                    self._celdas(celdas, saltar)
                finally:
                    marca = self._etapa("celdas", marca)
                try:
                    self._fases(fases, casos_de)
                finally:
                    marca = self._etapa("casos", marca)
                self._enviar({"tipo": "fin"})
                self._matar()
                return self.resultado
            except Caida as caida:
                if CANCELADO.is_set():
                    self._matar()
                    raise Cancelado() from None
                if self._caida(caida, saltar):
                    break
        self._matar()
        return self.resultado

    @staticmethod
    def _etapa(nombre, marca):
        ahora = time.perf_counter()
        etapas.sumar(nombre, ahora - marca)
        return ahora

    def _caida(self, caida, saltar):
        """Anota una caída y mata el proceso; cierto si no tiene sentido relanzarlo."""
        motivo = caida.motivo
        if motivo == "tiempo" and time.monotonic() >= self._limite_total():
            self.resultado.agotado = True
            motivo = f"superó el tiempo total por entrega ({self.limites.tiempo_total:g} s)"
        elif motivo == "tiempo":
            motivo = f"no respondió en {self.limites.tiempo_celda:g} s"
        elif motivo == "fin":
            motivo = self._motivo_fin()
        self._matar()
        actual = self.actual
        if actual and actual[0] == "celda":
            saltar.add(actual[1])
            self.resultado.celdas[str(actual[1])] = {"error": motivo, "tiempo": caida.tiempo, "caida": True}
            self.resultado.caidas.append(f"celda {actual[1]}: {motivo}")
        elif actual and actual[0] == "caso":
            self.resultado.casos[actual[1]] = {"tipo": "caso", "id": actual[1], "caida": motivo,
                                              "tiempo": caida.tiempo}
            if self.con_referencia:
                self.resultado.acotados.add(actual[1])
            self.resultado.caidas.append(f"un caso de prueba: {motivo}")
        else:
            self.resultado.caidas.append(motivo)
            if self.resultado.agotado or (not self.resultado.celdas and not self.resultado.casos):
                return True
        return caida.final
