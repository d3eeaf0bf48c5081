"""Canvas: CSV de importación del libro de calificaciones con la columna de un taller rellenada.

Canvas exporta el libro («Calificaciones» → «Exportar» → «Exportar todo el libro de calificaciones»)
con las columnas ``Student, ID, SIS User ID, SIS Login ID, Section``, una columna por tarea con su
id entre paréntesis (``Taller 3 (12345)``) y una segunda fila ``Points Possible`` con los puntos de
cada tarea. Para importar («Calificaciones» → «Importar») basta con las columnas del estudiante y la
de la tarea; las demás columnas (totales, otras tareas) se omiten para no tocarlas. La nota se
escribe en la escala de la tarea en Canvas (``Points Possible``), con punto decimal.
"""
import csv
import io
import re
from pathlib import Path

from ..recogida.lista import leer_texto_csv

IDENTIDAD = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Root Account", "Section")
POSIBLES = "Points Possible"


class LibroInvalido(Exception):
    """El libro de Canvas o la columna pedida no se pueden usar (mensaje en español)."""


def _sin_id(cabecera):
    return re.sub(r"\s*\(\d+\)\s*$", "", cabecera).strip()


def leer_libro(ruta, columna):
    """(cabecera, filas, bom, índice de la columna del taller); lanza ``LibroInvalido``."""
    try:
        texto, bom = leer_texto_csv(ruta)
    except OSError as error:
        raise LibroInvalido(f"no se pudo leer el libro de Canvas «{ruta}» ({error.strerror}).") from None
    filas = list(csv.reader(io.StringIO(texto, newline="")))
    if not filas or "Student" not in filas[0] or "ID" not in filas[0]:
        raise LibroInvalido(f"«{ruta}» no parece una exportación del libro de calificaciones de Canvas "
                            "(su primera fila debe empezar por «Student,ID,SIS User ID,…»). Expórtalo en "
                            "«Calificaciones» → «Exportar» → «Exportar todo el libro de calificaciones».")
    cabecera = filas[0]
    exactas = [i for i, c in enumerate(cabecera) if c.strip() == columna.strip()]
    por_nombre = [i for i, c in enumerate(cabecera)
                  if c not in IDENTIDAD and _sin_id(c).casefold() == _sin_id(columna).casefold()]
    candidatas = exactas or por_nombre
    if len(candidatas) != 1:
        tareas = [c for c in cabecera if re.search(r"\(\d+\)\s*$", c)]
        motivo = "hay varias columnas con ese nombre" if candidatas else "no existe esa columna"
        raise LibroInvalido(f"«{columna}»: {motivo} en «{ruta}». Usa --canvas-columna con la cabecera exacta "
                            "de la tarea, con su id entre paréntesis. Columnas de tareas: "
                            + (", ".join(f"«{t}»" for t in tareas) or "ninguna") + ".")
    return cabecera, filas[1:], bom, candidatas[0]


def _formato(valor):
    return f"{valor:.2f}".rstrip("0").rstrip(".")


def escribir_importacion(ruta_libro, columna, resultados, destino):
    """Escribe el CSV de importación en ``destino``; devuelve un informe (dict)."""
    cabecera, filas, bom, indice = leer_libro(ruta_libro, columna)
    identidad = [i for i, c in enumerate(cabecera) if c in IDENTIDAD]
    quedan = identidad + [indice]
    por_id = {r["estudiante"]: r for r in resultados}
    informe = {"escritas": 0, "sin_fila": [], "sin_cambiar": [], "columna": cabecera[indice]}
    posibles = None
    usados = set()
    salida = []
    claves = [cabecera.index(c) for c in ("ID", "SIS User ID", "SIS Login ID") if c in cabecera]
    for fila in filas:
        fila = fila + [""] * (len(cabecera) - len(fila))
        primera = fila[0].strip()
        if primera == POSIBLES:
            try:
                posibles = float(fila[indice])
            except ValueError:
                posibles = None
            salida.append([fila[i] for i in quedan])
            continue
        if not any(fila[i].strip() for i in claves):
            continue  # otras filas de servicio de Canvas («Manual Posting»…): no se importan
        r = next((por_id[fila[i].strip()] for i in claves if fila[i].strip() in por_id), None)
        if r is not None:
            usados.add(r["estudiante"])
            if r["estado"] == "sospechosa":
                informe["sin_cambiar"].append(r["estudiante"])
            elif r["puntos"] is None:  # sin nota final (nota-final, revisión pendiente): la fila queda como estaba
                informe.setdefault("pendientes", []).append(r["estudiante"])
            elif r["estado"] != "sin_entrega":
                escala = posibles if posibles else r["puntos_max"]
                fila[indice] = _formato(r["puntos"] / r["puntos_max"] * escala)
                informe["escritas"] += 1
        salida.append([fila[i] for i in quedan])
    informe["sin_fila"] = sorted(e for e, r in por_id.items() if e not in usados and r["estado"] != "sin_entrega")
    buffer = io.StringIO()
    escritor = csv.writer(buffer, lineterminator="\n")
    escritor.writerow([cabecera[i] for i in quedan])
    escritor.writerows(salida)
    destino = Path(destino)
    destino.parent.mkdir(parents=True, exist_ok=True)
    destino.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return informe
