"""Tiempo por etapa de cada entrega (arranque, celdas, casos, informes) y memoria del calificador.

Cada hilo que califica una entrega abre un ``registro()``; ``Sesion`` y ``Lote``
suman en él los segundos de cada etapa con ``sumar``. Fuera de un registro,
``sumar`` no hace nada. Los tiempos nunca entran en el resultado de la entrega
(que debe ser el mismo en cada repetición): solo los muestra ``--desglose``.
"""
import contextlib
import resource
import threading
import time

ETAPAS = {
    "preparacion": "preparación (carpeta y lectura del cuaderno)",
    "arranque": "arranque del proceso aislado",
    "celdas": "celdas del estudiante",
    "casos": "casos ocultos y pruebas públicas",
    "informes": "retroalimentación y resultado guardado",
}
_LOCAL = threading.local()


@contextlib.contextmanager
def registro():
    """Registro de los segundos por etapa de lo que se ejecute en este hilo dentro del ``with``."""
    anterior = getattr(_LOCAL, "tiempos", None)
    _LOCAL.tiempos = tiempos = {}
    try:
        yield tiempos
    finally:
        _LOCAL.tiempos = anterior


def sumar(etapa, segundos):
    tiempos = getattr(_LOCAL, "tiempos", None)
    if tiempos is not None:
        tiempos[etapa] = tiempos.get(etapa, 0.0) + segundos


@contextlib.contextmanager
def medir(etapa):
    inicio = time.perf_counter()
    try:
        yield
    finally:
        sumar(etapa, time.perf_counter() - inicio)


class Total:
    """Suma (segura entre hilos) de los registros de todas las entregas de un lote."""

    def __init__(self):
        self.tiempos, self.entregas, self._cerrojo = {}, 0, threading.Lock()

    def anadir(self, tiempos, entrega=True):
        with self._cerrojo:
            self.entregas += bool(entrega)
            for etapa, segundos in tiempos.items():
                self.tiempos[etapa] = self.tiempos.get(etapa, 0.0) + segundos


def memoria_pico_mib():
    """Memoria residente máxima de este proceso (el calificador, sin los procesos aislados), en MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def informe(total, pared, final):
    """Texto del desglose: ``pared`` s de reloj del lote y ``final`` s del CSV, resumen y gradebook."""
    n = max(total.entregas, 1)
    lineas = [f"Desglose por etapa ({total.entregas} entregas calificadas; segundos sumados entre "
              f"entregas en paralelo, y por entrega):"]
    for etapa, nombre in ETAPAS.items():
        segundos = total.tiempos.get(etapa, 0.0)
        lineas.append(f"  {nombre:<46} {segundos:8.2f} s  {1000 * segundos / n:8.1f} ms/entrega")
    llamadas = int(total.tiempos.get("llamadas", 0))
    if llamadas:  # parte de «casos»: auxiliares de referencia calculadas en el calificador (ida y vuelta)
        segundos = total.tiempos.get("referencias", 0.0)
        lineas.append(f"  {'  de ellos, auxiliares de referencia':<46} {segundos:8.2f} s  {llamadas / n:8.1f} "
                      f"llamadas/entrega, {1e6 * segundos / llamadas:.0f} µs por llamada")
    lineas.append(f"  {'CSV, resumen y gradebook (una vez, al final)':<46} {final:8.2f} s")
    lineas.append(f"  {'tiempo de reloj de la calificación':<46} {pared:8.2f} s  "
                  f"{total.entregas / pared if pared > 0 else 0:8.1f} entregas/s")
    lineas.append(f"  {'memoria máxima del calificador':<46} {memoria_pico_mib():8.1f} MiB")
    return "\n".join(lineas)
