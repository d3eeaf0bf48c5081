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
        if 0 < self.hechas < self.total and segundos > 0:
            ritmo = self.hechas / segundos
            texto += f", {ritmo:.1f} entregas/s, faltan unos {_duracion((self.total - self.hechas) / ritmo)}"
        elif self.hechas and segundos > 0:
            texto += f", {self.hechas / segundos:.1f} entregas/s"
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


def _duracion(segundos):
    """«45 s», «3 min 20 s» o «1 h 05 min»."""
    segundos = int(round(segundos))
    if segundos < 60:
        return f"{segundos} s"
    if segundos < 3600:
        return f"{segundos // 60} min {segundos % 60:02d} s"
    return f"{segundos // 3600} h {segundos % 3600 // 60:02d} min"
