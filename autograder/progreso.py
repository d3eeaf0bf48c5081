"""Barra de progreso en stderr, sin dependencias."""
import sys
import time


class Barra:
    """Barra «[#####-----] 12/40» que se reescribe en el terminal (o líneas sueltas si no hay terminal)."""

    def __init__(self, total, flujo=None, ancho=30):
        self.total, self.hechas, self.errores = total, 0, 0
        self.flujo = flujo or sys.stderr
        self.ancho, self.inicio = ancho, time.monotonic()
        self.terminal = hasattr(self.flujo, "isatty") and self.flujo.isatty()
        self._ultimo_decimo = -1

    def avanzar(self, con_error=False):
        self.hechas += 1
        self.errores += bool(con_error)
        self._dibujar()

    def _dibujar(self):
        total = max(self.total, 1)
        llenas = int(self.ancho * self.hechas / total)
        segundos = time.monotonic() - self.inicio
        texto = (f"Calificando [{'#' * llenas}{'-' * (self.ancho - llenas)}] {self.hechas}/{self.total} "
                 f"entregas, {self.errores} con incidencias, {segundos:.0f} s")
        if self.terminal:
            self.flujo.write("\r" + texto)
            if self.hechas >= self.total:
                self.flujo.write("\n")
        else:
            decimo = 10 * self.hechas // total
            if decimo != self._ultimo_decimo or self.hechas >= self.total:
                self._ultimo_decimo = decimo
                self.flujo.write(texto + "\n")
        self.flujo.flush()
