"""Plazos y recalificaciones de un curso entero (issue 22, puntos 6–9).

- Política de retrasos del calendario (``--calendario``): nota final, ``puntos_sin_retraso``,
  ``dias_de_retraso``, estado ``fuera_de_plazo``, entregas sin fecha conocida.
- Fechas: la del ``.zip`` que el estudiante subió (la que le dio Moodle en la descarga) y la
  «Last modified (submission)» de la hoja de Moodle.
- Moodle: «Feedback comments» rellenada, escala de la «Maximum Grade» de la hoja, sin carpeta
  ``moodle/`` vacía.
- Recalificar a un estudiante en la misma ``--salida`` conserva las filas de los demás.

Una sola descarga de Moodle 4.1 (carpetas por entrega, hoja en inglés sobre 100) se califica una
vez; la recalificación trabaja sobre una copia de esa salida.
"""
import io
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timezone

import pytest

from autograder.calificacion import retraso
from autograder.salidas import comentario_moodle, moodle
from autograder.recogida.fechas_lms import fecha_de_hoja
from conftest import RAIZ, entorno_de_ordenes
from lms_comun import BIEN, MAL, TALLER, calificar, calificaciones, cuaderno, filas_csv

CALENDARIO = """zona_horaria: Europe/Madrid
retraso: {penalizacion_por_dia: 10, dias_maximos: 3}
talleres:
  xor-retropropagacion:
    publicar: "2025-02-17 09:00"
    entrega: "2025-03-03 23:59"
"""
# El plazo termina el 4 de marzo de 2025 a las 0:00 en Madrid: 2025-03-03 23:00 UTC.
CABECERA = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
            "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def _fila(participante, nombre, entregada, estado="Submitted for grading", comentario=""):
    return [f"Participant {participante}", nombre, f"{participante}@uni.es", estado, "", "100.00", "Yes",
            entregada, "-", comentario]


HOJA = [
    _fila(2001, "Ann Lee", "Monday, 3 March 2025, 9:00 PM", comentario="Buen trabajo en el laboratorio."),
    _fila(2002, "Bo Li", "Tuesday, 4 March 2025, 12:30 AM"),  # 30 min tarde según Moodle (el zip dice a tiempo)
    _fila(2003, "Cy Ng", "Thursday, 6 March 2025, 1:00 PM"),
    _fila(2004, "Di Wu", "Saturday, 8 March 2025, 11:00 AM"),
    _fila(2005, "Ed Ko", "-"),
    _fila(2006, "Flo Ma", "-"),
    _fila(2007, "Gus Paz", "-", estado="No submission"),
]


def _csv(filas):
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, lineterminator="\n").writerows(filas)
    return buffer.getvalue().encode("utf-8")


def _poner(z, nombre, datos, fecha):
    z.writestr(zipfile.ZipInfo(nombre, date_time=fecha), datos)


def _descarga(ruta, entregas):
    """Zip de «Download all submissions» de Moodle 4.1 (una carpeta por entrega)."""
    with zipfile.ZipFile(ruta, "w") as z:
        for participante, nombre, contenido, fecha in entregas:
            carpeta = f"{nombre}_{participante}_assignsubmission_file_"
            if isinstance(contenido, bytes):  # un .zip subido por el estudiante
                _poner(z, f"{carpeta}/entrega.zip", contenido, fecha)
            else:
                _poner(z, f"{carpeta}/{TALLER.cuaderno}", contenido, fecha)
    return ruta


def _zip_del_estudiante():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:  # la fecha de dentro la elige el estudiante: no cuenta
        _poner(z, TALLER.cuaderno, cuaderno(), (2025, 3, 1, 0, 0, 0))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def curso(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("plazos")
    (carpeta / "calendario.yml").write_text(CALENDARIO, encoding="utf-8")
    (carpeta / "hoja.csv").write_bytes(_csv([CABECERA] + HOJA))
    (carpeta / "alumnos.csv").write_text(
        "id,nombre,correo\n" + "".join(f"{f[0].split()[1]},{f[1]},{f[2]}\n" for f in HOJA), encoding="utf-8")
    descarga = _descarga(carpeta / "descarga.zip", [
        (2001, "Ann Lee", cuaderno(), (2025, 3, 3, 20, 0, 0)),
        (2002, "Bo Li", cuaderno(), (2025, 3, 3, 22, 0, 0)),
        (2003, "Cy Ng", cuaderno(MAL), (2025, 3, 6, 12, 0, 0)),
        (2004, "Di Wu", cuaderno(), (2025, 3, 8, 10, 0, 0)),
        (2005, "Ed Ko", _zip_del_estudiante(), (2025, 3, 4, 10, 0, 0)),
        (2006, "Flo Ma", cuaderno(), (2105, 1, 1, 0, 0, 0)),  # fecha imposible: desconocida
    ])
    salida = carpeta / "notas"
    r = calificar(descarga, salida, "--sin-gradebook", "--tiempo-max", "20", "--calendario",
                  str(carpeta / "calendario.yml"), "--moodle", str(carpeta / "hoja.csv"),
                  "--lista", str(carpeta / "alumnos.csv"))
    assert r.returncode == 0, r.stderr[-3000:]
    return {"carpeta": carpeta, "salida": salida, "r": r,
            "hoja": filas_csv((salida / "moodle" / "hoja-calificada.csv").read_bytes(), bom=False)}


def test_la_politica_de_retrasos_da_la_nota_final(curso):
    filas = calificaciones(curso["salida"])
    resumen = {e: (f["puntos"], f["puntos_sin_retraso"], f["dias_de_retraso"], f["estado"]) for e, f in filas.items()}
    assert resumen == {
        "2001": ("10", "10", "0", "ok"),
        "2002": ("9", "10", "1", "ok"),  # 30 minutos tarde: un día
        "2003": ("1", "4", "3", "ok"),  # 2 días y 13 horas: tres días, 4 − 3
        "2004": ("0", "10", "5", "fuera_de_plazo"),  # más de 3 días
        "2005": ("9", "10", "1", "ok"),
        "2006": ("10", "10", "", "ok"),  # sin fecha conocida: no se penaliza
        "2007": ("0", "0", "", "sin_entrega"),
    }
    assert "3 días de retraso" in filas["2003"]["detalle"] and "4 − 3 = 1" in filas["2003"]["detalle"]
    assert "No se conoce la fecha" in filas["2006"]["detalle"]
    assert "2006" in curso["r"].stderr and "no se conoce la fecha de 1 entrega" in curso["r"].stderr
    retro = (curso["salida"] / "retroalimentacion" / "2004.html").read_text(encoding="utf-8")
    assert "Tu nota: <strong>0 de 10</strong>" in retro and "fuera de plazo" in retro
    retro = (curso["salida"] / "retroalimentacion" / "2003.html").read_text(encoding="utf-8")
    assert "Tu nota: <strong>1 de 10</strong>" in retro and "3 días de retraso" in retro
    from openpyxl import load_workbook

    filas = list(load_workbook(curso["salida"] / "calificaciones.xlsx").active.iter_rows(values_only=True))
    assert filas[0][4] == "Puntos" and filas[0][-2:] == ("Puntos sin retraso", "Días de retraso")
    por_id = {f[0]: f for f in filas[1:]}
    assert por_id["2003"][4] == 1 and por_id["2003"][-2:] == (4, 3) and por_id["2004"][4] == 0
    assert por_id["2006"][-1] is None


def test_fechas_de_la_hoja_y_del_zip_subido(curso):
    filas = calificaciones(curso["salida"])
    assert filas["2002"]["fecha_entrega"] == "2025-03-03 23:30:00 UTC"  # la de la hoja, no la del zip
    assert filas["2005"]["fecha_entrega"] == "2025-03-04 10:00:00 UTC"  # la que Moodle dio a su entrega.zip
    assert filas["2006"]["fecha_entrega"] == ""


def test_hoja_de_moodle_sobre_100_con_comentarios(curso):
    filas = curso["hoja"]
    assert filas[0] == CABECERA
    por_id = {f[0].split()[1]: f for f in filas[1:]}
    notas = {p: f[4] for p, f in por_id.items()}
    assert notas == {"2001": "100.00", "2002": "90.00", "2003": "10.00", "2004": "0.00", "2005": "90.00",
                     "2006": "100.00", "2007": ""}  # la «Maximum Grade» de la hoja, sin --escala
    assert "--escala" not in curso["r"].stderr
    comentario = por_id["2003"][9]
    assert comentario.startswith("Calificación automática: 1 de 10 puntos.")
    assert "3 días de retraso" in comentario and "sin el retraso, 4 puntos" in comentario
    assert "backProp: 0 de 6; entrenarRed: 4 de 4" in comentario
    assert f"retroalimentacion-{TALLER.id}.html" in comentario
    assert por_id["2001"][9].startswith("Buen trabajo en el laboratorio.\n\nCalificación automática: 10 de 10")
    assert por_id["2007"][9] == ""
    for original in HOJA:  # nada más cambia
        nueva = por_id[original[0].split()[1]]
        assert nueva[:4] + nueva[5:9] == original[:4] + original[5:9]


def test_recalificar_a_un_estudiante_conserva_a_los_demas(curso, tmp_path):
    salida = tmp_path / "notas"
    shutil.copytree(curso["salida"], salida)
    hoja = tmp_path / "hoja-nueva.csv"  # la nueva hoja: 2003 entregó otra vez el 5 de marzo a las 13:00
    hoja.write_bytes(_csv([CABECERA] + [_fila(2003, "Cy Ng", "Wednesday, 5 March 2025, 1:00 PM")
                                        if f[0] == "Participant 2003" else f for f in HOJA]))
    descarga = _descarga(tmp_path / "reentrega.zip", [(2003, "Cy Ng", cuaderno(BIEN), (2025, 3, 5, 12, 0, 0))])
    calendario = str(curso["carpeta"] / "calendario.yml")
    r = calificar(descarga, salida, "--sin-gradebook", "--calendario", calendario, "--moodle", str(hoja))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "1 entrega recalificada; 6 conservadas de la calificación anterior" in r.stdout
    assert "--lista" in r.stdout  # se usa otra vez la lista de clase de la calificación anterior
    filas = calificaciones(salida)
    assert {e: f["puntos"] for e, f in filas.items()} == {"2001": "10", "2002": "9", "2003": "8", "2004": "0",
                                                         "2005": "9", "2006": "10", "2007": "0"}
    assert filas["2001"]["nombre"] == "Ann Lee" and filas["2005"]["fecha_entrega"] == "2025-03-04 10:00:00 UTC"
    por_id = {f[0].split()[1]: f for f in filas_csv((salida / "moodle" / "hoja-calificada.csv").read_bytes())[1:]}
    assert por_id["2003"][4] == "80.00" and por_id["2001"][4] == "100.00" and por_id["2004"][4] == "0.00"
    from openpyxl import load_workbook

    assert load_workbook(salida / "calificaciones.xlsx").active.max_row == 8  # cabecera y 7 estudiantes
    resumen = (salida / "resumen.html").read_text(encoding="utf-8")
    assert all(f"retroalimentacion/{e}.html" in resumen for e in filas)
    with zipfile.ZipFile(salida / "moodle" / "retroalimentacion.zip") as z:
        assert len(z.namelist()) == 6  # las seis entregas, no solo la recalificada

    r = subprocess.run([sys.executable, "-m", "autograder", "calificar", "descenso-gradiente", str(descarga),
                        "--salida", str(salida), "--sin-gradebook"], cwd=RAIZ, env=entorno_de_ordenes(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "ya tiene las notas del taller «xor-retropropagacion»" in r.stderr
    assert "--desde-cero" in r.stderr and "Traceback" not in r.stderr

    r = calificar(descarga, salida, "--sin-gradebook", "--calendario", calendario, "--desde-cero")
    assert r.returncode == 0, r.stderr[-3000:]
    assert set(calificaciones(salida)) == {"2003"} and "conservadas" not in r.stdout
    assert not (salida / "moodle" / "hoja-calificada.csv").exists()  # sin --moodle ahora: la anterior se borra
    assert not (salida / "retroalimentacion" / "2001.html").exists()
    with zipfile.ZipFile(salida / "moodle" / "retroalimentacion.zip") as z:
        assert len(z.namelist()) == 1


# --- Pruebas unitarias -------------------------------------------------------------------------------


def _plazo(tmp_path, texto=CALENDARIO):
    (tmp_path / "c.yml").write_text(texto, encoding="utf-8")
    return retraso.leer(tmp_path / "c.yml", TALLER.id)[0]


def _utc(*partes):
    return datetime(*partes, tzinfo=timezone.utc).replace(tzinfo=None)


def test_un_dia_por_cada_dia_o_fraccion(tmp_path):
    plazo = _plazo(tmp_path)
    casos = {_utc(2025, 3, 3, 22, 59, 59): 0, _utc(2025, 3, 3, 23, 0, 0): 1, _utc(2025, 3, 4, 22, 59): 1,
             _utc(2025, 3, 4, 23, 0): 2, _utc(2025, 3, 6, 23, 0): 4}
    assert {f: retraso.dias_de_retraso(f, plazo) for f in casos} == casos


def test_nunca_por_debajo_de_0_y_la_politica_del_taller_sustituye_a_la_general(tmp_path):
    plazo = _plazo(tmp_path, CALENDARIO + "    retraso: {penalizacion_por_dia: 25, dias_maximos: 5}\n")

    def resultado(puntos, fecha, estado="ok"):
        return {"estudiante": str(puntos), "estado": estado, "puntos": puntos, "puntos_max": 10, "detalle": "",
                "fecha": fecha}

    tarde_3 = _utc(2025, 3, 6, 12, 0)
    resultados = [resultado(6, tarde_3), resultado(9, tarde_3), resultado(9, _utc(2025, 3, 9, 12, 0)),
                  resultado(8, tarde_3, "sospechosa")]
    assert retraso.aplicar(resultados, plazo) == []
    assert [(r["puntos"], r["estado"]) for r in resultados] == [(0, "ok"), (1.5, "ok"), (0, "fuera_de_plazo"),
                                                                (0.5, "sospechosa")]


def test_sin_plazo_nada_cambia(tmp_path):
    assert _plazo(tmp_path, "zona_horaria: Europe/Madrid\ntalleres: {}\n") is None
    (tmp_path / "mal.yml").write_text("zona_horaria: Europe/Madrid\ntalleres:\n  xor-retropropagacion:\n"
                                      "    entrega: mañana\n", encoding="utf-8")
    with pytest.raises(retraso.CalendarioInvalido, match="no es una fecha"):
        retraso.leer(tmp_path / "mal.yml", TALLER.id)


def test_por_defecto_el_calendario_del_curso(monkeypatch):
    from autograder.cli import analizador

    monkeypatch.delenv("CALIFICADOR_CALENDARIO", raising=False)
    args = analizador().parse_args(["calificar", TALLER.id, ".", "--salida", "x"])
    plazo, _ = retraso.leer(args.calendario, TALLER.id)
    assert args.calendario is None and plazo.entrega.strftime("%Y-%m-%d %H:%M") == "2027-03-21 23:59"


def test_fechas_de_la_hoja_de_moodle_en_espanol_y_en_ingles():
    from zoneinfo import ZoneInfo

    madrid = ZoneInfo("Europe/Madrid")
    assert fecha_de_hoja("lunes, 3 de marzo de 2025, 14:05", madrid) == _utc(2025, 3, 3, 13, 5)
    assert fecha_de_hoja("Monday, 3 March 2025, 2:05 PM", madrid) == _utc(2025, 3, 3, 13, 5)
    assert fecha_de_hoja("Tuesday, 4 March 2025, 12:30 AM", madrid) == _utc(2025, 3, 3, 23, 30)
    assert fecha_de_hoja("miércoles, 2 de julio de 2025, 00:10", madrid) == _utc(2025, 7, 1, 22, 10)
    assert fecha_de_hoja("-", madrid) is None and fecha_de_hoja("", madrid) is None


def test_el_comentario_automatico_se_sustituye_y_el_del_profesor_queda():
    r = {"puntos": 7.5, "puntos_max": 10, "estado": "ok", "taller": TALLER.id,
         "funciones": {"backProp": {"puntos": 3.5, "max": 6}, "entrenarRed": {"puntos": 4, "max": 4}}}
    nuevo = comentario_moodle.resumen(r, coma=True)
    assert nuevo.startswith("Calificación automática: 7,5 de 10 puntos. Por función: backProp: 3,5 de 6;")
    assert comentario_moodle.combinar("", nuevo) == nuevo
    assert comentario_moodle.combinar("Calificación automática: 2 de 10 puntos. …", nuevo) == nuevo
    assert comentario_moodle.combinar("<p>Muy bien.</p>", nuevo) == f"<p>Muy bien.</p>\n\n{nuevo}"
    assert comentario_moodle.combinar(f"Muy bien.\n\n{nuevo}", nuevo) == f"Muy bien.\n\n{nuevo}"


def test_sin_retroalimentacion_para_moodle_no_hay_carpeta_moodle(tmp_path):
    resultados = [{"estudiante": "1001", "estado": "sin_entrega"}]
    n = moodle.zip_retroalimentacion(resultados, {}, tmp_path / "retroalimentacion", TALLER,
                                     tmp_path / "moodle" / "retroalimentacion.zip")
    assert n == 0 and not (tmp_path / "moodle").exists()


def test_una_salida_de_una_version_anterior_se_reconoce_por_su_csv(tmp_path):
    from autograder.lote import recalificacion

    (tmp_path / "calificaciones.csv").write_text("estudiante,taller,puntos\nana,regla-cadena,7\n", encoding="utf-8")
    with pytest.raises(recalificacion.SalidaDeOtroTaller, match="ya tiene las notas del taller «regla-cadena»"):
        recalificacion.leer(tmp_path, TALLER.id)
    anterior = recalificacion.leer(tmp_path, "regla-cadena")
    assert anterior is not None and not anterior.completa
    assert recalificacion.combinar(anterior, [{"estudiante": "beto"}], {"beto"}) == ([{"estudiante": "beto"}], None)
    assert "no se pueden conservar" in recalificacion.aviso_incompleta(anterior, tmp_path)
    assert recalificacion.leer(tmp_path, TALLER.id, desde_cero=True) is None
