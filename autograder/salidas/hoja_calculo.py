"""``calificaciones.xlsx``: las calificaciones para abrir en Excel o LibreOffice (con openpyxl).

Los puntos son números (Excel los muestra con la coma decimal de su configuración regional),
las fechas son fechas, el texto va tal cual (xlsx guarda Unicode: las tildes no dependen de la
codificación) y la celda de estado se resalta en las filas que hay que revisar a mano.
"""
import re
import zipfile
from pathlib import Path

from ..texto import limpio

#: Columnas de ``nota-final`` y cómo se lee su estado de revisión manual.
COLUMNAS_NOTA_FINAL = ("Puntos automáticos", "Puntos manuales", "Puntos manuales máximos", "Revisión manual")
NOMBRES_REVISION = {"hecha": "hecha", "pendiente": "pendiente (sin nota final)",
                    "no_en_gradebook": "no está en el gradebook (sin nota final)", "sin_puntos": "sin puntos",
                    "sin_entrega": "sin entrega"}
REVISAR = {"error": "F4B6B6", "tiempo_agotado": "F9D9A8", "sospechosa": "F4B6B6", "sin_entrega": "E0E0E0",
           "fuera_de_plazo": "F9D9A8"}


def escribir(resultados, taller, destino):
    """Escribe el libro de Excel en ``destino`` (de forma atómica)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    libro = Workbook()
    hoja = libro.active
    hoja.title = "Calificaciones"
    cabecera = ["Estudiante", "Nombre", "Correo", "Taller", "Puntos", "Puntos máximos", "Estado",
                "Fecha de entrega", "Tarde", "Detalle", *taller.funciones]
    con_plazo = any("dias_de_retraso" in r for r in resultados)  # con plazo de entrega (autograder.retraso)
    cabecera += ["Puntos sin retraso", "Días de retraso"] if con_plazo else []
    final = any("revision_manual" in r for r in resultados)  # con nota-final (salidas.nota_final)
    cabecera += list(COLUMNAS_NOTA_FINAL) if final else []
    hoja.append(cabecera)
    for celda in hoja[1]:
        celda.font = Font(bold=True)
    for r in sorted(resultados, key=lambda r: r["estudiante"]):
        fecha = r.get("fecha")  # datetime en UTC: Excel la guarda como fecha
        valores = [r["estudiante"], r.get("nombre", ""), r.get("correo", ""), r["taller"],
                   r["puntos"], r["puntos_max"], r["estado"], fecha, "sí" if r.get("tarde") else "", r["detalle"],
                   *(r["funciones"][f]["puntos"] for f in taller.funciones)]
        valores += [r.get("puntos_sin_retraso", r["puntos"]), r.get("dias_de_retraso")] if con_plazo else []
        if final:
            valores += [r.get("puntos_automaticos"), r.get("puntos_manuales"), r.get("puntos_manuales_max"),
                        NOMBRES_REVISION.get(r.get("revision_manual"), "")]
        hoja.append([limpio(v) if isinstance(v, str) else v for v in valores])  # openpyxl rechaza los controles
        fila = hoja.max_row
        for celda in hoja[fila]:
            if isinstance(celda.value, str) and celda.value.startswith("="):
                celda.data_type = "s"  # texto, nunca una fórmula
        for columna in [5, 6] + list(range(11, 11 + len(taller.funciones) + con_plazo)):
            hoja.cell(fila, columna).number_format = "0.##"
        if fecha is not None:
            hoja.cell(fila, 8).number_format = "yyyy-mm-dd hh:mm"
        if final and r.get("revision_manual") in ("pendiente", "no_en_gradebook"):  # sin nota final
            hoja.cell(fila, len(valores)).fill = PatternFill("solid", start_color="F9D9A8", end_color="F9D9A8")
        color = REVISAR.get(r["estado"])
        if color:
            hoja.cell(fila, 7).fill = PatternFill("solid", start_color=color, end_color=color)
            hoja.cell(fila, 7).font = Font(bold=r["estado"] != "sin_entrega")
    anchos = [14, 28, 28, 22, 8, 8, 15, 18, 6, 60] + [max(10, len(f) + 2) for f in taller.funciones] + [10, 10]
    for i, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(i)].width = ancho
    hoja.freeze_panes = "B2"
    hoja.auto_filter.ref = hoja.dimensions
    destino = Path(destino)
    temporal = destino.with_name("." + destino.name + ".tmp")
    libro.save(temporal)
    _reproducible(temporal)
    temporal.replace(destino)


def _reproducible(ruta):
    """Quita del .xlsx las horas de escritura (del zip y de docProps/core.xml).

    Así el mismo lote da el mismo fichero byte a byte, califique donde califique (en local o
    en un clúster) y cuando sea; openpyxl no permite fijarlas al guardar.
    """
    with zipfile.ZipFile(ruta) as original:
        partes = [(info.filename, original.read(info)) for info in original.infolist()]
    with zipfile.ZipFile(ruta, "w") as nuevo:
        for nombre, datos in partes:
            if nombre == "docProps/core.xml":
                datos = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", datos)
            nuevo.writestr(zipfile.ZipInfo(nombre, date_time=(1980, 1, 1, 0, 0, 0)), datos,
                           compress_type=zipfile.ZIP_DEFLATED)

