"""Pruebas unitarias del banco (`make bench`): composición del lote, rondas intercaladas, mediana y
rango, tabla, configuración de otter. No necesitan nbgrader ni procesos aislados."""
import ast
import sys
import time
import json
import zipfile
from collections import Counter

import numpy as np
import pytest

from autograder.banco import banco_otter, banco_rondas, muestras
from autograder.banco import velocidad as banco
from conftest import RAIZ
from solutions import xor

# nbgrader y traitlets (al importarse) avisan de usos obsoletos que no son nuestros.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CUADERNO_PROFESOR = json.loads((RAIZ / "solutions" / "source" / banco.TALLER.id / banco.TALLER.cuaderno)
                               .read_text(encoding="utf-8"))


def test_la_clase_de_40_parece_una_clase():
    perfiles = muestras.composicion(40)
    cuenta = Counter(p.nombre for p in perfiles)
    assert len(perfiles) == 40
    assert cuenta["bucle infinito"] == 1
    assert {cuenta["error de sintaxis"], cuenta["NameError"], cuenta["vacía"]} == {1}
    assert [p.nombre for p in perfiles if not p.entrena] == ["vacía"]  # las demás entrenan (o lo intentan)
    assert cuenta["completa"] == 28 and sum(cuenta[p.nombre] for p in muestras.CON_UN_ERROR) == 8
    # Casi todas completas y bien; el bucle, en medio (ni primero ni último); las demás, repartidas.
    assert perfiles.index(muestras.BUCLE) == 20
    posiciones = [i for i, p in enumerate(perfiles) if p != muestras.COMPLETA]
    assert max(b - a for a, b in zip(posiciones, posiciones[1:])) <= 5, posiciones
    assert perfiles == muestras.composicion(40)  # siempre la misma


@pytest.mark.parametrize("n", [1, 2, 3, 6, 13, 100, 1000])
def test_la_composicion_escala_con_un_solo_bucle(n):
    perfiles = muestras.composicion(n)
    cuenta = Counter(p.nombre for p in perfiles)
    assert len(perfiles) == n and cuenta["bucle infinito"] == 1
    if n >= 3:  # al menos una rota y una con un error típico, y nunca más rotas que la proporción
        assert 1 <= sum(cuenta[p.nombre] for p in muestras.ROTAS) <= max(1, round(n * 3 / 40))
        assert sum(cuenta[p.nombre] for p in muestras.CON_UN_ERROR) >= 1
    if n >= 20:  # y casi todas completas o con un error típico: entrenan y dibujan
        assert cuenta["completa"] + sum(cuenta[p.nombre] for p in muestras.CON_UN_ERROR) >= n * 0.85


def test_las_entregas_rotas_fallan_como_dicen():
    with pytest.raises(SyntaxError):
        ast.parse(muestras.codigo("backProp_sintaxis"))
    X, y = xor.datosXOR()
    w1, b1, w2, b2 = xor.inicializarParametros(0)
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    espacio = {"np": np}
    exec(muestras.codigo("backProp_nombre"), espacio)
    with pytest.raises(NameError):
        espacio["backProp"](X, y, w1, w2, b1, b2, a2, a1)
    # El bucle: con 0 épocas termina (pasa la primera prueba pública); con más, el cuerpo no avanza la época.
    espacio = {"np": np, "feedForward": xor.feedForward, "costoGlobal": xor.costoGlobal, "backProp": xor.backProp}
    exec(muestras.codigo("entrenarRed_bucle"), espacio)
    assert espacio["entrenarRed"](0, 1.0, X, y, w1, b1, w2, b2, a1, a2)[4] == []
    bucle = next(n for n in ast.walk(ast.parse(muestras.codigo("entrenarRed_bucle"))) if isinstance(n, ast.While))
    assert not any(isinstance(n, (ast.AugAssign, ast.Assign)) and "epoca" in ast.unparse(n.targets[0]
                   if isinstance(n, ast.Assign) else n.target) for n in ast.walk(bucle))


def test_cada_entrega_lleva_su_codigo_y_entrena_si_el_perfil_lo_dice():
    estudiante = json.loads((RAIZ / "exercises" / banco.TALLER.id / banco.TALLER.cuaderno).read_text(encoding="utf-8"))
    trabajos = muestras.celdas_de_trabajo(CUADERNO_PROFESOR)
    assert trabajos and all("plt" in c or "entrenarRed" in c for c in trabajos.values())
    perfiles = [muestras.COMPLETA, muestras.BUCLE, muestras.ROTAS[2]]
    clase = muestras.clase(estudiante, 0, trabajos, perfiles=perfiles)
    assert [nota for _, nota in clase.values()] == [10, 6, 0]

    def celda(nb, gid):
        return "".join(next(c["source"] for c in nb["cells"]
                            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid))

    completa, bucle, vacia = (nb for nb, _ in clase.values())
    assert "entrenarRed(EPOCAS" in celda(completa, "trabajo_entrenamiento")
    assert "while epoca < epocas" in celda(bucle, "solucion_entrenarRed")
    assert "NotImplementedError" in celda(vacia, "solucion_backProp")
    assert "entrenarRed(EPOCAS" not in celda(vacia, "trabajo_entrenamiento")


def test_orden_intercalado_a_b_luego_b_a():
    assert banco_rondas.orden_intercalado(["A", "B"], 3) == [["A", "B"], ["B", "A"], ["A", "B"]]
    assert banco_rondas.orden_intercalado(["A", "B", "C"], 2) == [["A", "B", "C"], ["C", "B", "A"]]
    claves = list(banco.herramientas(2))
    orden = banco_rondas.orden_intercalado(claves, 3)
    assert orden[0][0] == orden[1][-1] == orden[2][0] == "calificador_2"


def test_mediana_y_rango():
    assert banco_rondas.mediana_y_rango([3.0, 1.0, 2.0]) == (2.0, 1.0, 3.0)
    assert banco_rondas.mediana_y_rango([4.0, 1.0]) == (2.5, 1.0, 4.0)
    assert banco_rondas.mediana_y_rango([7.5]) == (7.5, 7.5, 7.5)
    with pytest.raises(ValueError):
        banco_rondas.mediana_y_rango([])


def test_cocientes_por_ronda_y_tabla():
    tiempos = [{"cal": 2.0, "nbg": 30.0}, {"cal": 4.0, "nbg": 36.0}, {"cal": 3.0, "nbg": 36.0}]
    # Cada ronda con su propio nbgrader: 15, 9 y 12 (no 34/3).
    assert banco_rondas.cocientes(tiempos, "nbg", "cal") == [15.0, 9.0, 12.0]
    texto = banco_rondas.tabla(tiempos, {"cal": "Este calificador", "nbg": "nbgrader autograde"},
                               ["cal"], ["nbg"], entregas=10)
    lineas = texto.splitlines()
    assert lineas[0].split() == ["Herramienta", "Tiempo", "(s)", "s/entrega", "×", "nbgrader"]
    assert "3,0 (2,0–4,0)" in lineas[2] and "0,30" in lineas[2] and "12,0× (9,0–15,0)" in lineas[2]
    assert "36,0 (30,0–36,0)" in lineas[3] and lineas[3].rstrip().endswith("—")
    sin = banco_rondas.tabla([{"cal": 1.0}], {"cal": "Este calificador", "nbg": "nbgrader"}, ["cal"], ["nbg"], 1)
    assert "sin medida" in sin.splitlines()[-1]


def test_discrepancias_por_ronda():
    lote = banco.Lote(None, None, None, {"e0": None, "e1": None}, {"e0": 10, "e1": 4}, {"e0": "completa", "e1": "x"})
    bien = {"e0": {"backProp": 6.0, "entrenarRed": 4.0}, "e1": {"backProp": 0.0, "entrenarRed": 4.0}}
    mal = {"e0": {"backProp": 6.0, "entrenarRed": 4.0}, "e1": {"backProp": 6.0, "entrenarRed": 4.0}}
    notas = {"calificador_2": [bien, mal], "nbgrader": [bien, bien]}
    assert banco.discrepancias(lote, notas, "calificador_2") == ["e1"]  # falla solo en la segunda ronda
    assert banco.discrepancias(lote, notas, "nbgrader", referencia=None) == []
    notas["nbgrader"][1] = mal
    assert banco.discrepancias(lote, notas, "nbgrader", referencia=None) == ["e1"]


def test_configuracion_de_otter_con_las_pruebas_de_nbgrader(tmp_path):
    pruebas = banco_otter.pruebas_de_nbgrader(CUADERNO_PROFESOR, banco.TALLER.funciones)
    assert {f: p for f, (p, _) in pruebas.items()} == {"backProp": 6, "entrenarRed": 4}
    assert all("BEGIN HIDDEN TESTS" in c and "verificar(" in c for _, c in pruebas.values())
    ruta = banco_otter.configuracion(CUADERNO_PROFESOR, banco.TALLER.funciones, tmp_path / "autograder.zip")
    with zipfile.ZipFile(ruta) as z:
        assert sorted(z.namelist()) == ["otter_config.json", "tests/backProp.py", "tests/entrenarRed.py"]
        fuente = z.read("tests/backProp.py").decode()
    espacio = {}
    exec(compile(fuente.replace("from otter.test_files import test_case", "test_case = lambda **k: (lambda f: f)"),
                 "backProp.py", "exec"), espacio)
    assert espacio["OK_FORMAT"] is False and espacio["name"] == "backProp" and espacio["points"] == 6
    assert espacio["CODIGO"] == pruebas["backProp"][1]


def test_notas_de_un_resultado_de_otter(tmp_path):
    ruta = tmp_path / "results.json"
    ruta.write_text(json.dumps({"tests": [
        {"name": "Public Tests", "status": "passed"},
        {"name": "backProp", "score": 6, "max_score": 6},
        {"name": "entrenarRed", "score": 0, "max_score": 4}]}))
    assert banco_otter.notas_de_resultados(ruta, ("backProp", "entrenarRed")) == {"backProp": 6.0, "entrenarRed": 0.0}
    ruta.write_text(json.dumps({"tests": []}))
    assert banco_otter.notas_de_resultados(ruta, ("backProp",)) == {"backProp": 0.0}


def test_nbgrader_recibe_el_limite_por_celda_en_la_opcion_que_usa_el_curso():
    """Con --ExecutePreprocessor.timeout, nbgrader seguía usando los 120 s de c.Execute.timeout del curso
    (la entrega del bucle le costaba 251 s en vez de unos 40)."""
    import inspect
    import re

    config = (RAIZ / "solutions" / "nbgrader_config.py").read_text(encoding="utf-8")
    opcion = re.search(r"^c\.(\w+\.timeout) =", config, flags=re.M).group(1)
    assert f'"--{opcion}={{TIEMPO_CELDA:g}}"' in inspect.getsource(banco.nbgrader)


def test_el_informe_da_la_carga_de_menor_a_mayor_y_explica_el_bucle():
    lote = banco.Lote(None, None, None, {"e000": None, "e001": None}, {"e000": 10, "e001": 6},
                      {"e000": "completa", "e001": "bucle infinito"})
    nombres = {"calificador_2": "Este calificador (2 a la vez, por defecto)", "nbgrader": "nbgrader autograde"}
    notas = {"e000": {"backProp": 6.0, "entrenarRed": 4.0}, "e001": {"backProp": 6.0, "entrenarRed": 0.0}}
    tiempos = [{"calificador_2": 40.0, "nbgrader": 80.0}]
    texto, coinciden, mediana = banco.informe_rondas(
        lote, 2, nombres, tiempos, {"calificador_2": [notas], "nbgrader": [notas]}, [], [(11.5, 1, 1), (8.7, 1, 1)])
    assert coinciden and mediana == 2.0
    assert "de 8.7 1.0 1.0 a 11.5 1.0 1.0" in texto  # por su valor, no por orden alfabético
    assert f"2 × {banco.TIEMPO_CELDA} s" in texto and "NO se cumple (mediana 2,0×)" in texto


def test_al_cortar_otter_no_queda_vivo_ningun_descendiente(tmp_path):
    """Como un núcleo de Jupyter que otter lanza en su propia sesión y se queda en un bucle: al agotarse
    el tiempo muere también, aunque matar el grupo de procesos de otter no lo alcanzara."""
    import psutil

    pid_nieto = tmp_path / "nieto.pid"
    nieto = "import time\nwhile True: time.sleep(0.05)\n"
    hijo = (f"import subprocess, sys, time\n"
            f"p = subprocess.Popen([sys.executable, '-c', {nieto!r}], start_new_session=True)\n"
            f"open({str(pid_nieto)!r}, 'w').write(str(p.pid))\n"
            f"time.sleep(120)\n")
    inicio = time.monotonic()
    assert banco_otter.ejecutar_con_limite([sys.executable, "-c", hijo], tmp_path, 3) is False
    assert time.monotonic() - inicio < 30
    assert pid_nieto.is_file(), "el hijo no llegó a lanzar el nieto en 3 s"
    pid = int(pid_nieto.read_text())
    vivo = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    if vivo:  # que no quede suelto aunque la prueba falle
        psutil.Process(pid).kill()
    assert not vivo, "el nieto, en su propia sesión, sigue vivo tras cortar la orden"
    assert banco_otter.ejecutar_con_limite([sys.executable, "-c", "pass"], tmp_path, 30) is True
