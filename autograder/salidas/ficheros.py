"""Escritura de las salidas: atómica (nunca un fichero a medias) y, para ``calificaciones.csv``,
sin controles ni fórmulas de hoja de cálculo."""
import csv
import io
import os
import tempfile
from pathlib import Path

from ..calificacion import credito
from ..texto import limpio


def escribir_atomico(ruta, texto):
    """Escribe ``texto`` en ``ruta`` sin dejar nunca un fichero a medias."""
    ruta = Path(ruta)
    ruta.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporal = tempfile.mkstemp(dir=ruta.parent, prefix="." + ruta.name + ".")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as fichero:
            fichero.write(texto)
        os.replace(temporal, ruta)
    except BaseException:
        Path(temporal).unlink(missing_ok=True)
        raise


def formato_puntos(valor):
    return "" if valor is None else f"{valor:g}"


#: Columnas que añade ``nota-final`` (salidas.nota_final): automática, revisión manual y su estado.
COLUMNAS_NOTA_FINAL = ("puntos_automaticos", "puntos_manuales", "puntos_manuales_max", "revision_manual")


def _nota_final(r):
    return [formato_puntos(r.get(c)) if c != "revision_manual" else r.get(c, "") for c in COLUMNAS_NOTA_FINAL]


def _celda_csv(texto):
    """Texto de una celda del CSV: sin controles y sin empezar como una fórmula de hoja de cálculo."""
    texto = limpio(texto)
    return "'" + texto if texto[:1] in ("=", "+", "-", "@") else texto


def escribir_csv(resultados, taller, ruta):
    """calificaciones.csv: una fila por entrega, ordenadas por estudiante."""
    buffer = io.StringIO()
    escritor = csv.writer(buffer, lineterminator="\n")
    con_plazo = any("dias_de_retraso" in r for r in resultados)  # con plazo de entrega (calificacion.retraso)
    extra = credito.columnas_csv(resultados, taller)  # casos superados por función, con --credito proporcional
    final = any("revision_manual" in r for r in resultados)  # con nota-final
    escritor.writerow(["estudiante", "taller", "puntos", "puntos_max", "estado", "detalle", *taller.funciones,
                       "nombre", "correo", "fecha_entrega", "tarde", "reenvio"]
                      + (["puntos_sin_retraso", "dias_de_retraso"] if con_plazo else []) + [c for c, _ in extra]
                      + (list(COLUMNAS_NOTA_FINAL) if final else []))
    for r in sorted(resultados, key=lambda r: r["estudiante"]):
        escritor.writerow([_celda_csv(r["estudiante"]), r["taller"], formato_puntos(r["puntos"]),
                           formato_puntos(r["puntos_max"]), r["estado"], _celda_csv(r["detalle"]),
                           *(formato_puntos(r["funciones"][f]["puntos"]) for f in taller.funciones),
                           _celda_csv(r.get("nombre", "")), _celda_csv(r.get("correo", "")),
                           r.get("fecha_entrega", ""), "sí" if r.get("tarde") else "no", r.get("reenvio", 0)]
                          + ([formato_puntos(r.get("puntos_sin_retraso", r["puntos"])),
                              "" if r.get("dias_de_retraso") is None else r["dias_de_retraso"]] if con_plazo else [])
                          + [valor(r) for _, valor in extra] + (_nota_final(r) if final else []))
    escribir_atomico(ruta, buffer.getvalue())
