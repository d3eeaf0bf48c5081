"""Ida y vuelta con nbgrader tras calificar: export, generate_feedback, release_feedback y formgrader.

Las entregas llegan con la disposición de ``nbgrader collect`` (``<estudiante>/<taller>/`` con su
``timestamp.txt``) o sin él (vale la fecha del fichero). Las herramientas de nbgrader deben coincidir
con calificaciones.csv, fechas incluidas, y formgrader debe mostrar la respuesta escrita y la gráfica
del estudiante (sin su HTML ni su JavaScript).
"""
import base64
import csv
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from autograder.banco import velocidad as banco
from autograder.salidas import libro_notas
from conftest import RAIZ, entorno_de_ordenes
from lms_comun import BIEN, CUADERNO, MAL, TALLER, calificar, calificaciones
from construccion import generar_cuadernos

# lenta: nbgrader (gradebook, export, formgrader, feedback).
pytestmark = [pytest.mark.lenta, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
NBGRADER = str(Path(sys.executable).parent / "nbgrader")
RESPUESTA = "La red se queda cerca de log 2 porque al principio responde 0,5 para todo."
# PNG de 1×1 píxeles: la «gráfica» que el estudiante guardó en su cuaderno.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000201a5ad6a8e0000000049454e44ae426082")).decode()


def entrega(soluciones, respuesta=RESPUESTA):
    """Cuaderno del estudiante con soluciones, una respuesta escrita y la salida de su celda de trabajo."""
    from autograder.banco import muestras

    nb = muestras.rellenar(json.loads(CUADERNO.read_text(encoding="utf-8")), soluciones)
    for celda in nb["cells"]:
        gid = celda["metadata"].get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("respuesta_"):
            celda["source"] = "".join(celda["source"]).replace("ESCRIBE TU RESPUESTA AQUÍ", respuesta)
        if gid.startswith("trabajo_"):
            celda["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": "¿Resuelve el XOR? True\n"},
                {"output_type": "display_data", "metadata": {},
                 "data": {"image/png": PNG, "text/plain": "<Figure size 600x400>"}},
                {"output_type": "display_data", "metadata": {},
                 "data": {"text/html": "<script>alert('hola')</script>"}}]
    return json.dumps(nb, ensure_ascii=False)


def orden(curso, *args):
    return subprocess.run([NBGRADER, *args], cwd=curso, env=entorno_de_ordenes(), capture_output=True, text=True)


@pytest.fixture(scope="module")
def vuelta(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("nbgrader")
    curso = banco.copiar_curso(RAIZ / "solutions", carpeta / "curso")
    entregas = carpeta / "entregas"
    for estudiante, soluciones, fecha in (("ana", BIEN, "2025-03-03 10:00:00.123456 UTC"),
                                          ("beto", MAL, None)):
        destino = entregas / estudiante / TALLER.id
        destino.mkdir(parents=True)
        (destino / TALLER.cuaderno).write_text(entrega(soluciones), encoding="utf-8")
        if fecha:
            (destino / "timestamp.txt").write_text(fecha, encoding="utf-8")
        else:
            marca = datetime(2025, 3, 4, 23, 59, 30, tzinfo=timezone.utc).timestamp()
            os.utime(destino / TALLER.cuaderno, (marca, marca))
    lista = carpeta / "alumnos.csv"
    lista.write_text("id,nombre de pila,apellidos,correo\nana,María José,Fernández-Ibáñez,ana@uni.es\n"
                     "beto,Beto,Ruiz,beto@uni.es\n"
                     "carla,Carla Gil,carla@uni.es\n", encoding="utf-8")
    r = calificar(entregas, carpeta / "notas", "--curso", str(curso), "--lista", str(lista), "--tiempo-max", "20")
    assert r.returncode == 0, r.stderr[-3000:]
    return {"curso": curso, "csv": calificaciones(carpeta / "notas"), "r": r, "carpeta": carpeta}


def test_nbgrader_export_coincide_con_el_csv_fechas_nombres_y_correos(vuelta):
    curso = vuelta["curso"]
    r = orden(curso, "export", "--to", str(curso / "export.csv"))
    assert r.returncode == 0, r.stderr[-2000:]
    with open(curso / "export.csv", encoding="utf-8") as f:
        filas = {fila["student_id"]: fila for fila in csv.DictReader(f) if fila["assignment"] == TALLER.id}
    nuestro = vuelta["csv"]
    for estudiante in ("ana", "beto"):
        assert float(filas[estudiante]["score"]) == float(nuestro[estudiante]["puntos"])
        assert filas[estudiante]["timestamp"].startswith(nuestro[estudiante]["fecha_entrega"][:19])
    assert nuestro["ana"]["fecha_entrega"] == "2025-03-03 10:00:00 UTC"
    # Issue 22, punto 11: nombre de pila y apellidos de sus columnas, sin partir «María José».
    assert filas["ana"]["first_name"] == "María José" and filas["ana"]["last_name"] == "Fernández-Ibáñez"
    assert filas["ana"]["email"] == "ana@uni.es"
    assert nuestro["carla"]["estado"] == "sin_entrega" and float(filas["carla"]["score"]) == 0


def test_api_de_formgrader_sin_pendientes_y_con_las_notas_del_csv(vuelta):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    api = NbGraderAPI(CourseDirectory(root=str(vuelta["curso"])))
    envios = {s["student"]: s for s in api.get_submissions(TALLER.id)}
    for estudiante in ("ana", "beto"):
        assert envios[estudiante]["autograded"] and not envios[estudiante]["needs_manual_grade"]
        assert envios[estudiante]["score"] == float(vuelta["csv"][estudiante]["puntos"])
    assert envios["ana"]["timestamp"].startswith("2025-03-03T10:00:00")
    assert envios["beto"]["timestamp"].startswith("2025-03-04T23:59:30")


@pytest.fixture(scope="module")
def retroalimentacion(vuelta):
    """``nbgrader generate_feedback`` sobre el curso calificado (una vez: tarda)."""
    r = orden(vuelta["curso"], "generate_feedback", TALLER.id, "--force")
    assert r.returncode == 0, r.stderr[-2000:]
    return vuelta["curso"] / "feedback"


def test_formgrader_muestra_la_respuesta_escrita_y_la_grafica(vuelta, retroalimentacion):
    nb = json.loads((vuelta["curso"] / "autograded" / "ana" / TALLER.id / TALLER.cuaderno).read_text("utf-8"))
    respuesta = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("respuesta_")]
    assert respuesta and RESPUESTA in "".join(respuesta[0]["source"])
    assert respuesta[0]["metadata"]["nbgrader"]["solution"] and respuesta[0]["metadata"]["nbgrader"]["grade"]
    trabajo = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("trabajo_"))
    assert [o["output_type"] for o in trabajo["outputs"]] == ["stream", "display_data"]  # sin el HTML
    # generate_feedback convierte con nbconvert el mismo cuaderno que pinta formgrader.
    html = (retroalimentacion / "ana" / TALLER.id / TALLER.cuaderno.replace(".ipynb", ".html")).read_text("utf-8")
    assert RESPUESTA in html and "data:image/png;base64," + PNG[:20] in html
    assert "alert(" not in html and "verificar(" not in html and "Score: 10.0 / 10.0" in html


def test_release_feedback_funciona(vuelta, retroalimentacion):
    curso, intercambio = vuelta["curso"], vuelta["carpeta"] / "intercambio"
    intercambio.mkdir()
    intercambio.chmod(0o777)  # como /srv/nbgrader/exchange: escribible por todos
    assert (retroalimentacion / "ana" / TALLER.id / "timestamp.txt").read_text().startswith("2025-03-03 10:00:00")
    r = orden(curso, "release_feedback", TALLER.id, f"--Exchange.root={intercambio}")
    assert r.returncode == 0, r.stderr[-2000:]
    publicados = list((intercambio / "redes-neuronales" / "feedback").glob("*.html"))
    assert len(publicados) == 2


def test_respuestas_con_puntos_quedan_pendientes_en_formgrader(tmp_path):
    curso = banco.copiar_curso(RAIZ / "solutions", tmp_path / "curso")
    fuente = curso / "source" / TALLER.id / TALLER.cuaderno
    fuente.write_text(generar_cuadernos.texto_cuaderno(generar_cuadernos.construir(TALLER.id, 2)), encoding="utf-8")
    (tmp_path / "entregas" / "ana").mkdir(parents=True)
    (tmp_path / "entregas" / "ana" / TALLER.cuaderno).write_text(entrega(BIEN), encoding="utf-8")
    r = calificar(tmp_path / "entregas", tmp_path / "notas", "--curso", str(curso), "--tiempo-max", "20")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "pendientes de revisión manual" in r.stdout
    assert libro_notas.pendientes_de_revision(curso, TALLER) == ["ana"]
    from nbgrader.api import Gradebook

    with Gradebook(libro_notas.url_de(curso)) as gb:
        envio = gb.find_submission(TALLER.id, "ana")
        assert envio.max_score > 10 and envio.score == 10


def test_el_gradebook_se_escribe_mientras_se_califica(tmp_path):
    """Cada entrega llega al gradebook en cuanto está calificada (desde un hilo), sin esperar al final."""
    import time

    from nbgrader.api import Gradebook, MissingEntry

    curso = banco.copiar_curso(RAIZ / "solutions", tmp_path / "curso")
    escritor = libro_notas.Escritor(curso, TALLER)
    fecha = datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)
    escritor.poner({"estudiante": "ana", "estado": "ok", "nombre": "Ana Pérez", "correo": "ana@uni.es",
                    "fecha": fecha, "funciones": {f: {"puntos": p} for f, p in TALLER.puntos.items()}})
    plazo, puntos = time.monotonic() + 120, None
    # Sin llamar a terminar(). add_submission de nbgrader confirma antes la entrega con 0 puntos: se espera la nota.
    while puntos != TALLER.puntos_max and time.monotonic() < plazo:
        time.sleep(0.2)
        try:
            with Gradebook(libro_notas.url_de(curso)) as gb:
                puntos = gb.find_submission(TALLER.id, "ana").score
        except Exception:  # aún no está, o la base está ocupada con una escritura
            puntos = None
    assert puntos == TALLER.puntos_max
    escritor.poner({"estudiante": "beto", "estado": "sin_entrega", "funciones": {}})
    assert escritor.terminar() == (1, {})  # beto no tenía cuaderno: no cuenta como entrega
    with Gradebook(libro_notas.url_de(curso)) as gb:
        assert gb.find_student("ana").email == "ana@uni.es"
        with pytest.raises(MissingEntry):
            gb.find_student("beto")
