"""Circuito con Canvas: descarga de entregas (nombres, _LATE, reenvíos) y CSV de importación del libro.

La descarga («Descargar entregas») lleva un fichero por adjunto, llamado
``apellidonombre[_LATE]_<usuario>_<adjunto>_<nombre original>``, con ``-1``, ``-2``… si el estudiante
volvió a entregar; el libro exportado tiene ``Student, ID, SIS User ID, SIS Login ID, Section``, una
columna por tarea (``Taller 4 (222)``) y la fila ``Points Possible``.
"""
import zipfile

import pytest

from autograder.recogida import entregas
from lms_comun import MAL, calificar, calificaciones, cuaderno, filas_csv

LIBRO = ("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Taller 3 (111),Taller 4 (222),Current Points,"
         "Final Points,Current Score,Final Score\n"
         "    Points Possible,,,,,10.00,20.00,(read only),(read only),(read only),(read only)\n"
         "\"López, María\",5001,A001,mlopez,Grupo 1,9.00,,9.00,9.00,90.00,30.00\n"
         "\"Núñez, José\",5002,A002,jnunez,Grupo 1,7.00,,7.00,7.00,70.00,23.33\n"
         "\"García, Ana\",5003,A003,agarcia,Grupo 2,8.00,3.00,11.00,11.00,36.67,36.67\n"
         "\"Student, Test\",5999,,,Grupo 1,,,0.00,0.00,,\n")


@pytest.fixture(scope="module")
def vuelta(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("canvas")
    descarga = carpeta / "submissions.zip"
    with zipfile.ZipFile(descarga, "w") as z:
        z.writestr("lopezmaria_5001_90001_xor-retropropagacion.ipynb", cuaderno(MAL))  # primera entrega
        z.writestr("lopezmaria_5001_90077_xor-retropropagacion-1.ipynb", cuaderno())  # la vuelve a entregar
        z.writestr("nunezjose_LATE_5002_90010_taller4.ipynb", cuaderno(MAL))
        z.writestr("ajenopepe_7777_90030_xor.ipynb", cuaderno())
    libro = carpeta / "2025-03-04T1200_Calificaciones-REDES.csv"
    libro.write_bytes(LIBRO.encode("utf-8"))
    salida = carpeta / "notas"
    r = calificar(descarga, salida, "--sin-gradebook", "--tiempo-max", "20", "--canvas", str(libro),
                  "--canvas-columna", "Taller 4")
    assert r.returncode == 0, r.stderr[-3000:]
    return {"salida": salida, "r": r}


def test_nombres_de_la_descarga_de_canvas():
    assert entregas.identidad("lopezmaria_5001_90077_xor-retropropagacion-1") == entregas.Identidad(
        "canvas", "5001", "lopezmaria", tarde=False, adjunto=90077, reenvio=1, fichero="xor-retropropagacion-1")
    assert entregas.identidad("nunezjose_LATE_5002_90010_taller4").tarde is True
    assert entregas.id_de_estudiante("nunezjose_LATE_5002_90010_taller4") == "5002"
    assert entregas.identidad("maria_lopez") is None


def test_una_fila_por_usuario_la_ultima_entrega_y_el_retraso(vuelta):
    filas = calificaciones(vuelta["salida"])
    assert set(filas) == {"5001", "5002", "7777"}
    assert filas["5001"]["puntos"] == "10" and filas["5001"]["reenvio"] == "1"
    assert "más reciente" in filas["5001"]["detalle"]
    assert filas["5002"]["puntos"] == "4" and filas["5002"]["tarde"] == "sí" and filas["5001"]["tarde"] == "no"


def test_nombres_del_libro_de_canvas_en_el_csv_y_la_hoja_de_calculo(vuelta):
    import openpyxl

    filas = calificaciones(vuelta["salida"])
    assert filas["5001"]["nombre"] == "López, María" and filas["5002"]["nombre"] == "Núñez, José"
    assert filas["7777"]["nombre"] == ""  # sin fila en el libro: ningún nombre inventado
    hoja = openpyxl.load_workbook(vuelta["salida"] / "calificaciones.xlsx").active
    cabecera = [c.value for c in hoja[1]]
    nombres = {str(f[cabecera.index("Estudiante")]): f[cabecera.index("Nombre")]
               for f in hoja.iter_rows(min_row=2, values_only=True)}
    assert nombres["5001"] == "López, María" and nombres["5002"] == "Núñez, José"


def test_csv_de_importacion_de_canvas(vuelta):
    filas = filas_csv((vuelta["salida"] / "canvas" / "calificaciones-canvas.csv").read_bytes(), bom=True)
    assert filas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Taller 4 (222)"]
    assert filas[1] == ["    Points Possible", "", "", "", "", "20.00"]
    por_id = {f[1]: f for f in filas[2:]}
    assert por_id["5001"] == ["López, María", "5001", "A001", "mlopez", "Grupo 1", "20"]  # 10/10 sobre 20
    assert por_id["5002"][5] == "8"  # 4/10 sobre 20
    assert por_id["5003"][5] == "3.00"  # sin entrega: como estaba
    assert "7777" in vuelta["r"].stderr and "libro de Canvas" in vuelta["r"].stderr


def test_columna_de_canvas_inexistente_da_un_error_claro(tmp_path):
    libro = tmp_path / "libro.csv"
    libro.write_bytes(LIBRO.encode("utf-8"))
    (tmp_path / "entregas").mkdir()
    r = calificar(tmp_path / "entregas", tmp_path / "salida", "--sin-gradebook", "--canvas", str(libro),
                  "--canvas-columna", "Taller 9")
    assert r.returncode == 2 and "«Taller 3 (111)», «Taller 4 (222)»" in r.stderr and "Traceback" not in r.stderr
    r = calificar(tmp_path / "entregas", tmp_path / "salida", "--sin-gradebook", "--canvas", str(libro))
    assert r.returncode == 2 and "--canvas-columna" in r.stderr


def test_el_nombre_de_canvas_en_el_gradebook_separa_apellidos_y_nombre_por_la_coma():
    from autograder.salidas.libro_notas import _datos_estudiante

    assert _datos_estudiante({"nombre": "García López, Ana"}) == {"first_name": "Ana", "last_name": "García López"}
    # Sin coma ni columnas separadas no se adivina dónde acaba el nombre de pila (issue 22, punto 11).
    assert _datos_estudiante({"nombre": "María José Fernández-Ibáñez"}) == {"last_name": "María José Fernández-Ibáñez"}
    assert _datos_estudiante({"nombre": "x", "nombre_pila": "María José", "apellidos": "Fernández-Ibáñez"}) == {
        "first_name": "María José", "last_name": "Fernández-Ibáñez"}
