"""Barra de progreso del lote en stderr.

En un terminal la dibuja tqdm: se ajusta al ancho del terminal (también si cambia), se reescribe
en la misma línea y no deja restos. Sin terminal (un fichero, CI), escribe una línea por cada
décimo del lote. En los dos casos, si una entrega tarda, dice cuál y cuánto lleva en vez de
prometer «faltan unos 1 s».
"""
import sys
import threading
import time

from tqdm import tqdm

#: Una entrega que lleva más que esto (y más que tres veces la media) se nombra como la lenta.
LENTA_S = 10.0
#: Cada cuánto se redibuja la barra sin que termine ninguna entrega (para el reloj y la lenta).
REFRESCO_S = 1.0
#: Sin terminal, cada cuánto se repite la línea de la entrega lenta.
AVISO_SIN_TERMINAL_S = 30.0


class Barra:
    """Progreso de ``total`` entregas; ``empezar``/``avanzar`` las anotan (seguro entre hilos)."""

    def __init__(self, total, flujo=None, ancho=30):
        self.total, self.hechas, self.errores = total, 0, 0
        self.flujo = flujo or sys.stderr
        self.ancho, self.inicio = ancho, time.monotonic()
        self.terminal = hasattr(self.flujo, "isatty") and self.flujo.isatty()
        self._ultimo_decimo, self._ultimo_aviso = -1, 0.0
        self._en_curso, self._cerrojo, self._parar = {}, threading.Lock(), threading.Event()
        self._tqdm = None
        if self.terminal:
            self._tqdm = tqdm(total=total, file=self.flujo, dynamic_ncols=True, ascii=" #", leave=True,
                              mininterval=0, bar_format="Calificando {bar} {n_fmt}/{total_fmt} entregas{postfix}")
        self._hilo = threading.Thread(target=self._refrescar, daemon=True, name="barra-de-progreso")
        self._hilo.start()

    def empezar(self, estudiante):
        with self._cerrojo:
            self._en_curso[estudiante] = time.monotonic()

    def avanzar(self, con_error=False, estudiante=None):
        with self._cerrojo:
            self._en_curso.pop(estudiante, None)
            self.hechas += 1
            self.errores += bool(con_error)
            self._dibujar(nueva=True)
            if self.hechas >= self.total:
                self._cerrar()

    def cerrar(self):
        """Deja la barra terminada aunque el lote se haya interrumpido."""
        with self._cerrojo:
            self._cerrar()

    def _cerrar(self):
        self._parar.set()
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None

    def _refrescar(self):
        while not self._parar.wait(REFRESCO_S):
            with self._cerrojo:
                if not self._parar.is_set():
                    self._dibujar(nueva=False)

    def lenta(self, ahora=None):
        """(estudiante, segundos) de la entrega en curso que más lleva si tarda de más; si no, None."""
        ahora = time.monotonic() if ahora is None else ahora
        if not self._en_curso:
            return None
        estudiante, desde = min(self._en_curso.items(), key=lambda par: par[1])
        lleva = ahora - desde
        media = (ahora - self.inicio) / self.hechas if self.hechas else 0.0
        return (estudiante, lleva) if lleva > max(LENTA_S, 3 * media) else None

    def estado(self, ahora=None):
        """Texto tras el recuento: incidencias, tiempo, ritmo y lo que falta o la entrega lenta."""
        ahora = time.monotonic() if ahora is None else ahora
        segundos = ahora - self.inicio
        texto = f", {self.errores} con incidencias, {_duracion(segundos)}"
        if self.hechas and segundos > 0:
            texto += f", {self.hechas / segundos:.1f} entregas/s"
        lenta = self.lenta(ahora)
        if lenta is not None:
            texto += f"; esperando a {lenta[0]}, que lleva {_duracion(lenta[1])}"
        elif 0 < self.hechas < self.total and segundos > 0:
            texto += f", faltan unos {_duracion((self.total - self.hechas) * segundos / self.hechas)}"
        return texto

    def _dibujar(self, nueva):
        if self._tqdm is not None:
            self._tqdm.n = self.hechas
            self._tqdm.postfix = self.estado()[2:]  # tqdm antepone él mismo «, »
            self._tqdm.refresh()
            return
        total = max(self.total, 1)
        decimo = 10 * self.hechas // total
        if nueva and (decimo != self._ultimo_decimo or self.hechas >= self.total):
            self._ultimo_decimo = decimo
            llenas = int(self.ancho * self.hechas / total)
            self.flujo.write(f"Calificando [{'#' * llenas}{'-' * (self.ancho - llenas)}] {self.hechas}/{self.total} "
                             f"entregas{self.estado()}\n")
        elif not nueva:
            lenta = self.lenta()
            if lenta is None or time.monotonic() - self._ultimo_aviso < AVISO_SIN_TERMINAL_S:
                return
            self._ultimo_aviso = time.monotonic()
            self.flujo.write(f"Calificando: {self.hechas}/{self.total} entregas; esperando a {lenta[0]}, que lleva "
                             f"{_duracion(lenta[1])}\n")
        self.flujo.flush()


def _duracion(segundos):
    """«45 s», «3 min 20 s» o «1 h 05 min»."""
    segundos = int(round(segundos))
    if segundos < 60:
        return f"{segundos} s"
    if segundos < 3600:
        return f"{segundos // 60} min {segundos % 60:02d} s"
    return f"{segundos // 3600} h {segundos % 3600 // 60:02d} min"
