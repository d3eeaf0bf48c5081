"""Circuito con Moodle: descarga de entregas, hoja de calificaciones, zip de retroalimentación y xlsx.

La descarga («Descargar todas las entregas») y la hoja («Descargar hoja de calificaciones») se
construyen con los nombres de carpeta y las columnas reales de Moodle, en español y con BOM, como
las exporta; se comprueba lo que leería su importador.
"""
import zipfile

import pytest

from autograder.salidas import moodle
from lms_comun import MAL, TALLER, calificar, calificaciones, cuaderno, filas_csv

CABECERA = ["Identificador", "Nombre completo", "Dirección de correo", "Estado", "Calificación",
            "Calificación máxima", "La calificación puede ser cambiada", "Última modificación (entrega)",
            "Última modificación (calificación)", "Comentarios de retroalimentación"]
FILAS = [
    ["Participante 1001", "María López", "maria@uni.es", "Enviado para calificar", "", "10,00", "Sí",
     "lunes, 3 de marzo de 2025, 14:05", "-", ""],
    ["Participante 1002", "José Núñez", "jose@uni.es", "Enviado para calificar", "", "10,00", "Sí",
     "lunes, 3 de marzo de 2025, 15:00", "-", ""],
    ["Participante 1003", "Ana García", "ana@uni.es", "No entregado", "", "10,00", "Sí", "-", "-", ""],
    ["Participante 1004", "Luis Pérez", "luis@uni.es",
     "Enviado para calificar - La tarea fue enviada 2 horas 5 minutos tarde", "", "10,00", "Sí",
     "martes, 4 de marzo de 2025, 02:05", "-", ""],
]


def _csv(filas, bom=True):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(filas)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def vuelta(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("moodle")
    descarga = carpeta / "TALLER-4-descargar-todo.zip"
    with zipfile.ZipFile(descarga, "w") as z:
        info = zipfile.ZipInfo("María López_1001_assignsubmission_file_/xor-retropropagacion.ipynb",
                               date_time=(2025, 3, 3, 14, 5, 0))
        z.writestr(info, cuaderno())
        z.writestr("José Núñez_1002_assignsubmission_file_/mi taller.ipynb", cuaderno(MAL))
        # Sin «Descargar entregas en carpetas», Moodle pone el prefijo en el nombre del fichero.
        z.writestr("Luis Pérez_1004_assignsubmission_file_xor-retropropagacion.ipynb", cuaderno())
        z.writestr("Intruso Ajeno_9999_assignsubmission_file_/x.ipynb", cuaderno())
    hoja = carpeta / "Calificaciones-Curso-Taller 4-42.csv"
    hoja.write_bytes(_csv([CABECERA] + FILAS))
    lista = carpeta / "alumnos.csv"  # como la guarda Excel en español: punto y coma y BOM
    lista.write_bytes("\ufeffid;nombre;correo\n1001;María López;maria@uni.es\n1002;José Núñez;jose@uni.es\n"
                      "1003;Ana García;ana@uni.es\n1004;Luis Pérez;luis@uni.es\n1005;Eva Ruiz;eva@uni.es\n"
                      .encode("utf-8"))
    salida = carpeta / "notas"
    r = calificar(descarga, salida, "--sin-gradebook", "--tiempo-max", "20", "--moodle", str(hoja),
                  "--lista", str(lista))
    assert r.returncode == 0, r.stderr[-3000:]
    return {"salida": salida, "r": r, "hoja": hoja}


def test_hoja_calificada_la_lee_el_importador_de_moodle(vuelta):
    datos = (vuelta["salida"] / "moodle" / "hoja-calificada.csv").read_bytes()
    filas = filas_csv(datos, bom=True)
    assert filas[0] == CABECERA
    por_id = {f[0]: f for f in filas[1:]}
    assert list(por_id) == [f[0] for f in FILAS]  # mismas filas, mismo orden
    # Coma decimal, como la columna «Calificación máxima» de la hoja; sin entrega: como estaba.
    assert [por_id[f"Participante {i}"][4] for i in (1001, 1002, 1003, 1004)] == ["10,00", "4,00", "", "10,00"]
    for original in FILAS:  # nada más cambia (tampoco «Última modificación (calificación)»)
        nueva = por_id[original[0]]
        assert nueva[:4] + nueva[5:9] == original[:4] + original[5:9]
    # «Comentarios de retroalimentación»: un resumen corto en las filas calificadas (issue 22, punto 6).
    assert por_id["Participante 1002"][9].startswith("Calificación automática: 4 de 10 puntos. Por función: "
                                                     "backProp: 0 de 6; entrenarRed: 4 de 4.")
    assert por_id["Participante 1003"][9] == ""
    assert "9999" in vuelta["r"].stderr and "hoja de Moodle" in vuelta["r"].stderr


def test_zip_de_retroalimentacion_con_las_carpetas_que_espera_moodle(vuelta):
    salida = vuelta["salida"]
    with zipfile.ZipFile(salida / "moodle" / "retroalimentacion.zip") as z:
        nombres = z.namelist()
        contenido = {n: z.read(n) for n in nombres}
    asignados = {}
    for nombre in nombres:  # como is_valid_filename_for_import de Moodle
        carpeta = nombre.split("/")[0]
        partes = carpeta.split("_", 4)
        assert len(partes) >= 4 and partes[1].isdigit() and partes[2:4] == ["assignfeedback", "file"], nombre
        asignados[partes[1]] = (partes[0], nombre.split("/", 1)[1])
    assert asignados["1001"] == ("María López", f"retroalimentacion-{TALLER.id}.html")
    assert "1003" not in asignados and "1005" not in asignados  # sin entrega, sin retroalimentación
    for participante in ("1001", "1002", "1004"):
        nombre = next(n for n in nombres if f"_{participante}_" in n)
        assert contenido[nombre] == (salida / "retroalimentacion" / f"{participante}.html").read_bytes()


def test_csv_con_lista_fechas_y_retrasos(vuelta):
    filas = calificaciones(vuelta["salida"])
    assert filas["1005"]["estado"] == "sin_entrega" and filas["1005"]["nombre"] == "Eva Ruiz"
    assert filas["1001"]["nombre"] == "María López" and filas["1001"]["correo"] == "maria@uni.es"
    # La «Última modificación (entrega)» de la hoja (14:05 en Madrid, la zona del calendario), no la del zip.
    assert filas["1001"]["fecha_entrega"] == "2025-03-03 13:05:00 UTC"
    assert filas["1004"]["tarde"] == "sí" and filas["1001"]["tarde"] == "no"
    assert {e: f["puntos"] for e, f in filas.items()} == {"1001": "10", "1002": "4", "1003": "0", "1004": "10",
                                                         "1005": "0", "9999": "10"}
    assert "9999" in vuelta["r"].stderr and "lista de clase" in vuelta["r"].stderr


def test_xlsx_numeros_tildes_y_estados_resaltados(vuelta):
    from openpyxl import load_workbook

    hoja = load_workbook(vuelta["salida"] / "calificaciones.xlsx").active
    filas = list(hoja.iter_rows(values_only=True))
    cabecera = filas[0]
    assert cabecera[:7] == ("Estudiante", "Nombre", "Correo", "Taller", "Puntos", "Puntos máximos", "Estado")
    assert cabecera[-2:] == TALLER.funciones
    por_id = {f[0]: dict(zip(cabecera, f)) for f in filas[1:]}
    assert por_id["1002"]["Nombre"] == "José Núñez"
    assert por_id["1002"]["Puntos"] == 4 and isinstance(por_id["1002"]["Puntos"], (int, float))
    assert por_id["1002"]["backProp"] == 0 and por_id["1002"]["entrenarRed"] == 4
    assert por_id["1001"]["Fecha de entrega"].year == 2025
    estado = cabecera.index("Estado") + 1
    colores = {hoja.cell(i, 1).value: hoja.cell(i, estado).fill.fgColor.rgb for i in range(2, hoja.max_row + 1)}
    assert colores["1005"] != colores["1001"]  # sin entrega: resaltada; ok: sin relleno


def test_hoja_en_ingles_con_punto_decimal_y_otra_escala(tmp_path):
    cabecera = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
    ruta = tmp_path / "hoja.csv"
    ruta.write_bytes(_csv([cabecera, ["Participant 7", "Ann Lee", "a@x.org", "Submitted for grading", "",
                                      "100.00", "Yes", "Monday, 3 March 2025, 2:05 PM", "-", "Bien"],
                           ["Participant 8", "Bo Li", "b@x.org", "No submission", "55.00", "100.00", "Yes",
                            "-", "-", ""]], bom=False))
    hoja = moodle.leer_hoja(ruta)
    resultados = [{"estudiante": "7", "estado": "ok", "puntos": 7.5, "puntos_max": 10},
                  {"estudiante": "8", "estado": "sin_entrega", "puntos": 0, "puntos_max": 10}]
    informe = moodle.rellenar(hoja, resultados, 100, tmp_path / "salida.csv")
    filas = filas_csv((tmp_path / "salida.csv").read_bytes(), bom=False)
    assert filas[0] == cabecera and filas[1][4] == "75.00" and filas[2][4] == "55.00" and filas[1][9] == "Bien"
    assert informe == {"escritas": 1, "sin_fila": [], "sin_cambiar": []}


def test_una_hoja_que_no_es_de_moodle_da_un_error_claro(tmp_path):
    ruta = tmp_path / "notas.csv"
    ruta.write_text("nombre,nota\nAna,7\n", encoding="utf-8")
    (tmp_path / "entregas").mkdir()
    r = calificar(tmp_path / "entregas", tmp_path / "salida", "--sin-gradebook", "--moodle", str(ruta))
    assert r.returncode == 2 and "no parece una hoja de calificaciones de Moodle" in r.stderr
    assert "Descargar hoja de calificaciones" in r.stderr and "Traceback" not in r.stderr
