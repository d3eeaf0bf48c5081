"""Rondas intercaladas del banco (``make bench``), mediana y rango de los cocientes y la tabla.

Las herramientas se ejecutan en rondas: en las impares en un orden (A B …) y en las pares en el
inverso (… B A), para que la carga de la máquina, que cambia con el tiempo, no favorezca siempre
a la que va primero. En cada ronda se divide el tiempo de cada herramienta de referencia
(nbgrader) entre el de este calificador *de esa misma ronda*, y se resume con la mediana y el
rango (mínimo–máximo) de esos cocientes.
"""
from statistics import median

from .. import texto


def orden_intercalado(herramientas, rondas):
    """[[herramienta, …] por ronda]: A B … en la primera, … B A en la segunda, y así."""
    herramientas = list(herramientas)
    return [herramientas if r % 2 == 0 else herramientas[::-1] for r in range(rondas)]


def mediana_y_rango(valores):
    """(mediana, mínimo, máximo) de ``valores`` (al menos uno)."""
    valores = list(valores)
    if not valores:
        raise ValueError("mediana_y_rango necesita al menos un valor")
    return median(valores), min(valores), max(valores)


def cocientes(tiempos, referencia, nuestra):
    """Por ronda, ``tiempos[r][referencia] / tiempos[r][nuestra]`` (solo las rondas con las dos)."""
    return [t[referencia] / t[nuestra] for t in tiempos if t.get(referencia) and t.get(nuestra)]


def cifra(x, decimales=1):
    return texto.cifra(x, f".{decimales}f")


def _rango(valores, decimales=1, sufijo=""):
    m, lo, hi = mediana_y_rango(valores)
    return f"{cifra(m, decimales)}{sufijo} ({cifra(lo, decimales)}–{cifra(hi, decimales)})"


def tabla(tiempos, nombres, nuestras, referencias, entregas):
    """Tabla de texto: una fila por herramienta con su tiempo y, para las nuestras, los cocientes
    (cada celda: mediana de las rondas y, entre paréntesis, mínimo–máximo).

    ``tiempos``: [{herramienta: segundos} por ronda]; ``nombres``: {herramienta: texto de la fila};
    ``nuestras``: las configuraciones de este calificador; ``referencias``: las otras herramientas.
    """
    encabezado = ["Herramienta", "Tiempo (s)", "s/entrega"] + [f"× {nombres[r].split()[0]}" for r in referencias]
    filas = []
    for h in list(nuestras) + list(referencias):
        valores = [t[h] for t in tiempos if t.get(h)]
        if not valores:
            filas.append([nombres[h], "sin medida", "—"] + ["—"] * len(referencias))
            continue
        fila = [nombres[h], _rango(valores), cifra(mediana_y_rango(valores)[0] / entregas, 2)]
        for r in referencias:
            c = cocientes(tiempos, r, h) if h in nuestras else []
            fila.append(_rango(c, sufijo="×") if c else "—")
        filas.append(fila)
    anchos = [max(len(f[i]) for f in [encabezado] + filas) for i in range(len(encabezado))]
    lineas = ["  ".join(c.ljust(a) for c, a in zip(encabezado, anchos)).rstrip(),
              "  ".join("-" * a for a in anchos)]
    lineas += ["  ".join(c.ljust(a) for c, a in zip(f, anchos)).rstrip() for f in filas]
    return "\n".join(lineas)
