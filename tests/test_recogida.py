"""Lo que entra y lo que sale del calificador ante una clase hostil (issue 20, puntos 4–8, 10–12).

Un solo lote real (``python -m autograder calificar``, sin gradebook) mezcla las descargas de Canvas
y de Moodle con los ataques exactos del issue y compañeros normales: identidades robadas con la
cola del nombre del fichero, ``_late_`` en minúscula, entregas anónimas, un carácter de control en
el nombre de una carpeta, un ``timestamp.txt`` subido por el estudiante y otro fuera de rango. Otro
lote, con gradebook, lleva las respuestas escritas hostiles (sustituto suelto, miles de listas
anidadas, enlaces ``javascript:``). Las pruebas unitarias cubren las claves de Dask, el plazo del
escritor del gradebook y el saneado del Markdown.
"""
import csv
import html.parser
import io
import json
import re
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from autograder.banco import velocidad as banco
from autograder.lote import local as lote
from autograder.banco import muestras
from conftest import RAIZ
from lms_comun import BIEN, CUADERNO, MAL, TALLER, calificar, calificaciones, cuaderno, filas_csv

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

VACIO = json.dumps(json.loads(CUADERNO.read_text(encoding="utf-8")))  # el cuaderno sin resolver: 0 puntos
LIBRO = ("Student,ID,SIS User ID,SIS Login ID,Section,Taller 4 (222)\n"
         "    Points Possible,,,,,20.00\n"
         "\"López, María\",5001,A001,mlopez,G1,\n\"Ruiz, Pepe\",5002,A002,pruiz,G1,\n"
         "\"Núñez, José\",5003,A003,jnunez,G1,\n\"García, Ana\",5004,A004,agarcia,G1,\n")
HOJA = ["Identificador,Nombre completo,Dirección de correo,Estado,Calificación,Calificación máxima,"
        "Última modificación (entrega),Última modificación (calificación)"] + [
    f"Participante {i},{n},{n.split()[0].lower()}@uni.es,Enviado para calificar,,\"10,00\",-,-"
    for i, n in ((1001, "Luz Sol"), (1002, "Pepe Ruiz"), (1003, "Ana Gil"),
                 (1006, "Eva Ruiz"), (1007, "Leo Paz"))]
TARDE = (2025, 3, 5, 12, 0, 0)  # la fecha que el LMS dio a los ficheros (después del plazo)


def _clase_hostil(descarga):
    """El zip de la clase: Canvas y Moodle (con y sin carpetas) con ataques y compañeros."""
    miembros = [
        # Canvas. 5002 adjunta un segundo fichero cuyo nombre imita una entrega de Moodle de 5001.
        ("lopezmaria_5001_90001_xor-retropropagacion.ipynb", cuaderno()),
        ("ruizpepe_5002_90040_xor-retropropagacion.ipynb", cuaderno(MAL)),
        ("ruizpepe_5002_90050_x_5001_assignsubmission_file_.ipynb", VACIO),
        ("nunezjose_late_5003_90060_xor.ipynb", cuaderno(MAL)),  # «late» en minúscula
        ("LATE_anon_Xy7Kq_90070_xor.ipynb", cuaderno()),  # calificación anónima
        # Dos nombres distintos con el mismo usuario de Canvas: no se funden.
        ("garciaana_5004_90080_xor.ipynb", cuaderno()), ("otronombre_5004_90081_xor.ipynb", VACIO),
        # Moodle sin carpetas: 1002 sube ficheros cuyo nombre imita las entregas de 1001 y de 1003.
        ("Luz Sol_1001_assignsubmission_file_xor-retropropagacion.ipynb", cuaderno()),
        ("Pepe Ruiz_1002_assignsubmission_file_a_1001_assignsubmission_file_.ipynb", VACIO),
        ("Pepe Ruiz_1002_assignsubmission_file_b_1003_assignsubmission_file_.ipynb", cuaderno()),
        # Moodle con carpetas: un carácter de control en el nombre (punto 10).
        ("Ro\x0bsa Gil_1005_assignsubmission_file_/xor-retropropagacion.ipynb", cuaderno()),
        # Un timestamp.txt subido por el estudiante, suelto o imitando el intercambio de nbgrader (punto 11).
        ("Eva Ruiz_1006_assignsubmission_file_/xor-retropropagacion.ipynb", cuaderno()),
        ("Eva Ruiz_1006_assignsubmission_file_/timestamp.txt", "2025-03-01 10:00:00 UTC"),
        ("Leo Paz_1007_assignsubmission_file_/xor-retropropagacion/xor-retropropagacion.ipynb", cuaderno()),
        ("Leo Paz_1007_assignsubmission_file_/xor-retropropagacion/timestamp.txt", "2025-03-01 10:00:00 UTC"),
        # El intercambio de nbgrader: su timestamp.txt vale; uno fuera de rango se ignora (punto 12).
        ("ana/xor-retropropagacion/xor-retropropagacion.ipynb", cuaderno()),
        ("ana/xor-retropropagacion/timestamp.txt", "2025-03-02 09:00:00.000000 UTC"),
        ("beto/xor-retropropagacion/xor-retropropagacion.ipynb", cuaderno()),
        ("beto/xor-retropropagacion/timestamp.txt", "0001-01-01 00:00:00+14:00"),
    ]
    with zipfile.ZipFile(descarga, "w") as z:
        for nombre, contenido in miembros:
            z.writestr(zipfile.ZipInfo(nombre, date_time=TARDE), contenido)


@pytest.fixture(scope="module")
def hostil(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("recogida")
    _clase_hostil(carpeta / "descarga.zip")
    (carpeta / "libro.csv").write_text(LIBRO, encoding="utf-8")
    (carpeta / "hoja.csv").write_text("\n".join(HOJA) + "\n", encoding="utf-8")
    salida = carpeta / "notas"
    r = calificar(carpeta / "descarga.zip", salida, "--sin-gradebook", "--tiempo-max", "20",
                  "--canvas", str(carpeta / "libro.csv"), "--canvas-columna", "Taller 4",
                  "--moodle", str(carpeta / "hoja.csv"))
    assert r.returncode == 0, r.stderr[-3000:]
    return {"salida": salida, "r": r, "filas": calificaciones(salida)}


def _nota(filas, estudiante):
    return filas[estudiante]["puntos"], filas[estudiante]["estado"]


def test_4_canvas_la_cola_del_nombre_no_roba_la_identidad(hostil):
    filas = hostil["filas"]
    assert _nota(filas, "5001") == ("10", "ok")  # el verdadero 5001 conserva su nota
    assert _nota(filas, "5002") == ("0", "ok") and "más reciente" in filas["5002"]["detalle"]
    assert not [e for e in filas if "assignsubmission" in e or "late" in e]  # ningún estudiante fantasma
    assert _nota(filas, "5003") == ("4", "ok") and filas["5003"]["tarde"] == "sí"
    assert _nota(filas, "anon_Xy7Kq") == ("10", "ok") and filas["anon_Xy7Kq"]["tarde"] == "sí"
    importacion = filas_csv((hostil["salida"] / "canvas" / "calificaciones-canvas.csv").read_bytes())
    por_id = {f[1]: f[5] for f in importacion[2:]}
    assert por_id["5001"] == "20" and por_id["5003"] == "8" and por_id["5002"] == "0"


def test_4_dos_usuarios_distintos_del_lms_nunca_se_funden(hostil):
    filas = hostil["filas"]
    assert {e: f["estado"] for e, f in filas.items() if e.startswith("5004")} == {
        "5004": "sospechosa", "5004_2": "sospechosa"}
    for e in ("5004", "5004_2"):
        assert "«garciaana_5004_90080_xor.ipynb»" in filas[e]["detalle"]
        assert "«otronombre_5004_90081_xor.ipynb»" in filas[e]["detalle"]
    importacion = filas_csv((hostil["salida"] / "canvas" / "calificaciones-canvas.csv").read_bytes())
    assert {f[1]: f[5] for f in importacion[2:]}["5004"] == ""  # se revisa a mano: no se sube
    assert "5004" in hostil["r"].stderr and "sospechosas" in hostil["r"].stderr


def test_4_moodle_sin_carpetas_nadie_saca_la_nota_de_otro(hostil):
    filas = hostil["filas"]
    assert _nota(filas, "1001") == ("10", "ok")
    assert "1003" not in filas  # no entregó: nadie entrega por él
    assert "Había 2 cuadernos" in filas["1002"]["detalle"]
    hoja = filas_csv((hostil["salida"] / "moodle" / "hoja-calificada.csv").read_bytes())
    por_id = {f[0]: f[4] for f in hoja[1:]}
    assert por_id["Participante 1001"] == "10,00" and por_id["Participante 1003"] == ""


def test_10_un_control_en_un_nombre_no_impide_ninguna_salida(hostil):
    salida = hostil["salida"]
    for fichero in ("calificaciones.xlsx", "resumen.html", "moodle/hoja-calificada.csv",
                    "moodle/retroalimentacion.zip", "canvas/calificaciones-canvas.csv"):
        assert (salida / fichero).is_file(), fichero
    assert hostil["filas"]["1005"]["nombre"] == "Ro sa Gil" and hostil["filas"]["1005"]["puntos"] == "10"
    from openpyxl import load_workbook

    hoja = load_workbook(salida / "calificaciones.xlsx").active
    assert {f[0]: f[1] for f in hoja.iter_rows(min_row=2, values_only=True)}["1005"] == "Ro sa Gil"
    with zipfile.ZipFile(salida / "moodle" / "retroalimentacion.zip") as z:
        assert "Ro sa Gil_1005_assignfeedback_file_/retroalimentacion-xor-retropropagacion.html" in z.namelist()
    assert b"\x0b" not in (salida / "calificaciones.csv").read_bytes()


def test_11_la_fecha_es_la_del_lms_o_la_de_nbgrader_nunca_la_del_estudiante(hostil):
    filas = hostil["filas"]
    for estudiante in ("1006", "1007", "1001", "5001"):
        assert filas[estudiante]["fecha_entrega"] == "2025-03-05 12:00:00 UTC", estudiante
    assert filas["ana"]["fecha_entrega"] == "2025-03-02 09:00:00 UTC"  # timestamp.txt de nbgrader


def test_12_una_fecha_fuera_de_rango_se_ignora_con_un_aviso(hostil):
    fila = hostil["filas"]["beto"]
    assert _nota(hostil["filas"], "beto") == ("10", "ok")
    assert fila["fecha_entrega"] == "2025-03-05 12:00:00 UTC"
    assert "fuera de rango" in fila["detalle"] and "0001-01-01" in fila["detalle"]


def test_4_identidad_solo_de_la_parte_que_escribe_el_lms():
    from autograder.recogida.entregas import identidad

    leida = identidad("ruizpepe_5002_90050_x_5001_assignsubmission_file_")
    assert (leida.sistema, leida.id, leida.adjunto, leida.dudosa) == ("canvas", "5002", 90050, None)
    leida = identidad("Pepe Ruiz_1002_assignsubmission_file_a_1001_assignsubmission_file_")
    assert (leida.sistema, leida.id, leida.nombre) == ("moodle", "1002", "Pepe Ruiz")
    assert identidad("Ana López_1001_assignsubmission_file_").id == "1001"  # la carpeta de Moodle
    for nombre, tarde in (("nunezjose_late_5003_90060_t", True), ("nunezjose_LATE_5003_90060_t", True),
                          ("nunezjose_5003_90060_t-2", False)):
        leida = identidad(nombre)
        assert (leida.id, leida.tarde, leida.dudosa) == ("5003", tarde, None), nombre
    assert identidad("nunezjose_5003_90060_t-2").reenvio == 2
    leida = identidad("LATE_anon_Xy7Kq_90070_t")
    assert (leida.sistema, leida.id, leida.tarde) == ("canvas-anonimo", "anon_Xy7Kq", True)
    assert identidad("anon_Xy7Kq_90070_t").tarde is False
    # Un nombre de Canvas acabado en «_<número>» hace ambiguo el usuario: se revisa a mano.
    assert "dos lecturas" in identidad("x_5001_5002_90001_t").dudosa
    assert identidad("maria_lopez") is None


def test_5_claves_de_dask_unicas_aunque_los_ids_empiecen_igual(tmp_path, monkeypatch):
    """Ids de más de 40 caracteres con el mismo principio: cada estudiante recibe su propio resultado."""
    from distributed import LocalCluster

    from autograder.lote import distribuido
    from autograder.recogida.entregas import Entrega

    ids = [f"estudiante-con-un-identificador-larguisimo-del-lms-{i:03d}" for i in range(12)]
    for i, estudiante in enumerate(ids):
        (tmp_path / f"{i}.ipynb").write_text(VACIO, encoding="utf-8")

    def calificar_paquete(paquete, *_):  # sustituye al proceso aislado: solo importa de quién es cada resultado
        time.sleep(0.02)  # lo que tarda en calificar: varias entregas quedan en vuelo a la vez
        resultado = lote._resultado_base(Entrega(paquete["estudiante"]), TALLER)
        resultado["puntos"] = ids.index(paquete["estudiante"]) % 11
        return resultado, {}, False

    monkeypatch.setattr(distribuido, "calificar_paquete", calificar_paquete)
    entregas = [Entrega(e, tmp_path / f"{i}.ipynb") for i, e in enumerate(ids)]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        resultados = distribuido.LoteDask(TALLER, entregas, tmp_path / "salida", direccion=cluster.scheduler_address,
                                          recalcular=True).ejecutar()
    assert [(r["estudiante"], r["puntos"]) for r in resultados] == [(e, i % 11) for i, e in enumerate(ids)]


class _Gradebook:
    """Gradebook de mentira para probar el hilo del escritor sin nbgrader."""

    def close(self):
        pass


def test_6_el_escritor_sobrevive_a_un_fallo_y_dice_quien_falta(monkeypatch):
    from autograder.salidas import libro_notas

    monkeypatch.setattr(libro_notas.Escritor, "_abrir", lambda self: _Gradebook())

    def guardar(gb, taller, r):
        if r["estudiante"] == "beto":
            "\ud800".encode("utf-8")  # lo que pasaba con un sustituto suelto en una respuesta
        return True

    monkeypatch.setattr(libro_notas, "_guardar", guardar)
    monkeypatch.setattr(libro_notas, "_deshacer", lambda gb: None)
    escritor = libro_notas.Escritor("curso", TALLER)
    for estudiante in ("ana", "beto", "carla"):
        escritor.poner({"estudiante": estudiante})
    escritor.fallar("dani", ValueError("no se pudo anotar"))
    guardadas, faltan = escritor.terminar()
    assert guardadas == 2 and set(faltan) == {"beto", "dani"}
    assert "UnicodeEncodeError" in faltan["beto"] and "no se pudo anotar" in faltan["dani"]


def test_7_terminar_espera_mientras_el_escritor_avanza(monkeypatch):
    """Una sola entrega y un gradebook que tarda en abrirse (nbgrader, alembic): terminar la espera."""
    from autograder.salidas import libro_notas

    abierto = threading.Event()
    monkeypatch.setattr(libro_notas.Escritor, "_abrir", lambda self: abierto.wait(30) and _Gradebook())
    monkeypatch.setattr(libro_notas, "_guardar", lambda gb, taller, r: True)
    escritor = libro_notas.Escritor("curso", TALLER)
    escritor.poner({"estudiante": "ana"})
    threading.Timer(0.3, abierto.set).start()  # lo que tarda en abrirse
    assert escritor.terminar(plazo=10) == (1, {})


def test_7_la_espera_al_escritor_tiene_plazo(monkeypatch):
    from autograder.salidas import libro_notas

    soltar = threading.Event()
    monkeypatch.setattr(libro_notas.Escritor, "_abrir", lambda self: _Gradebook())
    monkeypatch.setattr(libro_notas, "_guardar", lambda gb, taller, r: soltar.wait(60))
    escritor = libro_notas.Escritor("curso", TALLER)
    escritor.poner({"estudiante": "ana"})
    escritor.poner({"estudiante": "beto"})
    inicio = time.monotonic()
    try:
        guardadas, faltan = escritor.terminar(plazo=0.5)
    finally:
        soltar.set()
    assert time.monotonic() - inicio < 5
    assert guardadas == 0 and set(faltan) == {"ana", "beto"}


@pytest.fixture(scope="module")
def revisables(tmp_path_factory):
    """Cuadernos para formgrader (``escribir_revisable``) de respuestas hostiles, con lo que tarda cada uno."""
    from autograder.salidas import libro_notas

    curso = tmp_path_factory.mktemp("revisables")
    fuente = libro_notas.cuaderno_fuente(curso, TALLER)
    fuente.parent.mkdir(parents=True)
    fuente.write_bytes(libro_notas.cuaderno_fuente(RAIZ / "solutions", TALLER).read_bytes())
    hechos = {}
    for estudiante, respuesta in (("anidada", "<ul><li>" * 8000 + "hondo"), ("enlaces", " ".join(ENLACES + VARIANTES))):
        entregado = curso / f"{estudiante}.ipynb"
        entregado.write_text(_con_respuesta(BIEN, respuesta), encoding="ascii")
        inicio = time.monotonic()
        libro_notas.escribir_revisable(curso, TALLER, estudiante, entregado)
        revisable = curso / "autograded" / estudiante / TALLER.id / TALLER.cuaderno
        hechos[estudiante] = (revisable, time.monotonic() - inicio)
    return hechos


def _respuesta(revisable):
    nb = json.loads(Path(revisable).read_text(encoding="utf-8"))
    return next("".join(c["source"]) for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("respuesta_"))


def test_7_miles_de_listas_anidadas_se_sanean_en_tiempo_lineal(revisables):
    revisable, segundos = revisables["anidada"]
    print(f"\nCuaderno revisable con 8000 <ul><li> anidados: {segundos:.2f} s")
    assert segundos < 5 and "hondo" in _respuesta(revisable)  # antes: casi un minuto


def test_7_el_saneado_es_lineal():
    from autograder.salidas.saneado import markdown_seguro

    for respuesta in ("<ul><li>" * 8000 + "x", ("<ul><li>" * 40000)[:256 * 1024], "<b>" * 256 + "](" * 20000):
        inicio = time.monotonic()
        limpio = markdown_seguro(respuesta)
        assert time.monotonic() - inicio < 2, len(respuesta)
        assert len(limpio) < 2 * 70 * 1024
    assert markdown_seguro("Uso <b>negrita</b> y <sub>1</sub>") == "Uso <b>negrita</b> y <sub>1</sub>"


ENLACES = ("[ver](javascript:fetch('/api'))", "![i](data:text/html;base64,PHNjcmlwdD4=)", "[r][1]\n\n[1]: VBScript:msg",
           "[a](JaVaScRiPt:alert(1))", "[b](jav&#x61;script:alert(1))", "[c](&#10;javascript:alert(1))",
           "[d](" + "&#9;" * 300 + "javascript:alert(1))", "[e]( \n javascript:alert(1))", "[f](javascript\\:alert(1))",
           "[g](<javascript:alert(1)>)", "<javascript:alert(1)>", "<a href='javascript:a'>x</a><img src=x onerror=a>")
# Variantes que nbconvert y CommonMark ya no convierten en enlaces peligrosos (codifican el tabulador o el
# espacio de anchura cero), pero otro intérprete de Markdown podría: también se neutralizan.
VARIANTES = ("[h](java&Tab;script:a)", "[i](\u200bjavascript:a)", "[j](java\tscript:a)")
PERMITIDOS = "[web](https://example.org/a) [correo](mailto:ana@uni.es) [local](#seccion) [rel](notas.html)"


class _Urls(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, etiqueta, atributos):
        self.urls += [v or "" for k, v in atributos if k in ("href", "src", "action", "formaction", "xlink:href")]


def _esquema(url):
    """Esquema de una URL como lo lee un navegador (URL Standard del WHATWG): sin espacios ni controles
    al principio y sin tabuladores ni saltos de línea en medio."""
    url = re.sub(r"[\t\n\r]", "", url.lstrip("".join(map(chr, range(33)))))
    coincide = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return coincide[1].lower() if coincide else None


def _enlaces(pagina):
    lector = _Urls()
    lector.feed(pagina)  # decodifica las entidades de los atributos, como el navegador
    return lector.urls


def urls_peligrosas(pagina):
    """URLs de enlaces e imágenes de una página HTML cuyo esquema no es http, https ni mailto."""
    return [u for u in _enlaces(pagina) if _esquema(u) not in (None, "http", "https", "mailto")]


def _renderizados(markdown):
    """El Markdown convertido a HTML por nbconvert (formgrader, generate_feedback) y por CommonMark
    sin su propio filtro de enlaces."""
    from markdown_it import MarkdownIt
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    commonmark = MarkdownIt("commonmark")
    commonmark.validateLink = lambda url: True
    return markdown2html_mistune(markdown), commonmark.render(markdown)


def test_8_ningun_enlace_peligroso_sobrevive_al_saneado():
    from autograder.salidas.saneado import markdown_seguro

    for enlace in ENLACES:  # cada ataque da un enlace peligroso sin el saneado: la prueba lo ve
        assert any(urls_peligrosas(pagina) for pagina in _renderizados(enlace)), enlace
    for enlace in ENLACES + VARIANTES:
        for pagina in _renderizados(markdown_seguro(enlace)):
            assert not urls_peligrosas(pagina), (enlace, pagina)
    for pagina in _renderizados(markdown_seguro(PERMITIDOS)):  # los enlaces permitidos siguen ahí
        assert _enlaces(pagina)[:4] == ["https://example.org/a", "mailto:ana@uni.es", "#seccion", "notas.html"]


def test_8_el_cuaderno_revisable_no_tiene_enlaces_peligrosos(revisables):
    respuesta = _respuesta(revisables["enlaces"][0])
    assert "fetch(" in respuesta  # la respuesta sigue ahí, con sus enlaces neutralizados
    for pagina in _renderizados(respuesta):
        assert not urls_peligrosas(pagina), pagina


def test_8_la_retroalimentacion_y_el_resumen_no_tienen_enlaces_peligrosos():
    from autograder.salidas import informes
    from autograder.recogida.entregas import Entrega

    resultado = lote._resultado_base(Entrega("ana"), TALLER)
    resultado["detalle"] = " ".join(ENLACES + VARIANTES)
    resultado["celdas"] = [{"celda": "3", "error": e} for e in ENLACES + VARIANTES]
    for pagina in (informes.retroalimentacion(resultado, TALLER), informes.resumen_html([resultado], TALLER)):
        assert not urls_peligrosas(pagina)


def _con_respuesta(soluciones, respuesta):
    """Cuaderno (texto JSON, solo ASCII: los sustitutos quedan como «\\ud800») con ``respuesta`` escrita."""
    nb = muestras.rellenar(json.loads(CUADERNO.read_text(encoding="utf-8")), soluciones)
    for celda in nb["cells"]:
        if celda["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("respuesta_"):
            celda["source"] = respuesta
    return json.dumps(nb)


@pytest.fixture(scope="module")
def con_gradebook(tmp_path_factory):
    """Respuestas escritas hostiles y compañeros calificados en un lote que escribe el gradebook."""
    carpeta = tmp_path_factory.mktemp("recogida-gradebook")
    curso = banco.copiar_curso(RAIZ / "solutions", carpeta / "curso")
    clase = {"ana": (BIEN, "La red aprende el XOR."), "beto": (MAL, "Mi respuesta \ud800 rota."),
             "carla": (BIEN, "<ul><li>" * 8000 + "hondo"), "dani": (BIEN, " ".join(ENLACES + VARIANTES)),
             "eva": (MAL, "Otra respuesta normal.")}
    for estudiante, (soluciones, respuesta) in clase.items():
        destino = carpeta / "entregas" / estudiante / TALLER.id
        destino.mkdir(parents=True)
        (destino / TALLER.cuaderno).write_text(_con_respuesta(soluciones, respuesta), encoding="ascii")
    inicio = time.monotonic()
    r = calificar(carpeta / "entregas", carpeta / "notas", "--curso", str(curso), "--tiempo-max", "20")
    assert r.returncode == 0, r.stderr[-3000:]
    return {"curso": curso, "r": r, "filas": calificaciones(carpeta / "notas"), "duracion": time.monotonic() - inicio}


@pytest.mark.lenta
def test_6_7_el_gradebook_tiene_a_todos_aunque_las_respuestas_sean_hostiles(con_gradebook):
    from nbgrader.api import Gradebook

    from autograder.salidas import libro_notas

    curso, filas = con_gradebook["curso"], con_gradebook["filas"]
    assert {e: f["puntos"] for e, f in filas.items()} == {"ana": "10", "beto": "4", "carla": "10", "dani": "10",
                                                          "eva": "4"}
    with Gradebook(libro_notas.url_de(curso)) as gb:
        assert {e: gb.find_submission(TALLER.id, e).score for e in filas} == {e: float(f["puntos"])
                                                                               for e, f in filas.items()}
    for estudiante in filas:
        assert (curso / "autograded" / estudiante / TALLER.id / TALLER.cuaderno).is_file(), estudiante
    assert "no se escribieron en el gradebook" not in con_gradebook["r"].stderr
    assert "Gradebook actualizado (5 entregas)" in con_gradebook["r"].stdout
    print(f"\nLote con gradebook y respuestas hostiles: {con_gradebook['duracion']:.1f} s")


@pytest.mark.lenta
def test_8_formgrader_no_muestra_enlaces_peligrosos(con_gradebook):
    from nbconvert import HTMLExporter

    revisable = con_gradebook["curso"] / "autograded" / "dani" / TALLER.id / TALLER.cuaderno
    pagina, _ = HTMLExporter().from_filename(str(revisable))  # lo que pintan formgrader y generate_feedback
    assert "fetch(" in pagina  # la respuesta está, como texto
    assert not urls_peligrosas(pagina)
