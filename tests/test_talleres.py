"""Los talleres de nbgrader: cuadernos generados, validación e ida y vuelta con nbgrader real.

Las entregas con errores (mutantes) y las variantes correctas están en test_mutantes.py;
ambas usan el mismo curso temporal calificado una sola vez (talleres_nbgrader.py).
"""
import ast
import inspect
import json
import os
import re
import subprocess
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config.loader import PyFileConfigLoader

from conftest import BIN, RAIZ, entorno_de_ordenes
from construccion import generar_cuadernos
from solutions import verificacion
from solutions.talleres import TALLERES
from talleres_nbgrader import PROFESOR, SIN_TOCAR, curso_calificado, curso_generado

FUENTE = RAIZ / "solutions" / "source"
EJERCICIOS = RAIZ / "exercises"
OCULTAS = ("### BEGIN HIDDEN TESTS\nfrom solutions.verificacion import verificar\n"
           'verificar("{}", globals())\n### END HIDDEN TESTS')
#: Lo único calificado que un cuaderno del estudiante puede traer hecho: el taller 4 da
#: la sigmoide, el paso hacia delante y el costo del taller 3 en una celda de solo lectura.
DADAS = {"xor-retropropagacion": {"sigmoide", "feedForward", "costoGlobal"}}


def _profesor(taller):
    return nbformat.read(FUENTE / taller / TALLERES[taller].cuaderno, as_version=4)


def _estudiante(taller):
    return nbformat.read(EJERCICIOS / taller / TALLERES[taller].cuaderno, as_version=4)


def _nbgrader(celda):
    return celda.metadata.get("nbgrader", {})


def _validar(rutas, invertir=False):
    orden = [str(BIN / "nbgrader"), "validate"] + (["--invert"] if invertir else []) + [str(r) for r in rutas]
    return subprocess.run(orden, cwd=RAIZ / "solutions", env=entorno_de_ordenes(),
                          capture_output=True, text=True)


# --- Los cuadernos están al día y bien formados --------------------------------------------

@pytest.mark.parametrize("taller", TALLERES)
def test_el_cuaderno_del_profesor_es_el_que_genera_el_script(taller):
    generado = generar_cuadernos.texto_cuaderno(generar_cuadernos.construir(taller))
    guardado = (FUENTE / taller / TALLERES[taller].cuaderno).read_text(encoding="utf-8")
    assert guardado == generado, (f"solutions/source/{taller} no coincide con su plantilla y la referencia: "
                                  "ejecuta `make exercises` y commitea el resultado.")


def _normalizado(nb):
    """Lo que importa de un cuaderno del estudiante (sin metadatos volátiles del cuaderno)."""
    return [(c.cell_type, c.source, _nbgrader(c), c.metadata.get("editable"), c.metadata.get("deletable"))
            for c in nb.cells]


@pytest.mark.lenta
@pytest.mark.parametrize("taller", TALLERES)
def test_exercises_esta_al_dia_con_la_fuente(taller):
    recien = nbformat.read(curso_generado()[1][taller], as_version=4)
    assert _normalizado(_estudiante(taller)) == _normalizado(recien), (
        f"exercises/{taller} no es lo que genera nbgrader a partir de solutions/source: "
        "ejecuta `make exercises` y commitea el resultado.")


@pytest.mark.parametrize("taller", TALLERES)
def test_metadatos_de_nbgrader_del_cuaderno_del_profesor(taller):
    nb = _profesor(taller)
    puntos = TALLERES[taller].puntos
    pruebas = {}
    for celda in nb.cells:
        meta = _nbgrader(celda)
        gid = meta.get("grade_id", "")
        if gid.startswith("respuesta_"):  # respuesta escrita: la revisa el profesor en formgrader
            assert celda.cell_type == "markdown" and meta["grade"] and meta["solution"] and meta["points"] == 0
            assert "*Tu respuesta" in celda.source and "### BEGIN SOLUTION" in celda.source
        elif meta.get("grade"):
            assert celda.cell_type == "code" and gid.endswith("_pruebas") and not meta["solution"], gid
            funcion = gid[: -len("_pruebas")]
            pruebas[funcion] = meta["points"]
            assert celda.source.count("### BEGIN HIDDEN TESTS") == 1
            assert celda.source.rstrip().endswith(OCULTAS.format(funcion)), gid
            publicas = celda.source.split("### BEGIN HIDDEN TESTS")[0]
            assert "assert" in publicas or "comprobar_" in publicas, f"{gid} no tiene pruebas públicas"
        if gid.startswith("solucion_"):
            assert meta["solution"] and not meta["grade"] and celda.cell_type == "code"
            assert gid[len("solucion_"):] in puntos
            assert "### BEGIN SOLUTION" in celda.source
        if gid.startswith("dado_"):
            assert meta["locked"] and not meta["solution"] and not meta["grade"]
        if meta.get("task"):
            assert celda.cell_type == "markdown" and meta["points"] == 0
    assert pruebas == puntos, "una celda de pruebas por función calificada, con sus puntos"
    assert sum(pruebas.values()) == 10
    soluciones = [_nbgrader(c)["grade_id"] for c in nb.cells if _nbgrader(c).get("grade_id", "").startswith("solucion_")]
    assert sorted(soluciones) == sorted(f"solucion_{f}" for f in puntos)


def test_los_esbozos_estan_en_espanol():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(RAIZ / "solutions")).load_config()
    assert config.ClearSolutions.code_stub == {"python": "# ESCRIBE TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
    assert config.ClearSolutions.text_stub == "ESCRIBE TU RESPUESTA AQUÍ"
    for taller in TALLERES:
        texto = (EJERCICIOS / taller / TALLERES[taller].cuaderno).read_text(encoding="utf-8")
        assert "# ESCRIBE TU CÓDIGO AQUÍ" in texto and "YOUR CODE HERE" not in texto


def _cuerpo(obj):
    """Cuerpo de una función o de los métodos de una clase, sin cabecera ni docstring."""
    fuente = textwrap.dedent(inspect.getsource(obj))
    lineas = fuente.split("\n")
    arbol = ast.parse(fuente).body[0]
    funciones = [n for n in arbol.body if isinstance(n, ast.FunctionDef)] if isinstance(arbol, ast.ClassDef) else [arbol]
    cuerpos = []
    for f in funciones:
        sentencias = f.body[1:] if isinstance(f.body[0], ast.Expr) else f.body
        cuerpos.append("\n".join(lineas[sentencias[0].lineno - 1:f.end_lineno]))
    return cuerpos


def _sin_espacios(texto):
    return re.sub(r"\s+", "", texto)


@pytest.mark.parametrize("taller", TALLERES)
def test_el_cuaderno_del_estudiante_no_trae_soluciones_ni_pruebas_ocultas(taller):
    nb = _estudiante(taller)
    codigo = "\n".join(c.source for c in nb.cells)
    for prohibido in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "verificar(", "solutions"):
        assert prohibido not in codigo, f"exercises/{taller} contiene «{prohibido}»"
    compacto = _sin_espacios(codigo)
    for funcion, obj in verificacion.REFERENCIA.items():
        if funcion in DADAS.get(taller, ()):
            continue
        for cuerpo in _cuerpo(obj):
            assert _sin_espacios(cuerpo) not in compacto, f"exercises/{taller} contiene el cuerpo de {funcion}"
    # El estudiante ve la cabecera de cada función calificada y un esbozo en su lugar.
    for funcion in TALLERES[taller].puntos:
        celda = next(c for c in nb.cells if _nbgrader(c).get("grade_id") == f"solucion_{funcion}")
        assert re.search(rf"^(def|class) {funcion}\b", celda.source, re.M)
        assert "raise NotImplementedError()" in celda.source


def test_solo_el_taller_4_da_hechas_funciones_de_otro_taller():
    nb = _estudiante("xor-retropropagacion")
    dado = next(c for c in nb.cells if _nbgrader(c).get("grade_id") == "dado_funciones")
    assert _nbgrader(dado)["locked"]
    for funcion in DADAS["xor-retropropagacion"]:
        assert all(_sin_espacios(c) in _sin_espacios(dado.source) for c in _cuerpo(verificacion.REFERENCIA[funcion]))


# --- nbgrader validate ---------------------------------------------------------------------

@pytest.mark.lenta
def test_nbgrader_validate_acepta_los_cuadernos_del_profesor():
    rutas = [FUENTE / t / TALLERES[t].cuaderno for t in TALLERES]
    resultado = _validar(rutas)
    salida = resultado.stdout + resultado.stderr
    assert resultado.returncode == 0, salida
    assert salida.count("Success! Your notebook passes all the tests.") == len(rutas), salida[-4000:]
    assert "FAILED" not in salida


@pytest.mark.lenta
def test_nbgrader_validate_invert_en_los_del_estudiante_todas_las_pruebas_fallan():
    rutas = [EJERCICIOS / t / TALLERES[t].cuaderno for t in TALLERES]
    resultado = _validar(rutas, invertir=True)
    salida = resultado.stdout + resultado.stderr
    assert resultado.returncode == 0, salida
    # Una respuesta escrita sin contestar vale 0 de 0 puntos y nbgrader la cuenta como superada: es lo
    # único que puede «pasar»; ninguna celda de pruebas pasa.
    respuestas = sum('"grade_id": "respuesta_' in r.read_text(encoding="utf-8") for r in rutas)
    assert salida.count("Success! The notebook does not pass any tests.") == len(rutas) - respuestas, salida[-4000:]
    assert salida.count("NOTEBOOK PASSED ON 1 CELL(S)!") == respuestas, salida[-4000:]
    assert salida.count("ESCRIBE TU RESPUESTA AQUÍ") == respuestas, salida[-4000:]


# --- Ida y vuelta con nbgrader autograde ----------------------------------------------------

@pytest.mark.lenta
@pytest.mark.parametrize("taller", TALLERES)
def test_autocalificar_el_cuaderno_del_profesor_da_10_de_10(taller):
    notas = curso_calificado().notas[(PROFESOR, taller)]
    assert set(notas) == set(TALLERES[taller].puntos)
    assert {f: n for f, (n, _) in notas.items()} == TALLERES[taller].puntos
    assert sum(m for _, m in notas.values()) == 10


@pytest.mark.lenta
@pytest.mark.parametrize("taller", TALLERES)
def test_autocalificar_el_cuaderno_del_estudiante_sin_tocar_da_0(taller):
    notas = curso_calificado().notas[(SIN_TOCAR, taller)]
    assert set(notas) == set(TALLERES[taller].puntos)
    assert all(n == 0 for n, _ in notas.values()), notas


# --- Las funciones de los cuadernos del profesor son las de la referencia -------------------

_COMPARAR = """
import json as _json
import numpy as _np
from solutions import verificacion as _v
from solutions.ejecucion import ejecutar as _ejecutar
_informe = {}
for _funcion in %s:
    _objeto = globals()[_funcion]
    _propia = getattr(_objeto, "__module__", "") == "__main__"
    _problemas = []
    for _semilla in (11, 12, 13):
        for _caso in _v._GENERADORES[_funcion](_np.random.default_rng(_semilla)):
            _obtenido, _modificadas = _ejecutar(_funcion, _caso.args, globals())
            _problemas += _v.comparar(_caso, _v.esperado(_caso), _obtenido, _modificadas)
    _informe[_funcion] = {"definida_en_el_cuaderno": _propia, "problemas": _problemas}
print("INFORME" + _json.dumps(_informe))
"""


@pytest.mark.lenta
@pytest.mark.parametrize("taller", TALLERES)
def test_el_cuaderno_del_profesor_se_ejecuta_y_sus_funciones_coinciden_con_la_referencia(taller, tmp_path):
    nb = _profesor(taller)
    funciones = list(TALLERES[taller].puntos)
    nb.cells.append(nbformat.v4.new_code_cell(_COMPARAR % (funciones,)))
    cliente = NotebookClient(nb, timeout=300, kernel_name="python3",
                             resources={"metadata": {"path": str(tmp_path)}})
    entorno_previo = dict(os.environ)
    os.environ.update(entorno_de_ordenes())
    os.environ["MPLBACKEND"] = "Agg"
    try:
        cliente.execute()  # falla si alguna celda lanza una excepción
    finally:
        os.environ.clear()
        os.environ.update(entorno_previo)
    for celda in nb.cells:
        if _nbgrader(celda).get("grade") and celda.cell_type == "code":  # las respuestas escritas no tienen salidas
            errores = [o for o in celda.outputs if o.get("name") == "stderr"]
            assert not errores, f"{_nbgrader(celda)['grade_id']} escribe en stderr: {errores}"
    salida = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    informe = json.loads(salida.split("INFORME", 1)[1])
    for funcion in funciones:
        assert informe[funcion]["definida_en_el_cuaderno"], f"{funcion} no está definida en el cuaderno"
        assert informe[funcion]["problemas"] == [], (funcion, informe[funcion]["problemas"])
    # El trabajo libre del profesor llega a lo que promete (p. ej. el XOR resuelto).
    if taller == "xor-retropropagacion":
        textos = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert "¿Resuelve el XOR? True" in textos


def test_make_exercises_regenera_los_cuadernos():
    resultado = subprocess.run(["make", "-n", "exercises"], cwd=RAIZ, capture_output=True, text=True)
    assert resultado.returncode == 0, resultado.stderr
    assert "python -m construccion.generar_cuadernos --estudiante" in resultado.stdout
    makefile = (RAIZ / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^exercises: \$\(ENTORNO\)", makefile, re.M), "exercises debe depender de $(ENTORNO)"
