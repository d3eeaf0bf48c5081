"""Piezas del calificador que no necesitan lanzar procesos: codec, lectura de cuadernos, entregas."""
import json

import numpy as np
import pytest

from autograder.aislamiento import codec
from autograder.calificacion import cuaderno
from autograder.recogida import entregas
from conftest import RAIZ
from solutions.ejecucion import FuncionPrueba
from solutions.talleres import TALLERES


def test_codec_ida_y_vuelta_sin_objetos():
    valores = (None, 3, 2.5, True, np.arange(6.0).reshape(2, 3), [np.ones(2), (1.0, None)],
               FuncionPrueba("lambda x: np.sum(x ** 2)"), float("nan"))
    for valor in valores:
        datos = json.loads(json.dumps(codec.codificar(valor, FuncionPrueba)))
        vuelta = codec.decodificar(datos, FuncionPrueba)
        if isinstance(valor, FuncionPrueba):
            assert vuelta.codigo == valor.codigo
        elif isinstance(valor, list):
            assert np.array_equal(vuelta[0], valor[0]) and vuelta[1][1] is None
        elif isinstance(valor, float) and valor != valor:
            assert vuelta != vuelta
        elif isinstance(valor, np.ndarray):
            assert isinstance(vuelta, np.ndarray) and vuelta.shape == valor.shape
            assert np.array_equal(vuelta, valor)
        else:
            assert vuelta == valor and type(vuelta) is type(valor)
    extrano = codec.decodificar(codec.codificar(object()))
    with pytest.raises(TypeError):
        np.asarray(extrano, dtype=float)  # queda como un objeto sin valor numérico, con el nombre del tipo


def _nb(*celdas):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {"nbgrader": meta} if meta else {}, "source": fuente, "outputs": []}
        for fuente, meta in celdas]}


def test_construir_repone_dadas_quita_pruebas_y_magias(tmp_path):
    fuente = tmp_path / "fuente.ipynb"
    fuente.write_text(json.dumps(_nb(
        ("import numpy as np", {"grade_id": "dado_imports", "locked": True}),
        ("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION", {"grade_id": "solucion_f",
                                                                                 "solution": True}),
        ("assert f(1) == 1\n### BEGIN HIDDEN TESTS\nsecreto()\n### END HIDDEN TESTS\n",
         {"grade_id": "f_pruebas", "grade": True, "points": 1}))))
    estudiante = tmp_path / "e.ipynb"
    estudiante.write_text(json.dumps(_nb(
        ("import os  # editada a mano", {"grade_id": "dado_imports", "locked": True}),
        ("%matplotlib inline\ndef f(x):\n    return x", {"grade_id": "solucion_f", "solution": True}),
        ("assert f(1) == 1\n", None),  # la celda de pruebas sin metadatos: se reconoce por su texto
        ("assert True", {"grade_id": "cambiado", "grade": True}),
        ("import solutions", None))))
    programa = cuaderno.construir(cuaderno.leer(estudiante), cuaderno.Fuente.de_cuaderno(fuente))
    codigos = [c for _, c in programa.celdas]
    assert codigos[0] == "import numpy as np"
    assert codigos[1].startswith("get_ipython().run_line_magic('matplotlib', 'inline')")
    assert not any("assert" in c for c in codigos)
    assert "import solutions" in codigos[-1]
    assert any("solutions" in s for s in programa.sospechas)


@pytest.mark.parametrize("contenido, texto", [
    ("", "vacío"), ("{", "no es JSON válido"), ("[1, 2]", "no un cuaderno"), ('{"a": 1}', "no tiene celdas")])
def test_leer_rechaza_lo_que_no_es_un_cuaderno(tmp_path, contenido, texto):
    ruta = tmp_path / "x.ipynb"
    ruta.write_text(contenido)
    with pytest.raises(cuaderno.CuadernoInvalido, match=texto):
        cuaderno.leer(ruta)


def test_identificadores_de_estudiante():
    assert entregas.id_de_estudiante("Ana María Pérez_123456_assignsubmission_file_") == "123456"
    assert entregas.id_de_estudiante("../../etc") == "etc"
    assert entregas.id_de_estudiante("=HYPERLINK(1)") == "HYPERLINK_1"
    assert entregas.id_de_estudiante("@suma") == "suma"


def test_localizar_varias_disposiciones(tmp_path):
    taller = TALLERES["xor-propagacion"]
    (tmp_path / "ana" / taller.id).mkdir(parents=True)
    (tmp_path / "ana" / taller.id / taller.cuaderno).write_text("{}")
    (tmp_path / "luis").mkdir()
    (tmp_path / "luis" / "cualquiera.ipynb").write_text("{}")
    (tmp_path / "pepa.ipynb").write_text("{}")
    (tmp_path / "vacia").mkdir()
    lista = entregas.localizar(tmp_path, taller)
    assert [(e.estudiante, e.cuaderno.name if e.cuaderno else None) for e in lista] == [
        ("ana", taller.cuaderno), ("luis", "cualquiera.ipynb"), ("pepa", "pepa.ipynb"), ("vacia", None)]


class _Ciclo:
    """Basura con ``__del__`` en un ciclo: la libera el recolector en medio de otra cosa, y ejecuta Python."""

    def __init__(self):
        self.yo = self

    def __del__(self):
        sum(range(50))


def test_varios_hilos_analizan_codigo_a_la_vez_sin_error_del_interprete():
    """En CPython 3.11, dos ``ast.parse`` a la vez en hilos distintos pueden fallar con «AST constructor
    recursion depth mismatch» si el recolector ejecuta código a medias. Así salió una vez en CI una
    entrega correcta del primer par de un lote con 2 trabajos: «Error interno del calificador», 0 puntos."""
    import sys
    import threading

    from autograder.calificacion import fases, texto_acotado

    codigo = (RAIZ / "solutions" / "comprobaciones.py").read_text(encoding="utf-8")
    errores = []

    def analizar_mucho(hilo):
        for i in range(20):
            for _ in range(20):
                _Ciclo()
            try:  # código distinto cada vez: las cachés de las dos funciones no lo evitan
                texto_acotado.plantillas(f"{codigo}\n# {hilo} {i}")
                fases._dadas_por_el_cuaderno((f"{codigo}\n# {hilo} {i}",))
            except SystemError as error:
                errores.append(str(error))
                return

    antes = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # cambios de hilo tan seguidos como se pueda
    try:
        hilos = [threading.Thread(target=analizar_mucho, args=(n,)) for n in range(4)]
        for hilo in hilos:
            hilo.start()
        for hilo in hilos:
            hilo.join()
    finally:
        sys.setswitchinterval(antes)
    assert not errores, errores


def test_el_calificador_solo_analiza_codigo_con_el_cerrojo():
    import re

    sueltos = [f"{ruta.relative_to(RAIZ)}:{n}" for ruta in sorted((RAIZ / "autograder").rglob("*.py"))
               if ruta.name != "analisis.py"
               for n, linea in enumerate(ruta.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"\bast\.parse\(|\bcompile\([^)]*PyCF_ONLY_AST|\bliteral_eval\(", linea)]
    assert not sueltos, f"usa autograder.calificacion.analisis.arbol_de: {sueltos}"
