"""Resumen de la clase (issue 25, puntos 8, 9 y 10): nombres, medias, casos, errores comunes y copias.

Se construyen resultados como los del calificador (``lote._resultado_base``) y se comprueba el HTML
de ``informes.resumen_html``; la calificación de verdad está en test_credito.py.
"""
import html
import re

from autograder.calificacion import fases as calificacion
from autograder.lote import local as lote
from autograder.salidas import informes
from autograder.recogida.entregas import Entrega
from autograder.salidas.similitud import Analisis
from solutions.talleres import TALLERES

TALLER = TALLERES["xor-retropropagacion"]
CASOS = calificacion.casos_del_taller(TALLER)


def _resultado(estudiante, fallan=(), nombre="", estado="ok", problema="`dw1` no coincide (diferencia máxima 0.5)."):
    """Resultado con las funciones bien salvo los casos ``fallan`` (ids «función:i»)."""
    r = lote._resultado_base(Entrega(estudiante), TALLER)
    r.update(estado=estado, nombre=nombre)
    for f, info in r["funciones"].items():
        info.update(falta=estado == "sin_entrega", ocultos=len(CASOS[f]), casos=len(CASOS[f]) + 1)
        info["fallos"] = [{"id": i, "descripcion": c.descripcion, "problemas": [problema]}
                          for i, c, _ in CASOS[f] if i in fallan]
        info["puntos"] = info["max"] if not info["fallos"] and not info["falta"] else 0
    r["puntos"] = sum(i["puntos"] for i in r["funciones"].values())
    return r


def _texto(pagina):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", pagina)))


def test_8_nombres_y_media_con_y_sin_vacias():
    primero = CASOS["backProp"][0][0]
    resultados = [_resultado("100202", nombre="Ana Pérez"),  # 10 puntos
                  _resultado("100203", fallan={primero}),  # entrenarRed: 4 de 10
                  _resultado("100204", estado="sin_entrega"),
                  _resultado("100205", fallan={i for f in CASOS for i, _, _ in CASOS[f]})]  # sin tocar
    resultados[3]["puntos"] = 0
    puntos = [r["puntos"] for r in resultados]
    assert puntos == [10, TALLER.puntos["entrenarRed"], 0, 0]
    analisis = Analisis(vacias={"100205"})
    texto = _texto(informes.resumen_html(resultados, TALLER, analisis))
    assert "Ana Pérez (100202)" in texto and "100203" in texto
    assert "4 entregas, 2 vacías" in texto
    con, sin = sum(puntos) / 4, sum(puntos) / 2
    assert f"con las vacías como 0: {con:.2f} de 10 puntos".replace(".", ",", 1) in texto
    assert f"Media sin contar las entregas vacías: {sin:.2f} de 10 puntos (2 entregas)".replace(".", ",", 1) in texto
    # Sin análisis (p. ej. sin cuadernos), solo cuentan como vacías las que no tienen cuaderno.
    assert "4 entregas, 1 vacía " in _texto(informes.resumen_html(resultados, TALLER))


def test_9_proporcion_por_caso_y_errores_comunes_agrupados():
    (id0, caso0, _), (id1, caso1, _) = CASOS["backProp"][:2]
    resultados = [_resultado("a", fallan={id0}, nombre="Ana", problema="`dw1` tiene forma (2, 4) y se esperaba "
                             "(4, 2). ¿Has traspuesto una matriz?"),
                  _resultado("b", fallan={id0, id1}, problema="`dw1` tiene forma (3, 5) y se esperaba (5, 3). "
                             "¿Has traspuesto una matriz?"),
                  _resultado("c"), _resultado("d"), _resultado("e", estado="sin_entrega")]
    texto = _texto(informes.resumen_html(resultados, TALLER, Analisis()))
    assert f"{caso0.descripcion} 2 de 4 50 %" in texto  # la entrega sin cuaderno no cuenta
    assert f"{caso1.descripcion} 3 de 4 75 %" in texto
    assert "backProp `dw1` tiene forma (…) y se esperaba (…). ¿Has traspuesto una matriz? 2: Ana (a), b" in texto


def test_9_una_entrega_sin_ejecutar_no_cuenta_como_si_fallara_los_casos():
    (id0, caso0, _), = CASOS["backProp"][:1]
    interna = lote.resultado_de_error(Entrega("c"), TALLER, SystemError("fallo del intérprete"), None)
    resultados = [_resultado("a", fallan={id0}), _resultado("b"), interna]
    texto = _texto(informes.resumen_html(resultados, TALLER, Analisis()))
    assert "Proporción de las 2 entregas no vacías y ejecutadas" in texto
    assert f"{caso0.descripcion} 1 de 2 50 %" in texto


def test_10_copias_lado_a_lado_escapadas_y_con_la_nota():
    malicioso = 'def backProp(X):\n    return "</pre><script>alert(1)</script>"\n'
    analisis = Analisis(pares=[("a", "b", 0.93), ("a", "c", 0.1), ("b", "c", 0.05)],
                        codigo={"a": {"backProp": malicioso}, "b": {"backProp": malicioso + "# <b>yo</b>\n"}},
                        corte=0.5)
    resultados = [_resultado("a", nombre="Ana <i>"), _resultado("b"), _resultado("c")]
    pagina = informes.resumen_html(resultados, TALLER, analisis)
    assert "<script>" not in pagina and "<b>yo" not in pagina and "<i>" not in pagina
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pagina
    texto = _texto(pagina)
    assert "es un motivo para mirar las dos entregas, no una prueba de copia" in texto
    assert "Ana <i> (a) y b: similitud 0,93 (destaca)" in texto
    assert "1 par destaca sobre el resto de la clase" in texto
    # a y b lado a lado; y cada uno frente a c, que no define la función
    assert texto.count("return \"</pre><script>alert(1)</script>\"") == 4 and texto.count("(no la define)") == 2
    assert 'href="similitud.csv"' in pagina


def test_9_el_diagnostico_agrupa_aunque_cambien_los_numeros_y_los_arreglos():
    from autograder.salidas.informe_clase import _diagnostico

    uno = _diagnostico("`dw1` vale [[0.44 0.47] [0.04 0.05]] y se esperaba [[0.11 0.12]]: multiplicado por 4 (m = 4).")
    otro = _diagnostico("`dw1` vale [[1.5 2e-05 3]] y se esperaba [[7]]: multiplicado por 13 (m = 13).")
    assert uno == otro == "`dw1` vale … y se esperaba …: multiplicado por … (m = …)."


def test_9_un_error_de_media_clase_nombra_a_treinta_y_cuenta_el_resto():
    primero = CASOS["backProp"][0][0]
    resultados = [_resultado(f"e{i:03d}", fallan={primero}) for i in range(45)]
    texto = _texto(informes.resumen_html(resultados, TALLER))
    assert "45: e000, e001" in texto and "e029 y 15 más" in texto and "e030" not in texto.split("Errores más comunes")[1]
