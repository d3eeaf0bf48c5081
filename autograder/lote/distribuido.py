"""Calificación de un lote en un clúster de Dask (``calificar --dask DIRECCION``).

El profesor (el cliente) decide qué entregas faltan, envía cada una como datos
(los bytes de su cuaderno y de sus ficheros) y escribe él solo, al recibir cada
resultado, la retroalimentación y el resultado guardado; al final, el CSV, el
resumen y el gradebook, como en local. Cada trabajador de Dask califica con el
mismo código que el modo local (``lote.calificar_entrega``): un proceso aislado
por entrega, con las mismas restricciones, en su propia carpeta temporal.

Antes de calificar, cada trabajador comprueba que tiene el mismo curso (una
huella de la referencia, las pruebas ocultas y el calificador) y la misma
versión de Python y numpy; si no, se niega con un error en español. Si un
trabajador muere, Dask reparte sus entregas entre los demás: no se pierde nada.

Dask solo se importa aquí, y este módulo solo se importa con ``--dask``.
"""
import atexit
import hashlib
import platform
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import numpy

from solutions.talleres import TALLERES

from ..aislamiento import proceso
from .. import etapas
from . import dask_comprobar
from ..aislamiento.carpeta import crear_cache_matplotlib, preparar_carpeta
from ..recogida.entregas import Entrega
from .local import (Lote, calificar_entrega, carpeta_temporal_segura, huella, resultado_de_error,
                   texto_seguro)
from .progreso import Barra
from ..aislamiento.servidor_fork import Servidor

RAIZ = Path(__file__).resolve().parents[2]
EN_VUELO = 4  # entregas enviadas por cada hilo de trabajador (la memoria del cliente no crece con el lote)


class ErrorDistribuido(Exception):
    """Problema con el clúster (mensaje en español, con qué hacer)."""


class CursoDistinto(Exception):
    """El trabajador no tiene el mismo curso que el profesor: se niega a calificar."""


def huella_curso():
    """Huella del curso: la referencia y las pruebas ocultas (``solutions/*.py``) y el calificador."""
    h = hashlib.sha256()
    for ruta in sorted([*(RAIZ / "solutions").glob("*.py"), *(RAIZ / "autograder").rglob("*.py")]):
        h.update(f"{ruta.relative_to(RAIZ)}\0".encode())
        h.update(ruta.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _versiones():
    return f"Python {platform.python_version()}, numpy {numpy.__version__}"


def comprobar_curso(esperada, versiones):
    """En el trabajador: ``None`` si tiene el mismo curso y versiones; si no, el motivo (en español)."""
    if huella_curso() != esperada:
        return (f"el trabajador tiene otro curso en {RAIZ} (la referencia, las pruebas ocultas o el "
                "calificador no coinciden con los del profesor); copia en él la misma versión del "
                "repositorio y reinícialo")
    if _versiones() != versiones:
        return (f"el trabajador usa {_versiones()} y el profesor {versiones}; instala en él el mismo "
                "entorno (make entorno) para que las notas sean idénticas")
    return None


_CACHE = {}
_CERROJO = threading.Lock()


def _carpeta_del_trabajador():
    """Carpeta temporal de este proceso trabajador (se borra al terminar; llamar con _CERROJO)."""
    if "carpeta" not in _CACHE:
        _CACHE["carpeta"] = Path(tempfile.mkdtemp(prefix="calificador-trabajador-", dir=carpeta_temporal_segura()))
        atexit.register(shutil.rmtree, _CACHE["carpeta"], True)
    return _CACHE["carpeta"]


def _cache_matplotlib():
    """Caché de fuentes de matplotlib del trabajador (una por proceso)."""
    with _CERROJO:
        if "ruta" not in _CACHE:
            _CACHE["ruta"] = crear_cache_matplotlib(_carpeta_del_trabajador() / "matplotlib")
        return _CACHE["ruta"]


def _servidor_caliente():
    """Servidor de procesos calientes del trabajador (uno por proceso; termina con él)."""
    fuentes = _cache_matplotlib()  # antes del cerrojo, que también toma
    with _CERROJO:
        if "servidor" not in _CACHE:
            _CACHE["servidor"] = proceso.SERVIDOR = Servidor.arrancar(_carpeta_del_trabajador() / "servidor",
                                                                          fuentes)
        return _CACHE["servidor"]


def calificar_paquete(paquete, taller_id, fuente, limites, esperada, versiones):
    """En el trabajador: califica una entrega enviada como datos; devuelve (resultado, tiempos, fallo).

    ``fallo`` es cierto si falló el propio calificador (la fila queda en error y no se guarda en
    ``.entregas/``: se vuelve a intentar al repetir la orden, como en local).

    Lanza ``CursoDistinto`` si el curso del trabajador no es el del profesor. Cualquier
    otro fallo con la entrega queda en su fila (estado ``error``), como en local.
    """
    motivo = comprobar_curso(esperada, versiones)
    if motivo:
        raise CursoDistinto(motivo)
    taller = TALLERES[taller_id]
    _servidor_caliente()
    temporal = Path(tempfile.mkdtemp(prefix="calificador-dask-", dir=carpeta_temporal_segura()))
    temporal.chmod(0o700)
    carpeta = temporal / "0000"
    fallo = False
    with etapas.registro() as tiempos:
        try:
            entrega = _reconstruir(paquete, temporal / "entrega")
            with etapas.medir("preparacion"):
                preparar_carpeta(carpeta, _cache_matplotlib(), entrega.datos)
            resultado = texto_seguro(calificar_entrega(entrega, taller, fuente, carpeta, limites))
        except Exception as error:  # un fallo del calificador con una entrega no detiene el lote
            resultado = resultado_de_error(Entrega(paquete["estudiante"]), taller, error, carpeta)
            fallo = True
        finally:
            shutil.rmtree(temporal, ignore_errors=True)
    return resultado, tiempos, fallo


def _paquete(entrega):
    """Una entrega como datos que viajan al trabajador (no depende de las rutas del profesor)."""
    return {"estudiante": entrega.estudiante, "avisos": list(entrega.avisos), "error": entrega.error,
            "error_interno": entrega.error_interno,
            "revisar": entrega.revisar,
            "cuaderno": None if entrega.cuaderno is None else (entrega.cuaderno.name, entrega.cuaderno.read_bytes()),
            "datos": [(str(relativa), Path(origen).read_bytes()) for relativa, origen in entrega.datos]}


def _reconstruir(paquete, carpeta):
    """La ``Entrega`` del paquete, escrita en ``carpeta`` (solo nombres relativos ya validados)."""
    carpeta.mkdir(parents=True)
    cuaderno = None
    if paquete["cuaderno"] is not None:
        nombre, contenido = paquete["cuaderno"]
        cuaderno = carpeta / Path(nombre).name
        cuaderno.write_bytes(contenido)
    datos = []
    for i, (relativa, contenido) in enumerate(paquete["datos"]):
        origen = carpeta / "datos" / str(i)
        origen.parent.mkdir(exist_ok=True)
        origen.write_bytes(contenido)
        datos.append((Path(relativa), origen))
    return Entrega(paquete["estudiante"], cuaderno, list(paquete["avisos"]), paquete["error"],
                   paquete["error_interno"], paquete["revisar"], datos)


def conectar(direccion, espera=60):
    """Cliente de Dask conectado a ``direccion`` con al menos un trabajador, o ``ErrorDistribuido``."""
    try:
        from distributed import Client
    except ImportError:
        raise ErrorDistribuido("--dask necesita los paquetes dask y distributed: instálalos con "
                               "`make entorno` (o pip install -r requirements.txt -c constraints.txt).") from None
    try:
        cliente = Client(direccion, set_as_default=False)  # plazo: distributed.comm.timeouts.connect (30 s)
    except (OSError, TimeoutError, ValueError) as error:
        raise ErrorDistribuido(f"no se pudo conectar con el planificador de Dask en «{direccion}» ({error}). "
                               "Comprueba la dirección (p. ej. tcp://10.0.0.5:8786) y que `dask scheduler` "
                               "esté en marcha.") from None
    try:
        cliente.wait_for_workers(1, timeout=espera)
    except (TimeoutError, OSError):
        cliente.close()
        raise ErrorDistribuido(f"el planificador de Dask en «{direccion}» no tiene ningún trabajador después de "
                               f"{espera} s. Arranca al menos uno con el `dask` del entorno del curso: "
                               f"`.venv/bin/dask worker {direccion}`.") from None
    return cliente


def clave_de_tarea():
    """Clave de Dask de una entrega: única en el planificador, sea cual sea el id del estudiante.

    Dask junta las tareas con la misma clave (también las de otro cliente, p. ej. otro curso que
    califica a la vez): una clave repetida daría a un estudiante el resultado de otro.
    """
    return f"calificar-{uuid.uuid4().hex}"


def _comprobar_cluster(cliente, esperada, versiones):
    """Lanza ``ErrorDistribuido`` si el clúster no puede cargar el calificador o tiene otro curso."""
    problema = dask_comprobar.problema_de_importacion(cliente)
    if problema:
        raise ErrorDistribuido(problema)
    try:
        respuestas = cliente.run(comprobar_curso, esperada, versiones)
    except Exception as error:  # un trabajador no pudo ni abrir la comprobación
        raise ErrorDistribuido(dask_comprobar.problema_de_trabajadores(error)) from None
    negativas = {w: m for w, m in respuestas.items() if m}
    if negativas:
        raise ErrorDistribuido("hay trabajadores de Dask que no pueden calificar este lote:\n" + "\n".join(
            f"  {w}: {m}." for w, m in sorted(negativas.items())))


class LoteDask(Lote):
    """Un lote calificado en un clúster de Dask; los ficheros de salida se escriben aquí, una vez."""

    def __init__(self, *args, direccion, **kwargs):
        super().__init__(*args, **kwargs)
        self.direccion = direccion

    def ejecutar(self):
        from distributed import as_completed

        self.salida.mkdir(parents=True, exist_ok=True)
        barra = Barra(len(self.entregas), self.flujo_progreso)
        resultados = {}
        esperada, versiones = huella_curso(), _versiones()
        cliente = conectar(self.direccion)
        try:
            _comprobar_cluster(cliente, esperada, versiones)
            pendientes = []
            for entrega in self.entregas:
                clave = huella(entrega, self.taller, self.limites, self.referencia)
                previo = self._previo(entrega, clave)
                if previo is not None:
                    retro = self.salida / "retroalimentacion" / f"{entrega.estudiante}.html"
                    if not retro.is_file():
                        self._escribir_retro(entrega, previo)
                    resultados[entrega.estudiante] = previo
                    self._terminada(previo, barra)
                else:
                    pendientes.append((entrega, clave))
            hilos = max(1, sum(cliente.nthreads().values()))
            cola = iter(pendientes)
            futuros = {}
            grupo = as_completed(loop=cliente.loop)

            def enviar():
                siguiente = next(cola, None)
                if siguiente is None:
                    return
                entrega, clave = siguiente
                try:
                    paquete = _paquete(entrega)
                except Exception as error:  # no se pudo leer la entrega aquí: su fila queda en error
                    self._terminar(entrega, clave, resultado_de_error(entrega, self.taller, error, None),
                                   resultados, barra, guardar=False)
                    return enviar()
                futuro = cliente.submit(calificar_paquete, paquete, self.taller.id, self.fuente, self.limites,
                                        esperada, versiones, pure=False, key=clave_de_tarea())
                futuros[futuro] = (entrega, clave)
                barra.empezar(entrega.estudiante)  # para nombrarla si tarda
                grupo.add(futuro)

            for _ in range(EN_VUELO * hilos):
                enviar()
            fallos_del_cluster = {}
            for futuro in grupo:
                entrega, clave = futuros.pop(futuro)
                try:
                    resultado, tiempos, fallo = futuro.result()
                    self.tiempos.anadir(tiempos)
                    guardar = not fallo
                except CursoDistinto as error:
                    raise ErrorDistribuido(f"un trabajador de Dask se negó a calificar: {error}. Las entregas ya "
                                           f"calificadas están en {self.cache}; repite la orden cuando "
                                           "todos los trabajadores tengan el mismo curso.") from None
                except Exception as error:  # fallo del clúster (p. ej. KilledWorker): ni nota ni retroalimentación
                    fallos_del_cluster[entrega.estudiante] = error
                    barra.avanzar(True)
                    futuro.release()
                    enviar()
                    continue
                futuro.release()
                self._terminar(entrega, clave, resultado, resultados, barra, guardar)
                enviar()
            if fallos_del_cluster:
                raise ErrorDistribuido(dask_comprobar.sin_calificar(fallos_del_cluster, self.cache))
        finally:
            barra.cerrar()
            cliente.close()
        return sorted((resultados[e.estudiante] for e in self.entregas), key=lambda r: r["estudiante"])

    def _terminar(self, entrega, clave, resultado, resultados, barra, guardar=True):
        """Anota el resultado; lo guarda (retroalimentación y .entregas/) salvo si es un fallo del calificador."""
        with etapas.registro() as tiempos:
            if guardar:
                self._guardar(entrega, clave, resultado)
            else:  # como en local: no se guarda en .entregas/ y se vuelve a intentar al repetir la orden
                self._escribir_retro_si_se_puede(entrega, resultado)
        self.tiempos.anadir(tiempos, entrega=False)
        resultados[entrega.estudiante] = resultado
        self._terminada(resultado, barra)
