"""La nota final al LMS: automática + revisión manual en formgrader + retrasos (issue 22, punto 10).

La prueba lenta califica una descarga de Moodle (con hoja de calificaciones real y un calendario con
plazo) en un curso cuyas respuestas escritas valen puntos, pone notas a mano en el gradebook real de
nbgrader (como formgrader), ejecuta ``python -m autograder nota-final`` y lee el CSV, el xlsx y la hoja
de Moodle. Las demás son unitarias: el cálculo, el CSV de Canvas y el aviso de ``--puntos-manuales``.
"""
import subprocess
import sys
import zipfile
from datetime import datetime, timezone

import pytest

from autograder.banco import velocidad as banco
from autograder.salidas import canvas, libro_notas, nota_final
from conftest import RAIZ, entorno_de_ordenes
from construccion import generar_cuadernos
from lms_comun import MAL, TALLER, calificar, calificaciones, cuaderno, filas_csv

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CALENDARIO = """zona_horaria: Europe/Madrid
retraso: {penalizacion_por_dia: 10, dias_maximos: 3}
talleres:
  xor-retropropagacion:
    publicar: "2025-02-17 09:00"
    entrega: "2025-03-03 23:59"
"""
CABECERA = ["Identificador", "Nombre completo", "Dirección de correo", "Estado", "Calificación",
            "Calificación máxima", "La calificación puede ser cambiada", "Última modificación (entrega)",
            "Última modificación (calificación)", "Comentarios de retroalimentación"]
ALUMNOS = {1001: "María López", 1002: "José Núñez", 1003: "Ana García", 1004: "Luis Pérez", 1005: "Eva Ruiz"}


def _hoja():
    filas = [CABECERA] + [[f"Participante {p}", n, f"{p}@uni.es", "Enviado para calificar", "", "10,00", "Sí", "-",
                           "-", ""] for p, n in ALUMNOS.items()]
    return "\n".join(",".join(f'"{c}"' for c in f) for f in filas).encode("utf-8")


def _nbgrader(curso, *args):
    return subprocess.run([str(RAIZ / ".venv" / "bin" / "nbgrader"), *args], cwd=curso, env=entorno_de_ordenes(),
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def clase(tmp_path_factory):
    from nbgrader.api import Gradebook

    carpeta = tmp_path_factory.mktemp("nota_final")
    curso = banco.copiar_curso(RAIZ / "solutions", carpeta / "curso")
    fuente = libro_notas.cuaderno_fuente(curso, TALLER)  # respuestas y tareas a 1 punto (--puntos-manuales 1)
    fuente.write_text(generar_cuadernos.texto_cuaderno(generar_cuadernos.construir(TALLER.id, 1)), encoding="utf-8")
    manuales = libro_notas.puntos_manuales_de_la_fuente(curso, TALLER)
    (carpeta / "calendario.yml").write_text(CALENDARIO, encoding="utf-8")
    (carpeta / "hoja.csv").write_bytes(_hoja())
    descarga = carpeta / "descarga.zip"
    with zipfile.ZipFile(descarga, "w") as z:  # el plazo acaba el 3 a las 23:00 UTC
        for participante, codigo, fecha in ((1001, None, (2025, 3, 3, 20, 0, 0)), (1002, MAL, (2025, 3, 3, 21, 0, 0)),
                                            (1003, None, (2025, 3, 4, 10, 0, 0)), (1004, None, (2025, 3, 3, 22, 0, 0))):
            nombre = f"{ALUMNOS[participante]}_{participante}_assignsubmission_file_/{TALLER.cuaderno}"
            z.writestr(zipfile.ZipInfo(nombre, date_time=fecha), cuaderno(codigo) if codigo else cuaderno())
    salida = carpeta / "notas"
    r = calificar(descarga, salida, "--curso", str(curso), "--tiempo-max", "20", "--calendario",
                  str(carpeta / "calendario.yml"), "--moodle", str(carpeta / "hoja.csv"))
    assert r.returncode == 0, r.stderr[-3000:]
    # Lo que hace el profesor en formgrader (su API escribe así cada nota): 1001 y 1003, todo bien; 1002, la mitad; 1004, aún sin revisar.
    with Gradebook(libro_notas.url_de(curso)) as gb:
        for participante, fraccion in (("1001", 1.0), ("1002", 0.5), ("1003", 1.0)):
            for nombre, puntos in manuales.items():
                nota = gb.find_grade(nombre, TALLER.cuaderno.removesuffix(".ipynb"), TALLER.id, participante)
                nota.manual_score = puntos * fraccion
                nota.needs_manual_grade = False  # lo mismo que guarda formgrader (GradeHandler.put)
        gb.db.commit()
    final = subprocess.run([sys.executable, "-m", "autograder", "nota-final", TALLER.id, "--salida", str(salida),
                            "--curso", str(curso), "--calendario", str(carpeta / "calendario.yml")],
                           cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True, timeout=300)
    return {"calificar": r, "final": final, "salida": salida, "manuales": sum(manuales.values())}


@pytest.mark.lenta
def test_nota_final_en_el_csv_con_automatica_manual_y_retraso(clase):
    assert clase["final"].returncode == 0, clase["final"].stderr[-3000:]
    assert "nota-final" in clase["calificar"].stdout  # calificar ya dice que la nota final se escribe después
    m = clase["manuales"]
    assert m > 0
    filas = calificaciones(clase["salida"])
    ana, jose, garcia, luis = (filas[str(p)] for p in (1001, 1002, 1003, 1004))
    assert float(ana["puntos_max"]) == 10 + m and float(ana["puntos"]) == 10 + m
    assert (ana["puntos_automaticos"], float(ana["puntos_manuales"]), ana["revision_manual"]) == ("10", m, "hecha")
    assert float(jose["puntos"]) == pytest.approx(4 + m / 2)
    # Un día tarde: pierde el 10 % de la nota máxima total (la automática más la manual).
    assert garcia["dias_de_retraso"] == "1" and float(garcia["puntos_sin_retraso"]) == 10 + m
    assert float(garcia["puntos"]) == pytest.approx(0.9 * (10 + m))
    assert luis["revision_manual"] == "pendiente" and luis["puntos"] == "" and luis["puntos_sin_retraso"] == ""
    aviso = clase["final"].stderr
    assert "1 entrega tiene la revisión manual pendiente en formgrader: 1004" in aviso
    assert "Luis Pérez" in aviso and "hoja de Moodle su nota queda vacía" in aviso
    assert "3 entregas con nota final, 1 sin nota final (revisión pendiente)" in clase["final"].stdout
    assert "moodle/hoja-calificada.csv" in clase["final"].stdout


@pytest.mark.lenta
def test_hoja_de_moodle_con_la_nota_final_y_vacia_si_falta_la_revision(clase):
    filas = filas_csv((clase["salida"] / "moodle" / "hoja-calificada.csv").read_bytes())
    por_id = {f[0]: f for f in filas[1:]}
    m = clase["manuales"]
    assert por_id["Participante 1001"][4] == "10,00"
    assert por_id["Participante 1002"][4] == f"{(4 + m / 2) / (10 + m) * 10:.2f}".replace(".", ",")
    assert por_id["Participante 1003"][4] == "9,00"
    assert por_id["Participante 1004"][4] == "" and por_id["Participante 1004"][9] == ""
    assert por_id["Participante 1001"][9].startswith(f"Calificación final: {10 + m:g} de {10 + m:g} puntos "
                                                     f"(automática: 10 de 10; revisión manual: {m:g} de {m:g}).")
    assert "Calificación automática" not in por_id["Participante 1003"][9]


@pytest.mark.lenta
def test_xlsx_distingue_automatica_manual_y_final(clase):
    from openpyxl import load_workbook

    hoja = load_workbook(clase["salida"] / "calificaciones.xlsx").active
    cabecera = [c.value for c in hoja[1]]
    assert cabecera[-4:] == ["Puntos automáticos", "Puntos manuales", "Puntos manuales máximos", "Revisión manual"]
    filas = {f[0]: dict(zip(cabecera, f)) for f in hoja.iter_rows(min_row=2, values_only=True)}
    assert filas["1004"]["Puntos"] is None and filas["1004"]["Revisión manual"] == "pendiente (sin nota final)"
    assert filas["1001"]["Puntos"] == 10 + clase["manuales"] and filas["1001"]["Puntos automáticos"] == 10


def _resultado(estudiante, puntos, estado="ok", dias=None):
    r = {"estudiante": estudiante, "taller": TALLER.id, "puntos": puntos, "puntos_max": 10.0, "estado": estado,
         "detalle": "", "funciones": {f: {"puntos": 0, "max": p} for f, p in TALLER.puntos.items()}}
    if dias is not None:
        r.update(puntos_sin_retraso=puntos, dias_de_retraso=dias)
        r["puntos"] = max(0.0, puntos - dias)  # como lo dejó calificar con un 10 % por día
    return r


def test_calculo_de_la_nota_final():
    from types import SimpleNamespace

    politica = SimpleNamespace(penalizacion_por_dia=10, dias_maximos=3)
    resultados = [_resultado("a", 8.0, dias=0), _resultado("b", 8.0, dias=2), _resultado("c", 8.0, dias=1),
                  _resultado("d", 0.0, "sin_entrega", dias=None), _resultado("e", 9.0, "fuera_de_plazo", dias=5),
                  _resultado("f", 7.0), _resultado("g", 7.0)]
    manuales = {"a": nota_final.Manual(2.0), "b": nota_final.Manual(2.0),
                "c": nota_final.Manual(1.0, pendiente=True), "e": nota_final.Manual(2.0),
                "f": nota_final.Manual(0.0, ajuste_automatico=1.5)}  # una función corregida a mano
    nota_final.aplicar(resultados, 2.0, manuales, politica)
    a, b, c, d, e, f, g = resultados
    assert (a["puntos"], a["puntos_max"], a["revision_manual"]) == (10.0, 12.0, "hecha")
    assert b["puntos"] == pytest.approx(10.0 - 2 * 0.1 * 12.0) and b["puntos_sin_retraso"] == 10.0
    assert c["puntos"] is None and c["revision_manual"] == "pendiente" and c["puntos_sin_retraso"] is None
    assert (d["puntos"], d["revision_manual"]) == (0.0, "sin_entrega")
    assert e["puntos"] == 0.0
    assert (f["puntos"], f["puntos_automaticos"], f["revision_manual"]) == (8.5, 8.5, "hecha")
    assert (g["puntos"], g["revision_manual"]) == (None, "no_en_gradebook")


def test_canvas_deja_como_estaba_la_fila_sin_nota_final(tmp_path):
    libro = tmp_path / "libro.csv"
    libro.write_bytes(("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Taller 4 (222)\n"
                       "    Points Possible,,,,,20.00\n"
                       "\"López, María\",5001,A001,mlopez,Grupo 1,\n"
                       "\"García, Ana\",5003,A003,agarcia,Grupo 2,13.00\n").encode("utf-8"))
    resultados = [_resultado("5001", 10.0), _resultado("5003", 10.0)]
    nota_final.aplicar(resultados, 2.0, {"5001": nota_final.Manual(2.0), "5003": nota_final.Manual(0, True)}, None)
    informe = canvas.escribir_importacion(libro, "Taller 4", resultados, tmp_path / "canvas.csv")
    filas = filas_csv((tmp_path / "canvas.csv").read_bytes())
    assert filas[2][-1] == "20" and filas[3][-1] == "13.00"
    assert informe["pendientes"] == ["5003"] and informe["escritas"] == 1


@pytest.mark.lenta
def test_puntos_manuales_sobre_un_gradebook_que_ya_tiene_el_taller(tmp_path):
    """Regenerar con --puntos-manuales tras calificar: se avisa de qué hacer, y hacerlo funciona."""
    curso = banco.copiar_curso(RAIZ / "solutions", tmp_path / "curso")
    escritor = libro_notas.Escritor(curso, TALLER)  # el taller, con las respuestas a 0 puntos, y una entrega
    entrega = {"estudiante": "ana", "estado": "ok", "fecha": datetime(2025, 3, 3, tzinfo=timezone.utc),
               "funciones": {f: {"puntos": p} for f, p in TALLER.puntos.items()}}
    escritor.poner(entrega)
    assert escritor.terminar() == (1, {})
    assert libro_notas.aviso_puntos_manuales(curso, TALLER) is None
    fuente = libro_notas.cuaderno_fuente(curso, TALLER)
    fuente.write_text(generar_cuadernos.texto_cuaderno(generar_cuadernos.construir(TALLER.id, 1)), encoding="utf-8")
    aviso = libro_notas.aviso_puntos_manuales(curso, TALLER)
    assert aviso and aviso.startswith("Aviso:") and f"nbgrader generate_assignment {TALLER.id} --force" in aviso
    # Lo que dice el aviso: generate_assignment registra los puntos nuevos sin perder la entrega…
    r = _nbgrader(curso, "generate_assignment", TALLER.id, "--force")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert libro_notas.aviso_puntos_manuales(curso, TALLER) is None
    # …y calificarla otra vez la deja pendiente de revisión en formgrader.
    escritor = libro_notas.Escritor(curso, TALLER)
    escritor.poner(entrega)
    assert escritor.terminar() == (1, {})
    assert libro_notas.pendientes_de_revision(curso, TALLER) == ["ana"]


def test_sin_calificacion_o_sin_gradebook_un_error_en_espanol_que_dice_que_hacer(tmp_path, capsys):
    from autograder.cli import main

    assert main(["nota-final", TALLER.id, "--salida", str(tmp_path / "notas")]) == 2
    assert f"Califica primero: python -m autograder calificar {TALLER.id}" in capsys.readouterr().err
    (tmp_path / "notas").mkdir()
    (tmp_path / "notas" / ".calificacion.json").write_text(
        '{"version": 1, "taller": "%s", "opciones": {}, "resultados": []}' % TALLER.id, encoding="utf-8")
    assert main(["nota-final", TALLER.id, "--salida", str(tmp_path / "notas"), "--curso", str(tmp_path)]) == 2
    assert "no hay gradebook en" in capsys.readouterr().err
    assert main(["nota-final", "no-existe", "--salida", str(tmp_path / "notas")]) == 2
    assert "no existe el taller «no-existe»" in capsys.readouterr().err
