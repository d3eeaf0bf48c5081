"""Califica un lote de entregas en paralelo, con resultados por entrega atómicos.

Cada entrega se guarda al terminar en ``DIR/.entregas/<estudiante>.json``
(escritura atómica) junto con una huella de su cuaderno, del taller y de la
referencia; si se repite la orden (por ejemplo tras un Ctrl-C), las entregas
ya calificadas con la misma huella se reutilizan. El CSV, el resumen y el
gradebook se escriben al final, a partir de esos ficheros.
"""
import hashlib
import json
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from .. import etapas
from ..aislamiento import proceso
from ..aislamiento.carpeta import crear_cache_matplotlib, preparar_carpeta
from ..aislamiento.proceso import matar_todos
from ..aislamiento.servidor_fork import Servidor
from ..aislamiento.sesion import Limites
from ..calificacion import cuaderno, veredictos
from ..salidas import informes
from ..texto import limpios
from ..salidas.ficheros import escribir_atomico  # noqa: F401  (también la usan las salidas)
from ..calificacion import credito
from .progreso import Barra

VERSION = "1"
RAIZ = Path(__file__).resolve().parents[2]


def _huella_referencia(fuente_cuaderno):
    h = hashlib.sha256(VERSION.encode())
    for ruta in sorted((RAIZ / "solutions").glob("*.py")) + sorted((RAIZ / "autograder").rglob("*.py")):
        h.update(ruta.read_bytes())
    if fuente_cuaderno and Path(fuente_cuaderno).is_file():
        h.update(Path(fuente_cuaderno).read_bytes())
    return h.hexdigest()


def huella(entrega, taller, limites, referencia):
    h = hashlib.sha256(f"{taller.id}|{limites}|{referencia}".encode())
    if entrega.cuaderno is not None:
        h.update(entrega.cuaderno.read_bytes())
    h.update(json.dumps([entrega.avisos, entrega.error, entrega.revisar,
                         [(str(r), hashlib.sha256(f.read_bytes()).hexdigest()) for r, f in entrega.datos]],
                        ensure_ascii=True).encode())
    return h.hexdigest()


def _resultado_base(entrega, taller):
    """Fila de una entrega antes de calificarla. Si no se llega a ejecutar su cuaderno, la fila lleva
    ``sin_calificar`` (nada de lo que dice de sus funciones viene del cuaderno) y, si la culpa es del
    calificador, ``error_interno``."""
    return {"estudiante": entrega.estudiante, "taller": taller.id, "puntos": 0,
            "puntos_max": taller.puntos_max, "estado": "ok", "detalle": "",
            "funciones": {f: {"puntos": 0, "max": p, "casos": 0, "fallos": [], "falta": True}
                          for f, p in taller.puntos.items()},
            "celdas": [], "avisos_aislamiento": []}


def resultado_de_error(entrega, taller, error, carpeta):
    """Fila de una entrega con la que falló el propio calificador (sin rutas de ``carpeta``)."""
    resultado = _resultado_base(entrega, taller)
    resultado.update(estado="error", sin_calificar=True, error_interno=True,
                     detalle=f"Error interno del calificador con la entrega de «{entrega.estudiante}» "
                             f"({type(error).__name__}: {veredictos.limpiar(error, carpeta)}); vuelve a lanzar la "
                             f"orden para calificarla de nuevo y, si se repite, revísala a mano.")
    return texto_seguro(resultado)


def calificar_entrega(entrega, taller, fuente, carpeta, limites):
    """Resultado (dict) de una entrega; nunca lanza por culpa de la entrega."""
    resultado = _resultado_base(entrega, taller)
    ejecutada = False
    if entrega.cuaderno is None and entrega.error:
        resultado.update(estado="error", detalle=f"{entrega.error} Se califica con 0.")
        if entrega.error_interno:
            resultado["error_interno"] = True
    elif entrega.cuaderno is None:
        resultado.update(estado="sin_entrega", detalle="No se encontró ningún cuaderno .ipynb en la entrega.")
    else:
        try:
            celdas = cuaderno.leer(entrega.cuaderno)
        except cuaderno.CuadernoInvalido as error:
            resultado.update(estado="error", detalle=f"{error} Se califica con 0.")
        except OSError as error:
            resultado.update(estado="error", detalle=f"No se pudo leer el cuaderno ({error.strerror}).")
        else:
            programa = cuaderno.construir(celdas, fuente)
            resultado.update(veredictos.calificar_programa(programa, taller, carpeta, limites, fuente.publicas,
                                                                  fuente.dados))
            ejecutada = True
    if not ejecutada:
        resultado["sin_calificar"] = True
    if entrega.revisar and resultado["estado"] in ("ok", "tiempo_agotado"):
        resultado["estado"] = "sospechosa"  # hay que revisarla a mano
    avisos = ([entrega.revisar] if entrega.revisar else []) + entrega.avisos
    if avisos:
        resultado["detalle"] = " ".join(avisos + [resultado["detalle"]]).strip()
    return resultado


def texto_seguro(valor):
    """``valor`` (un resultado) con cada texto apto para UTF-8, el CSV y el HTML: sin sustitutos
    sueltos ni caracteres de control (un ``\\r`` de un nombre no rompe ni inyecta filas)."""
    return limpios(valor)


def carpeta_temporal_segura(raiz_entregas=None):
    """Carpeta temporal del sistema, salvo que caiga dentro del repositorio o de las entregas."""
    prohibidas = [RAIZ.resolve()] + ([Path(raiz_entregas).resolve()] if raiz_entregas else [])
    for candidata in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        ruta = Path(candidata).resolve()
        if ruta.is_dir() and not any(ruta == p or p in ruta.parents for p in prohibidas):
            return str(ruta)
    raise RuntimeError("No hay una carpeta temporal fuera del repositorio y de las entregas: define TMPDIR.")


class Lote:
    """Un lote: entregas, carpeta de salida y opciones."""

    def __init__(self, taller, entregas, salida, fuente_cuaderno=None, limites=None, trabajos=None,
                 recalcular=False, flujo_progreso=None, raiz_entregas=None, credito="todo"):
        self.taller, self.entregas, self.salida = taller, entregas, Path(salida)
        self.raiz_entregas = raiz_entregas
        self.fuente_cuaderno = fuente_cuaderno
        self.fuente = cuaderno.Fuente.de_cuaderno(fuente_cuaderno)
        self.limites = limites or Limites()
        self.trabajos = max(1, trabajos or os.cpu_count() or 1)
        self.recalcular = recalcular
        self.flujo_progreso = flujo_progreso
        self.cache = self.salida / ".entregas"
        self.credito = credito  # política de puntos por función (credito.MODOS)
        self.referencia = _huella_referencia(fuente_cuaderno) + f"|credito={credito}"
        veredictos.fases_del_taller(taller)  # casos y esperados, una vez y antes de los hilos
        self.tiempos = etapas.Total()  # segundos por etapa de las entregas calificadas ahora
        self.al_terminar = None  # función(resultado) llamada con cada entrega terminada (el gradebook)

    def _terminada(self, resultado, barra):
        barra.avanzar(resultado["estado"] != "ok", resultado["estudiante"])
        if self.al_terminar is not None:
            self.al_terminar(resultado)

    def _ruta_cache(self, entrega):
        return self.cache / f"{entrega.estudiante}.json"

    def _previo(self, entrega, clave):
        ruta = self._ruta_cache(entrega)
        if self.recalcular or not ruta.is_file():
            return None
        try:
            datos = json.loads(ruta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return datos.get("resultado") if datos.get("huella") == clave else None

    def _una(self, entrega, numero, temporal):
        """Califica una entrega; cualquier fallo del calificador con ella queda en su fila."""
        if getattr(self, "_barra", None) is not None:
            self._barra.empezar(entrega.estudiante)  # para nombrarla si tarda
        with etapas.registro() as tiempos:
            try:
                respuesta = self._calificar_una(entrega, numero, temporal)
            except Exception as error:  # un fallo del calificador con una entrega no detiene el lote (Cancelado sí)
                resultado = resultado_de_error(entrega, self.taller, error, Path(temporal) / f"{numero:04d}")
                self._escribir_retro_si_se_puede(entrega, resultado)
                respuesta = resultado, False
        if not respuesta[1]:
            self.tiempos.anadir(tiempos)
        return respuesta

    def _escribir_retro_si_se_puede(self, entrega, resultado):
        try:
            self._escribir_retro(entrega, resultado)
        except Exception:  # ni la retroalimentación se pudo escribir: la fila del CSV sí queda
            pass

    def _escribir_retro(self, entrega, resultado):
        escribir_atomico(self.salida / "retroalimentacion" / f"{entrega.estudiante}.html",
                         informes.retroalimentacion(resultado, self.taller))

    def _calificar_una(self, entrega, numero, temporal):
        clave = huella(entrega, self.taller, self.limites, self.referencia)
        previo = self._previo(entrega, clave)
        if previo is not None:
            retro = self.salida / "retroalimentacion" / f"{entrega.estudiante}.html"
            if not retro.is_file():  # se borró a mano: se rehace a partir del resultado guardado
                self._escribir_retro(entrega, previo)
            return previo, True
        carpeta = Path(temporal) / f"{numero:04d}"
        try:
            with etapas.medir("preparacion"):
                preparar_carpeta(carpeta, self._cache_matplotlib(), entrega.datos)
            resultado = texto_seguro(calificar_entrega(entrega, self.taller, self.fuente, carpeta, self.limites))
        finally:
            shutil.rmtree(carpeta, ignore_errors=True)
        self._guardar(entrega, clave, resultado)
        return resultado, False

    def _guardar(self, entrega, clave, resultado):
        """Retroalimentación y resultado guardado (para repetir la orden) de una entrega calificada."""
        credito.aplicar(resultado, self.taller, self.credito)
        with etapas.medir("informes"):
            self._escribir_retro(entrega, resultado)
            escribir_atomico(self._ruta_cache(entrega),
                             json.dumps({"huella": clave, "resultado": resultado}, ensure_ascii=False, indent=1))

    def _cache_matplotlib(self):
        with self._cerrojo:
            if self._cache is None:
                self._cache = crear_cache_matplotlib(Path(self._temporal) / "matplotlib")
            return self._cache

    def ejecutar(self):
        """Califica todas las entregas y devuelve la lista de resultados, ordenada por estudiante."""
        self.salida.mkdir(parents=True, exist_ok=True)
        barra = self._barra = Barra(len(self.entregas), self.flujo_progreso)
        resultados = {}
        temporal = tempfile.mkdtemp(prefix="calificador-", dir=carpeta_temporal_segura(self.raiz_entregas))
        os.chmod(temporal, 0o700)
        self._temporal, self._cache, self._cerrojo = temporal, None, threading.Lock()
        servidor = proceso.SERVIDOR = Servidor.arrancar(Path(temporal) / "servidor", self._cache_matplotlib())
        try:
            with ThreadPoolExecutor(self.trabajos) as grupo:
                futuros = {grupo.submit(self._una, e, i, temporal): e for i, e in enumerate(self.entregas)}
                try:
                    for futuro in as_completed(futuros):
                        resultado, _ = futuro.result()
                        resultados[futuros[futuro].estudiante] = resultado
                        self._terminada(resultado, barra)
                except BaseException:
                    matar_todos()  # las entregas en curso se abandonan sin guardarse
                    for futuro in futuros:
                        futuro.cancel()
                    raise
        finally:
            barra.cerrar()
            proceso.SERVIDOR = None
            if servidor is not None:
                servidor.cerrar()
            shutil.rmtree(temporal, ignore_errors=True)
        lista = [resultados[e.estudiante] for e in self.entregas]
        return sorted(lista, key=lambda r: r["estudiante"])
