"""Crédito parcial (issue 25, punto 7) y la orden real con el resumen de la clase (puntos 8, 9 y 10).

Las pruebas unitarias aplican ``credito.aplicar`` a resultados como los del calificador. La prueba
lenta califica de verdad (``python -m autograder calificar``) una clase pequeña en los dos modos.
"""
import csv
import json

import pytest

from autograder import muestras
from autograder.calificacion import credito
from autograder.lote import local as lote
from autograder.salidas import informes
from autograder.recogida.entregas import Entrega
from copias_plantadas import COPIAS, HONESTAS
from solutions.talleres import TALLERES
from test_calificador import BIEN, CUADERNO, MAL_BACKPROP, calificar_taller

TALLER = TALLERES["xor-retropropagacion"]


def _resultado(superados, ocultos=5, publica_falla=False, falta=False):
    """Resultado con backProp superando ``superados`` de ``ocultos`` casos y entrenarRed bien."""
    r = lote._resultado_base(Entrega("ana"), TALLER)
    for f, info in r["funciones"].items():
        info.update(falta=False, ocultos=ocultos, casos=ocultos + 1, puntos=info["max"])
    info = r["funciones"]["backProp"]
    info["falta"] = falta
    info["fallos"] = [{"id": f"backProp:{i}", "descripcion": "x", "problemas": ["mal"]}
                      for i in range(ocultos - superados)]
    if publica_falla:
        info["fallos"].append({"id": "backProp:publicas", "descripcion": "p", "problemas": ["mal"], "publica": True})
    info["puntos"] = 0 if info["fallos"] or falta else info["max"]
    r["puntos"] = sum(i["puntos"] for i in r["funciones"].values())
    return r


def test_proporcional_da_la_fraccion_de_casos_ocultos_redondeada():
    maximo = TALLER.puntos["backProp"]
    r = credito.aplicar(_resultado(2, ocultos=3), TALLER, "proporcional")
    assert r["funciones"]["backProp"]["puntos"] == round(maximo * 2 / 3, 2)
    assert r["puntos"] == round(round(maximo * 2 / 3, 2) + TALLER.puntos["entrenarRed"], 2)
    assert credito.texto_casos(r["funciones"]["backProp"]) == "2/3"
    assert "supera 2 de 3 casos ocultos" in informes.retroalimentacion(r, TALLER)
    # «todo» (por defecto) no cambia nada: 0 puntos si falla un caso.
    assert credito.aplicar(_resultado(2, ocultos=3), TALLER, "todo")["funciones"]["backProp"]["puntos"] == 0
    assert credito.aplicar(_resultado(0, falta=True), TALLER, "proporcional")["funciones"]["backProp"]["puntos"] == 0


def test_los_casos_que_no_llegaron_a_ejecutarse_se_dicen_y_no_suman():
    r = _resultado(2, ocultos=5)
    r["funciones"]["backProp"]["ejecutados"] = 3  # el proceso se quedó sin tiempo tras el tercero
    credito.aplicar(r, TALLER, "proporcional")
    assert r["funciones"]["backProp"]["puntos"] == round(TALLER.puntos["backProp"] * 2 / 5, 2)
    assert credito.texto_casos(r["funciones"]["backProp"]) == "2/3"
    assert ("supera 2 de los 3 casos ocultos que se ejecutaron; 2 no llegaron a ejecutarse y no suman"
            in informes.retroalimentacion(r, TALLER))


def test_las_pruebas_publicas_dan_el_mismo_veredicto_en_los_dos_modos():
    """Quien no pasa su autocomprobación pública no tiene todos los puntos en ningún modo."""
    for modo in credito.MODOS:
        r = credito.aplicar(_resultado(5, publica_falla=True), TALLER, modo)
        assert r["funciones"]["backProp"]["puntos"] < TALLER.puntos["backProp"], modo
        assert "las pruebas públicas" in informes.retroalimentacion(r, TALLER) or modo == "todo"
        bien = credito.aplicar(_resultado(5), TALLER, modo)
        assert bien["funciones"]["backProp"]["puntos"] == TALLER.puntos["backProp"], modo
    r = credito.aplicar(_resultado(5, publica_falla=True), TALLER, "proporcional")
    assert r["funciones"]["backProp"]["puntos"] == round(TALLER.puntos["backProp"] * 4 / 5, 2)
    assert "y no pasa sus pruebas públicas" in informes.retroalimentacion(r, TALLER)


@pytest.fixture(scope="module")
def clase(tmp_path_factory):
    """Una clase pequeña calificada de verdad con --credito todo y --credito proporcional."""
    carpeta = tmp_path_factory.mktemp("clase")
    base = json.loads(CUADERNO.read_text(encoding="utf-8"))
    entregas = carpeta / "entregas"
    soluciones = {"100201": BIEN, "100202": {"backProp": MAL_BACKPROP, "entrenarRed": BIEN["entrenarRed"]},
                  "100203": {}, "100204": HONESTAS["ana"], "100205": COPIAS["iris"][1],
                  "100206": {"backProp": muestras.codigo("backProp_traspuesto"), "entrenarRed": BIEN["entrenarRed"]}}
    for estudiante, codigo in soluciones.items():
        muestras.guardar(muestras.rellenar(base, codigo), entregas / estudiante / TALLER.cuaderno)
    (carpeta / "alumnos.csv").write_text("id,nombre,correo\n100201,Ana Pérez,ana@example.org\n"
                                         "100202,Beto <b>Ruiz</b>,\n", encoding="utf-8")
    salidas = {}
    for modo in credito.MODOS:
        salidas[modo] = carpeta / modo
        orden = calificar_taller(TALLER.id, entregas, salidas[modo], "--sin-gradebook", "--trabajos", "2",
                                 "--lista", str(carpeta / "alumnos.csv"), *(["--credito", modo] if modo != "todo"
                                                                           else []), timeout=400)
        assert orden.returncode == 0, orden.stderr
        assert " sin las entregas vacías (1)." in orden.stdout  # la del cuaderno sin tocar
    return salidas


def _csv(ruta):
    with open(ruta, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.lenta
def test_la_orden_real_con_credito_proporcional_y_el_resumen(clase):
    todo = {f["estudiante"]: f for f in _csv(clase["todo"] / "calificaciones.csv")}
    prop = {f["estudiante"]: f for f in _csv(clase["proporcional"] / "calificaciones.csv")}
    assert "casos_backProp" not in next(iter(todo.values()))  # «todo»: el CSV de siempre
    assert todo["100201"]["puntos"] == prop["100201"]["puntos"] == "10"
    assert todo["100202"]["backProp"] == "0"
    bien, total = map(int, prop["100202"]["casos_backProp"].split("/"))
    assert 0 <= bien < total
    assert prop["100201"]["casos_entrenarRed"] == prop["100202"]["casos_entrenarRed"] != ""
    assert float(prop["100202"]["backProp"]) == round(TALLER.puntos["backProp"] * bien / total, 2)
    assert f"supera {bien} de {total} casos ocultos" in (
        clase["proporcional"] / "retroalimentacion" / "100202.html").read_text(encoding="utf-8")
    # La autocomprobación pública da el mismo veredicto en los dos modos: backProp sin promediar no la pasa.
    for modo in credito.MODOS:
        pagina = (clase[modo] / "retroalimentacion" / "100202.html").read_text(encoding="utf-8")
        assert "Con las pruebas públicas del cuaderno:" in pagina, modo
    assert float(prop["100202"]["backProp"]) < TALLER.puntos["backProp"]
    # Resumen: nombres, medias con y sin la vacía, casos y errores comunes, copias.
    resumen = (clase["todo"] / "resumen.html").read_text(encoding="utf-8")
    assert "Ana Pérez (100201)" in resumen and "Beto &lt;b&gt;Ruiz&lt;/b&gt; (100202)" in resumen
    assert "6 entregas, 1 vacía" in resumen
    assert "Casos ocultos: quién los supera" in resumen and "¿Has traspuesto una matriz?" in resumen
    pares = _csv(clase["todo"] / "similitud.csv")
    assert len(pares) == 15 and (pares[0]["estudiante_a"], pares[0]["estudiante_b"]) == ("100204", "100205")
    assert "no una prueba de copia" in resumen
