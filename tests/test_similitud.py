"""Posibles copias (issue 25, punto 10): copias plantadas entre soluciones honestas.

Las entregas se construyen con el cuaderno real del estudiante de xor-retropropagacion y se
analizan con ``similitud.analizar``, que lee el texto de los cuadernos sin ejecutar nada.
"""
import csv
import json
from itertools import combinations
from pathlib import Path

import pytest

from autograder import muestras
from autograder.salidas import similitud
from autograder.recogida.entregas import Entrega
from autograder.salidas.ficheros import escribir_atomico
from conftest import RAIZ
from copias_plantadas import COPIAS, HONESTAS
from solutions.talleres import TALLERES

TALLER = TALLERES["xor-retropropagacion"]
CUADERNO = RAIZ / "exercises" / TALLER.id / TALLER.cuaderno
FUENTE = RAIZ / "solutions" / "source" / TALLER.id / TALLER.cuaderno
PLANTADOS = {tuple(sorted((copia, original))) for copia, (original, _) in COPIAS.items()}


def _clase(carpeta, soluciones, extra_celdas=None):
    base = json.loads(CUADERNO.read_text(encoding="utf-8"))
    lista = []
    for estudiante, codigo in soluciones.items():
        nb = muestras.rellenar(base, codigo)
        for texto in (extra_celdas or {}).get(estudiante, []):
            nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                                "source": texto})
        ruta = carpeta / estudiante / TALLER.cuaderno
        muestras.guardar(nb, ruta)
        lista.append(Entrega(estudiante, ruta))
    return lista


@pytest.fixture(scope="module")
def analisis(tmp_path_factory):
    soluciones = dict(HONESTAS)
    soluciones.update({copia: celdas for copia, (_, celdas) in COPIAS.items()})
    soluciones["sin_tocar"] = {}  # el cuaderno tal cual se repartió
    return similitud.analizar(_clase(tmp_path_factory.mktemp("copias"), soluciones), TALLER, FUENTE)


def test_las_copias_plantadas_quedan_por_encima_de_todo_par_honesto(analisis):
    puntuacion = {(a, b): s for a, b, s in analisis.pares}
    plantados = {p: puntuacion[p] for p in PLANTADOS}
    honestos = {p: s for p, s in puntuacion.items() if p not in PLANTADOS}
    mejor_honesto = max(honestos.items(), key=lambda x: x[1])
    print(f"\nPlantados: {plantados}\nMejor par honesto: {mejor_honesto}")
    assert min(plantados.values()) > mejor_honesto[1], (plantados, mejor_honesto)
    assert {(a, b) for a, b, _ in analisis.pares[:len(PLANTADOS)]} == PLANTADOS
    # Los plantados destacan sobre el resto de la clase; ningún par honesto lo hace.
    assert all(s >= analisis.corte for s in plantados.values())
    assert mejor_honesto[1] < analisis.corte


def test_el_codigo_se_guarda_tal_cual_para_mostrarlo_lado_a_lado(analisis):
    assert analisis.codigo["ana"]["backProp"] == HONESTAS["ana"]["backProp"].strip()
    assert analisis.codigo["iris"]["entrenarRed"].startswith("def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):\n"
                                                           "    # guardo los costes de cada época\n")


def test_un_cuaderno_sin_tocar_es_vacio_y_no_se_parece_a_nada(analisis):
    assert analisis.vacias == {"sin_tocar"}
    assert all(s == 0 for a, b, s in analisis.pares if "sin_tocar" in (a, b))


def test_el_codigo_que_da_el_cuaderno_no_cuenta(tmp_path):
    """Dos estudiantes cuyas funciones calificadas solo repiten código que da el cuaderno (la plantilla y el
    cuerpo de ``sigmoide``, de la celda dada) no tienen nada propio: son vacías y no se parecen."""
    dado = json.loads(FUENTE.read_text(encoding="utf-8"))
    celda = next("".join(c["source"]) for c in dado["cells"]
                 if c["metadata"].get("nbgrader", {}).get("grade_id") == "dado_funciones")
    cuerpo = celda[celda.index("def sigmoide"):celda.index("def feedForward")].split(":", 1)[1]
    plantilla = {"backProp": "def backProp(X, y, w1, w2, b1, b2, a2, a1):" + cuerpo}
    assert "np.where" in plantilla["backProp"]
    lista = _clase(tmp_path, {"uno": plantilla, "dos": plantilla, **{k: HONESTAS[k] for k in ("ana", "bruno")}},
                   {"uno": [celda], "dos": [celda]})
    resultado = similitud.analizar(lista, TALLER, FUENTE)
    assert resultado.vacias == {"uno", "dos"}
    assert dict(((a, b), s) for a, b, s in resultado.pares)[("dos", "uno")] == 0
    # Sin el cuaderno fuente, el mismo código sí cuenta (la prueba puede fallar).
    assert dict(((a, b), s) for a, b, s in similitud.analizar(lista, TALLER).pares)[("dos", "uno")] > 0.9


def test_la_similitud_no_ejecuta_el_codigo_del_estudiante(tmp_path):
    marca = tmp_path / "ejecutado"
    trampa = f"open({str(marca)!r}, 'w').write('x')\nraise SystemExit(1)\n"
    codigo = {f: trampa + HONESTAS["ana"][f] for f in TALLER.funciones}
    anidado = "def backProp(X):\n    return " + "-" * 50000 + "1\n"  # ast.parse da MemoryError
    lista = _clase(tmp_path, {"uno": codigo, "dos": HONESTAS["bruno"], "tres": {"backProp": "def backProp(:\n"},
                              "cuatro": {"backProp": anidado}})
    resultado = similitud.analizar(lista, TALLER, FUENTE)
    assert not marca.exists()
    assert len(resultado.pares) == 6


def test_similitud_csv_un_par_por_fila_de_mayor_a_menor(analisis, tmp_path):
    similitud.escribir_csv(analisis, tmp_path / "similitud.csv", escribir_atomico)
    with open(tmp_path / "similitud.csv", encoding="utf-8") as f:
        lector = csv.reader(f)
        cabecera, filas = next(lector), list(lector)
    assert cabecera == ["estudiante_a", "estudiante_b", "similitud"]
    estudiantes = len(HONESTAS) + len(COPIAS) + 1
    assert len(filas) == estudiantes * (estudiantes - 1) // 2
    assert {tuple(sorted(f[:2])) for f in filas} == set(combinations(sorted({x for f in filas for x in f[:2]}), 2))
    valores = [float(f[2]) for f in filas]
    assert valores == sorted(valores, reverse=True) and all(0 <= v <= 1 for v in valores)


def test_lo_que_comparten_muchos_pesa_poco(tmp_path):
    """El bucle canónico de entrenarRed, idéntico en toda la clase, apenas acerca a dos estudiantes;
    el mismo código compartido solo por ellos dos los acerca mucho más."""
    canonico = HONESTAS["fabio"]["entrenarRed"]
    clases = {"nadie": HONESTAS,  # cada uno el suyo (fabio, el canónico)
              "todos": {e: dict(c, entrenarRed=canonico) for e, c in HONESTAS.items()},
              "solo_dos": {e: dict(c, entrenarRed=canonico) if e in ("ana", "bruno") else c
                           for e, c in HONESTAS.items() if e != "fabio"}}
    s = {}
    for nombre, clase in clases.items():
        pares = similitud.analizar(_clase(tmp_path / nombre, clase), TALLER, FUENTE).pares
        s[nombre] = dict(((a, b), v) for a, b, v in pares)[("ana", "bruno")]
    print(f"\nana y bruno: {s}")
    assert s["todos"] - s["nadie"] < (s["solo_dos"] - s["nadie"]) / 3


@pytest.mark.parametrize("taller_id", list(TALLERES))
def test_en_cada_taller_el_cuaderno_sin_tocar_es_vacio(taller_id, tmp_path):
    """La plantilla de las celdas de solución (también la de cada método de una clase) es código dado."""
    taller = TALLERES[taller_id]
    cuaderno = RAIZ / "exercises" / taller.id / taller.cuaderno
    lista = []
    for estudiante in ("uno", "dos"):
        ruta = tmp_path / estudiante / taller.cuaderno
        ruta.parent.mkdir()
        ruta.write_bytes(cuaderno.read_bytes())
        lista.append(Entrega(estudiante, ruta))
    resultado = similitud.analizar(lista, taller, RAIZ / "solutions" / "source" / taller.id / taller.cuaderno)
    assert resultado.vacias == {"uno", "dos"} and resultado.pares == [("dos", "uno", 0.0)]
