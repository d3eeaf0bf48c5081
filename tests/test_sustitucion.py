"""La comprobación de sustitución (publicacion/sustitucion.py) y el estudiante perezoso del issue 21.

- Con el código de la edición anterior (tests/datos/edicion_anterior, copiado del commit 2257658),
  la comprobación caza cada ejemplo del issue, y los intentos del estudiante perezoso aprueban.
- Con la edición pública de ahora, esos mismos intentos suspenden.
- Cada clase de adaptador fino (argumentos en otro orden, un valor no por defecto, un método,
  un functools.partial, un nombre con guion bajo, dos llamadas encadenadas, un bloque ```python
  que no se ejecuta, un módulo en UTF-16) se caza (tests/datos/adaptadores).
- Con el calendario: una respuesta se publica antes de su plazo solo si todo lo que usa es
  público antes (la decisión de generar.filtraciones_en_el_calendario, sin ejecutar nada).
"""
import datetime as dt
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

import edicion_publica
from publicacion import calendario, sustitucion
from publicacion.generar import SIEMPRE, filtraciones_en_el_calendario

RAIZ = edicion_publica.RAIZ
DATOS = RAIZ / "tests" / "datos"
ENTORNO = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(RAIZ))


@pytest.fixture(scope="session")
def publico():
    """La edición pública de las pruebas (con este nombre, conftest.py la empieza a preparar pronto)."""
    destino, resultado = edicion_publica.publicada()
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    return destino


#: Las funciones calificadas de los ejemplos del issue 21 (la parametrización de abajo).
EJEMPLOS_DEL_ISSUE = ("feedForward", "costoGlobal", "backProp", "entrenarRed", "descensoGradiente",
                      "gradienteNumerico")


@pytest.fixture(scope="module")
def informe_anterior():
    """La comprobación sobre la edición anterior, solo frente a las calificadas de los ejemplos.

    Cada calificada se busca por separado: el informe de estas seis es el mismo que en la búsqueda
    completa, con un tercio del trabajo (la búsqueda completa ya se hace sobre la edición de ahora).
    """
    return sustitucion.filtraciones(DATOS / "edicion_anterior", calificadas=list(EJEMPLOS_DEL_ISSUE))


def _descripciones(informe, calificada):
    programas = [p for p in informe["programas"] if p["calificada"] == calificada]
    return " | ".join(a["descripcion"] for p in programas for alternativas in p["componentes"]
                      for a in alternativas)


@pytest.mark.lenta
@pytest.mark.parametrize("calificada, funciones", [
    ("feedForward", ["propagar"]),                         # propagar dos veces, con salida «sigmoide»
    ("costoGlobal", ["entropia_cruzada"]),                 # con la opción de la salida sigmoide
    ("backProp", ["entrenar_lotes_completos"]),            # ampliando ACTIVACIONES; los gradientes, espiados
    ("entrenarRed", ["entrenar_lotes_completos"]),         # sobre copias, con la sigmoide añadida
    ("descensoGradiente", ["sgd_minilotes", "descenso"]),  # tam_lote = m, o descenso con el gradiente del taller
    ("gradienteNumerico", ["error_del_gradiente"]),        # espiado mientras se ejecuta
])
def test_la_comprobacion_caza_cada_ejemplo_del_issue(informe_anterior, calificada, funciones):
    assert calificada in EJEMPLOS_DEL_ISSUE
    assert not informe_anterior["errores"], informe_anterior["errores"]
    descripciones = _descripciones(informe_anterior, calificada)
    for funcion in funciones:
        assert f"{funcion}(" in descripciones, f"{calificada}: no se encontró el adaptador con {funcion}"


@pytest.mark.lenta
def test_la_comprobacion_caza_gradientes_con_activaciones_ampliadas(tmp_path):
    """El ejemplo exacto del taller 4: gradientes([X, a1, a2], y, {...}, oculta="sigmoide")."""
    (tmp_path / "book").mkdir()
    texto = (DATOS / "edicion_anterior" / "book" / "07-entrenamiento.md").read_text(encoding="utf-8")
    inicio = texto.index("def entrenar_lotes_completos")
    (tmp_path / "book" / "07-entrenamiento.md").write_text(texto[:inicio] + "\n```\n", encoding="utf-8")
    informe = sustitucion.filtraciones(tmp_path, calificadas=["backProp"])
    descripcion = _descripciones(informe, "backProp")
    assert "gradientes(activaciones=[X, a1, a2]" in descripcion and "añadir 'sigmoide'" in descripcion, descripcion


def _intentos(carpeta):
    resultado = subprocess.run([sys.executable, str(RAIZ / "tests" / "estudiante_perezoso.py"), str(carpeta)],
                               cwd=RAIZ, env=ENTORNO, capture_output=True, text=True)
    assert resultado.returncode == 0, resultado.stderr[-3000:]
    return json.loads(resultado.stdout.strip().splitlines()[-1])


def test_los_intentos_del_estudiante_perezoso_aprobaban_con_la_edicion_anterior():
    """Los intentos son de verdad: con el código anterior, cada uno supera las pruebas ocultas."""
    resultados = _intentos(DATOS / "edicion_anterior")
    assert len(resultados) == 8 and set(resultados.values()) == {"aprueba"}, resultados


@pytest.mark.lenta
def test_el_estudiante_perezoso_suspende_con_la_edicion_publica(publico):
    """Los mismos intentos, con la edición pública (capítulos y herramientas de ahora): ninguno aprueba."""
    resultados = _intentos(publico)
    aprobados = [nombre for nombre, r in resultados.items() if r == "aprueba"]
    assert len(resultados) == 8 and not aprobados, aprobados


@pytest.mark.lenta
def test_cada_clase_de_adaptador_fino(tmp_path):
    informe = sustitucion.filtraciones(DATOS / "adaptadores", calificadas=[
        "costo", "costoGlobal", "gradiente", "normalizar", "derivadaSigmoide", "PuertaMultiplicacion", "PuertaMax"])
    assert not informe["errores"], informe["errores"]
    esperado = {
        "costo": "_coste_permutado(theta=theta, y=y, X=X)",             # otro orden y guion bajo
        "costoGlobal": "perdida(P=y_est, Y=y, binaria=True)",           # un valor que no es el por defecto
        "gradiente": "Regresion().gradiente_en(",                       # un método
        "normalizar": "normalizar_columnas(X=X)",                       # un functools.partial
        "derivadaSigmoide": "por_su_complemento(a=sigmoide_de(z=z))",  # dos llamadas encadenadas
        "PuertaMultiplicacion": "PuertaProducto() con .adelante(x, y)",  # una clase en un bloque ```python
        "PuertaMax": "maximo_y_su_gradiente(",                          # un módulo en UTF-16
    }
    for calificada, fragmento in esperado.items():
        assert fragmento in _descripciones(informe, calificada), (calificada, _descripciones(informe, calificada))


def test_un_bloque_python_que_no_es_python_se_rechaza(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "notas.md").write_text("# Notas\n\n```python\ndef f(x):\n    return x +\n```\n",
                                                encoding="utf-8")
    informe = sustitucion.filtraciones(tmp_path, calificadas=["costo"])
    assert any("book/notas.md, línea 3" in e and "no es Python válido" in e for e in informe["errores"]), informe


# --- La decisión con el calendario ----------------------------------------------------------------

MADRID = ZoneInfo("Europe/Madrid")


def _cal(**talleres):
    base = {t: calendario.Entrada(t) for t in calendario.TALLERES}
    base.update({t: calendario.Entrada(t, *[dt.datetime.fromisoformat(v).replace(tzinfo=MADRID) if v else None
                                            for v in valores]) for t, valores in talleres.items()})
    return calendario.Calendario(MADRID, base)


def _programa(calificada, *origenes):
    return {"calificada": calificada, "descripcion": "…",
            "componentes": [[{"grupos": [[list(o)] for o in origenes], "descripcion": "…"}]]}


def test_un_capitulo_publico_que_resuelve_un_taller_es_siempre_una_filtracion():
    cal = _cal(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59")})
    programa = _programa("feedForward", ("book/07.md", None))
    filtradas, tras = filtraciones_en_el_calendario({"programas": [programa]}, cal)
    assert len(filtradas) == 1 and filtradas[0]["desde"] == SIEMPRE and not tras


def test_el_cuaderno_del_taller_4_solo_filtra_si_se_publica_antes_del_plazo_del_taller_3():
    programa = _programa("feedForward", ("talleres/xor-retropropagacion/xor-retropropagacion.ipynb", None))
    a_tiempo = _cal(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59"),
                       "xor-retropropagacion": ("2027-03-08 00:00", "2027-03-21 23:59")})
    assert filtraciones_en_el_calendario({"programas": [programa]}, a_tiempo)[0] == []
    pronto = _cal(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59"),
                     "xor-retropropagacion": ("2027-03-07 23:59", "2027-03-21 23:59")})  # un minuto antes
    assert len(filtraciones_en_el_calendario({"programas": [programa]}, pronto)[0]) == 1


def test_un_solucionario_se_publica_al_terminar_su_plazo_y_no_antes():
    cal = _cal(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59"),
                  "xor-retropropagacion": ("2027-03-08 09:00", "2027-03-21 23:59")})
    del_taller_4 = _programa("backProp", ("book/07.md", "xor-retropropagacion"))
    del_taller_3 = _programa("backProp", ("book/07.md", "xor-propagacion"))   # mal marcado: sale antes
    filtradas, tras = filtraciones_en_el_calendario({"programas": [del_taller_4, del_taller_3]}, cal)
    assert [f["desde"] for f in filtradas] == [dt.datetime(2027, 3, 8, 0, 0, tzinfo=MADRID)] and len(tras) == 1


def test_de_cada_valor_cuenta_la_manera_de_obtenerlo_que_se_publica_antes():
    """Si feedForward sale del cuaderno del taller 4 (tras el plazo) y también de un capítulo, filtra."""
    cal = _cal(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59"),
                  "xor-retropropagacion": ("2027-03-08 09:00", "2027-03-21 23:59")})
    programa = {"calificada": "feedForward", "descripcion": "…", "componentes": [[
        {"grupos": [[["talleres/xor-retropropagacion/xor-retropropagacion.ipynb", None]]], "descripcion": "dado"},
        {"grupos": [[["book/07.md", None]]], "descripcion": "del capítulo"}]]}
    filtradas, _ = filtraciones_en_el_calendario({"programas": [programa]}, cal)
    assert len(filtradas) == 1 and filtradas[0]["descripcion"] == "del capítulo"


def test_lo_que_no_se_publica_nunca_no_filtra():
    cal = _cal(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59")})   # el taller 4, sin fecha
    programa = _programa("feedForward", ("talleres/xor-retropropagacion/xor-retropropagacion.ipynb", None))
    assert filtraciones_en_el_calendario({"programas": [programa]}, cal) == ([], [])


def test_lo_que_ve_el_espia_incluye_arreglos_vacios_sin_fallar():
    """Un arreglo de 0 filas (p. ej. un minilote vacío) no rompe la búsqueda."""
    import numpy as np
    resultado = sustitucion.Resultado({"W": np.zeros((0, 3)), "b": [np.ones(2)]}, [], {}, set())
    vistos = list(sustitucion.valores_vistos(resultado))
    assert any(ruta == (("retorno",), ("k", "b"), ("i", -1)) for ruta, _ in vistos)


# --- Lo que acelera la búsqueda (sin cambiar lo que encuentra) -----------------------------------

def _coincide_como_antes(valor, esperado, rtol, atol):
    """La comparación de siempre: np.allclose entero, con el obtenido finito."""
    import numpy as np
    try:
        obtenido, esperado = np.asarray(valor, dtype=float), np.asarray(esperado, dtype=float)
    except (TypeError, ValueError):
        return False
    return obtenido.shape == esperado.shape and bool(np.all(np.isfinite(obtenido))) and bool(
        np.allclose(obtenido, esperado, rtol=rtol, atol=atol))


def test_un_objetivo_preparado_coincide_exactamente_igual_que_allclose():
    import numpy as np
    rng = np.random.default_rng(7)
    base = rng.normal(size=(3, 4))
    esperados = [base, base[0], 0.5, 0, [1.0, 2.0, 3.0], np.array([1.0, np.inf]), np.array([np.nan, 1.0]),
                 np.array([1e308, -1e308]), "texto", [np.ones(2), np.ones(3)], np.zeros((0, 3))]
    valores = []
    for e in esperados:
        try:
            a = np.asarray(e, dtype=float)
        except (TypeError, ValueError):
            valores.append(e)
            continue
        ruido = [0.0, 1e-12, 1e-9, 1e-7, 1e-6, 1e-5, 1e-3]
        with np.errstate(all="ignore"):  # infinitos y NaN a propósito
            valores += [a + r * (np.abs(a) + 1.0) for r in ruido] + [a - r * np.abs(a) for r in ruido]
            valores += [np.where(a == a, np.nan, a), np.full(a.shape, np.inf), np.full(a.shape, -np.inf), a.T,
                        a.astype(int), a.tolist(), None, "x", [a, a]]
    for rtol, atol in [(1e-6, 1e-9), (0, 0), (1e-3, 0), (0, 1e-6)]:
        for e in esperados:
            objetivo = sustitucion.Objetivo(e, rtol, atol)
            for v in valores:
                assert objetivo.coincide(v) == _coincide_como_antes(v, e, rtol, atol), (e, v, rtol, atol)
                assert sustitucion.coincide(v, e, rtol, atol) == _coincide_como_antes(v, e, rtol, atol)


def test_la_busqueda_compara_con_objetivos_preparados_sin_allclose(monkeypatch):
    """aciertos prepara cada objetivo una vez: millones de np.allclose eran la mitad de la CPU."""
    import numpy as np
    busqueda = sustitucion.Busqueda(sustitucion.Motor([], set()), "costo")
    objetivos = busqueda.esperados[busqueda.sonda]
    llamadas = []
    original = np.allclose
    monkeypatch.setattr(np, "allclose", lambda *a, **k: llamadas.append(1) or original(*a, **k))
    vistos = {"bien": objetivos[0], "casi": objetivos[0] + 1e-3, "lista": [objetivos[0]] * 5}
    resultado = sustitucion.Resultado(objetivos[0], [dict(vistos)], {"codigo": vistos}, set())
    por_forma = busqueda.preparar(objetivos)
    aciertos = list(busqueda.aciertos(None, resultado, por_forma))
    rutas = [r for _, r in aciertos]
    assert {k for k, _ in aciertos} == {0} and (("retorno",),) in rutas and (("argumento", 0), ("k", "bien")) in rutas
    assert not any(("k", "casi") in r for r in rutas) and len(rutas) > 5
    assert llamadas == []


def test_una_funcion_de_los_casos_se_compila_una_vez_y_se_crea_nueva_cada_vez():
    from solutions import ejecucion
    funcion = ejecucion.FuncionPrueba("lambda z: 2 * z + 1")
    ejecucion._compilado.cache_clear()
    primera, segunda = sustitucion._preparado(funcion), sustitucion._preparado(funcion)
    assert ejecucion._compilado.cache_info().misses == 1 and ejecucion._compilado.cache_info().hits == 1
    assert primera is not segunda and primera(3) == segunda(3) == funcion.crear()(3) == 7


def test_copiar_un_argumento_es_como_deepcopy():
    import copy
    import numpy as np
    fortran = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    for valor in (fortran, fortran[:, ::2], np.arange(3), np.array([[1], "a"], dtype=object), [np.ones(2)],
                  {"W": np.ones((2, 2))}, 1.5):
        copia, esperada = sustitucion._copia(valor), copy.deepcopy(valor)
        assert type(copia) is type(esperada) and repr(copia) == repr(esperada)
        if isinstance(valor, np.ndarray):
            assert copia is not valor and copia.strides == esperada.strides and not np.shares_memory(copia, valor)
