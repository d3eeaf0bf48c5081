"""Entregas reales calificadas con nbgrader autograde (tests/talleres_nbgrader.py).

Cada mutante (tests/corpus_talleres.py) rompe una función: debe perder puntos exactamente
en ella y conservar todos los de las demás funciones de su taller. Las variantes correctas
(bucles, np.dot, np.clip, fórmulas equivalentes) deben obtener todos los puntos.
"""
import re

import nbformat
import pytest

from corpus_talleres import CORRECTAS, MUTANTES, PISTAS
from solutions.talleres import TALLERES
from talleres_nbgrader import curso_calificado, entregas_del_corpus

ENTREGAS = entregas_del_corpus()
MUTANTES_ = [e for e in ENTREGAS if e[3] is not None]
CORRECTAS_ = [e for e in ENTREGAS if e[3] is None]


def test_el_corpus_es_suficiente():
    assert len(MUTANTES_) >= 25
    for taller in TALLERES:
        rotas = {f for t, funciones in MUTANTES.items() if t == taller for f in funciones}
        assert rotas == set(TALLERES[taller].puntos), f"hay funciones de {taller} sin mutantes"
        assert {f for juego in CORRECTAS[taller] for f in juego} == set(TALLERES[taller].puntos), \
            f"hay funciones de {taller} sin variante correcta"


@pytest.mark.lenta
@pytest.mark.parametrize("estudiante,taller,codigo,funcion,descripcion", MUTANTES_,
                         ids=[f"{e[1]}:{e[3]}:{e[4]}" for e in MUTANTES_])
def test_un_mutante_pierde_puntos_solo_en_la_funcion_que_rompe(estudiante, taller, codigo, funcion, descripcion):
    notas = curso_calificado().notas[(estudiante, taller)]
    assert set(notas) == set(TALLERES[taller].puntos)
    nota, maximo = notas[funcion]
    assert nota < maximo, f"el mutante «{descripcion}» de {funcion} no pierde puntos"
    otras = {f: n for f, (n, m) in notas.items() if f != funcion and n != m}
    assert not otras, f"el mutante «{descripcion}» de {funcion} cuesta puntos en otras funciones: {otras}"


@pytest.mark.lenta
@pytest.mark.parametrize("estudiante,taller,codigo,funcion,descripcion", CORRECTAS_,
                         ids=[f"{e[1]}:{e[0]}" for e in CORRECTAS_])
def test_una_implementacion_correcta_distinta_obtiene_todos_los_puntos(estudiante, taller, codigo, funcion,
                                                                        descripcion):
    notas = curso_calificado().notas[(estudiante, taller)]
    assert {f: n for f, (n, _) in notas.items()} == TALLERES[taller].puntos, descripcion


def _salida_de_error(estudiante, taller, funcion):
    """Texto de error de la celda de pruebas de ``funcion`` en el cuaderno autocalificado."""
    curso = curso_calificado()
    ruta = curso.raiz / "autograded" / estudiante / taller / TALLERES[taller].cuaderno
    nb = nbformat.read(ruta, as_version=4)
    celda = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{funcion}_pruebas")
    texto = "\n".join(o.get("evalue", "") + "\n" + "\n".join(o.get("traceback", []))
                      for o in celda.outputs if o.output_type == "error")
    return re.sub(r"\x1b\[[0-9;]*m", "", texto)


@pytest.mark.lenta
@pytest.mark.parametrize("estudiante,taller,codigo,funcion,descripcion", MUTANTES_,
                         ids=[f"{e[1]}:{e[3]}:{e[4]}" for e in MUTANTES_])
def test_la_celda_que_falla_explica_el_error(estudiante, taller, codigo, funcion, descripcion):
    pista = PISTAS[(funcion, descripcion)]
    texto = _salida_de_error(estudiante, taller, funcion)
    assert pista in texto, f"la celda de pruebas de {funcion} no da la pista «{pista}»; dice:\n{texto[-1500:]}"


@pytest.mark.lenta
def test_resumen_de_deteccion(capsys):
    """Informe legible: cuántos mutantes se detectan y cuántas variantes correctas aprueban."""
    curso = curso_calificado()
    detectados = sum(curso.notas[(e, t)][f][0] < curso.notas[(e, t)][f][1] for e, t, _, f, _ in MUTANTES_)
    aprobadas = sum(sum(n for n, _ in curso.notas[(e, t)].values()) == 10 for e, t, _, _, _ in CORRECTAS_)
    with capsys.disabled():
        print(f"\nTalleres: {detectados}/{len(MUTANTES_)} mutantes detectados, "
              f"{aprobadas}/{len(CORRECTAS_)} juegos de variantes correctas con 10/10; "
              f"nbgrader autograde de {len(curso.notas)} entregas en {curso.segundos_autograde:.0f} s.")
    assert detectados == len(MUTANTES_) and aprobadas == len(CORRECTAS_)
