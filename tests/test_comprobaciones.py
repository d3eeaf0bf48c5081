"""Herramientas de las pruebas públicas: traducción de errores, copias nuevas y pistas sobre m.

Son rápidas y sin cuadernos; las de extremo a extremo (cuaderno del estudiante y calificador)
están en test_pistas.py.
"""
import math
import warnings

import numpy as np
import pytest

from solutions import verificacion
from solutions.comprobaciones import (comprobar_valor, en_espanol, explicar_error, llamar, pista_de_error,
                                      pista_de_m)


def _error(codigo):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            codigo()
        except Exception as error:  # se devuelve el error real de numpy o de Python
            return type(error).__name__, str(error)
    raise AssertionError("no lanzó")


@pytest.mark.parametrize("codigo,pista", [
    (lambda: max(np.ones(3), np.zeros(3)), "`np.maximum(x, y)`"),
    (lambda: np.ones((4, 3)) * np.ones((3, 5)), "formas incompatibles ((4,3) y (3,5))"),
    (lambda: np.ones((4, 3)) @ np.ones((4, 5)), "no encajan (4 frente a 3)"),
    (lambda: np.dot(np.ones((4, 3)), np.ones((4, 5))), "no encajan ((4,3) y (4,5))"),
    (lambda: math.exp(np.array([1.0, 2.0])), "Usa las de numpy"),
    (lambda: float(np.array([1.0])), "Conviertes en número"),
    (lambda: np.log(np.zeros(1)), "Calculas log(0)"),
    (lambda: np.exp(np.array([1000.0])), "desborda"),
    (lambda: np.zeros((1, 2))[0, 4], "¿recorres un número fijo de elementos"),
    (lambda: [None][0][0], "¿falta el `return`"),
])
def test_los_errores_habituales_de_numpy_tienen_pista_en_espanol(codigo, pista):
    tipo, mensaje = _error(codigo)
    assert pista in pista_de_error(tipo, mensaje)
    explicado = explicar_error(tipo, mensaje)
    assert explicado.startswith(pista_de_error(tipo, mensaje))  # la pista primero…
    assert explicado.endswith(f"(Mensaje original: {tipo}: {mensaje})")  # …y el original al final


def test_un_esbozo_sin_escribir_se_dice_en_espanol():
    assert explicar_error("NotImplementedError", "").startswith("Aún no has escrito esta función")


def test_un_error_sin_pista_dice_al_estudiante_que_hacer_sin_jerga_interna():
    explicado = explicar_error("KeyError", "'w3'")
    assert explicado == ("Python da un error que estas pruebas aún no saben explicar: lee el mensaje original y, "
                         "si no ves la causa, pregunta al profesor. (Mensaje original: KeyError: 'w3')")
    assert "sin pista" not in explicado


def test_en_espanol_convierte_errores_y_avisos_en_fallos_con_pista():
    with pytest.raises(AssertionError, match=r"^`f`: Conviertes en número .*un aviso cuenta como fallo"):
        with en_espanol("f"):
            float(np.array([0.5]))
    with pytest.raises(AssertionError, match=r"Calculas log\(0\)"):
        with np.errstate(all="ignore"), en_espanol("f"):  # como en el calificador, que ignora avisos fuera
            np.log(np.zeros(2))
    with pytest.raises(AssertionError, match="no encajan"):
        with en_espanol("f"):
            np.ones((2, 3)) @ np.ones((2, 3))


def test_en_espanol_dice_el_orden_de_argumentos_de_la_funcion_que_falla_por_dentro():
    def interna(X, w1, b1):
        return w1 @ X + b1

    def probada(X, w1, b1):
        return interna(X, b1, w1)

    espacio = {"interna": interna, "probada": probada}
    exec("def interna(X, w1, b1):\n    return w1 @ X + b1\n"
         "def probada(X, w1, b1):\n    return interna(X, b1, w1)\n", espacio)
    with pytest.raises(AssertionError, match=r"`interna\(X, w1, b1\)`; ¿se los pasas así desde `probada`\?"):
        with en_espanol("probada"):
            espacio["probada"](np.ones((2, 5)), np.ones((3, 2)), np.ones((3, 1)))


def test_llamar_da_copias_nuevas_y_falla_en_cuanto_se_modifica_un_argumento():
    def resta_en_el_sitio(theta, alpha):
        theta -= alpha
        return theta

    theta = np.array([1.0, 2.0])
    with pytest.raises(AssertionError, match=r"modificó el arreglo `theta` que recibió"):
        llamar(resta_en_el_sitio, theta, 0.5)
    assert np.array_equal(theta, [1.0, 2.0])  # el del llamador no cambia
    assert np.array_equal(llamar(lambda t: t - 1, theta), [0.0, 1.0])


@pytest.mark.parametrize("obtenido,m,como,pista", [
    (2 * 0.16, 2, "y.shape[1]", "`len(y)` vale 1"),
    (0.16 / 2, 2, "y.shape[1]", "divides entre 4 y no entre m = 2"),
    (0.16 * 2, 8, "len(y)", "divides entre 4 y no entre m = 8"),
    (0.16 / 4, 1, "X.shape[1]", "divides entre 4 y no entre m = 1"),
])
def test_pista_de_m_reconoce_un_m_mal_calculado(obtenido, m, como, pista):
    assert pista in pista_de_m(obtenido, 0.16, m, como)
    with pytest.raises(AssertionError, match=pista.replace("(", r"\(").replace(")", r"\)")):
        comprobar_valor("J", obtenido, 0.16, "otra pista", m=m, como_m=como)


def test_una_forma_distinta_conserva_la_pista_del_valor():
    with pytest.raises(AssertionError, match=r"forma \(2, 2\) y se esperaba \(2,\)\. θ ← θ − α ∇J\(θ\)\."):
        comprobar_valor("theta", np.zeros((2, 2)), [0.5, 0.5], "θ ← θ − α ∇J(θ).")


@pytest.mark.parametrize("funcion", ["descensoGradiente", "normalizar", "entrenarRed", "gradienteNumerico"])
def test_las_ocultas_exigen_no_modificar_las_entradas_y_lo_dicen_primero(funcion):
    caso = verificacion.casos(funcion)[0]
    assert caso.entradas_intactas
    problemas = verificacion.comparar(caso, verificacion.esperado(caso), None, entradas_modificadas=True)
    assert problemas[0].startswith("modifica los arreglos que recibe")


def test_las_descripciones_de_los_casos_estan_bien_escritas():
    textos = [c.descripcion for f in verificacion.REFERENCIA for c in verificacion.casos(f)]
    assert not [t for t in textos if "iteraciónes" in t or "1 iteraciones" in t]
    assert any("10 iteraciones" in t for t in textos)


# --- Detalles de redacción de la retroalimentación y de los cuadernos (issue 12, punto 6) ---------

def test_la_retroalimentacion_nombra_la_seccion_y_lo_pendiente_y_concuerda_en_numero():
    from autograder.calificacion import cuaderno
    from autograder.salidas import informes
    from solutions.talleres import TALLERES

    taller = TALLERES["descenso-gradiente"]
    celdas = [cuaderno.Celda("markdown", "## 5. Ajusta un `modelo`\n\nTexto.", {}),
              cuaderno.Celda("code", "x = 1", {})]
    programa = cuaderno.construir(celdas, cuaderno.Fuente())
    # El código sale del transformador de IPython, que termina cada celda con un salto de línea.
    assert [(nombre, codigo.rstrip("\n")) for nombre, codigo in programa.celdas] == [
        ("2, en la sección «5. Ajusta un modelo»", "x = 1")]
    resultado = {"estudiante": "ana", "taller": taller.id, "puntos": 10, "puntos_max": 10, "estado": "ok",
                 "detalle": "", "celdas": [{"celda": programa.celdas[0][0], "error": "NameError: …"}],
                 "funciones": {f: {"puntos": p, "max": p, "casos": 3, "fallos": [], "falta": False}
                               for f, p in taller.puntos.items()}}
    pagina = informes.retroalimentacion(resultado, taller)
    assert "Celda 2, en la sección «5. Ajusta un modelo»" in pagina
    assert "siguen pendientes de su revisión" in pagina
    assert "<p>1 entrega, 0 vacías" in informes.resumen_html([resultado], taller)
    assert "<p>2 entregas, 0 vacías" in informes.resumen_html([resultado, dict(resultado, estudiante="eva")], taller)


def test_el_aviso_de_auxiliares_que_fallan_concuerda_en_numero(capsys):
    from solutions.comprobaciones import auxiliar_correcta

    def falla():
        raise AssertionError("`costo` vale 1 y se esperaba 2.")

    assert not auxiliar_correcta(("costo", "gradiente"), falla)
    assert "Aviso: `costo` o `gradiente` todavía no pasan sus pruebas: `costo` vale 1" in capsys.readouterr().out
    assert not auxiliar_correcta("sigmoide", lambda: 1 / 0)
    salida = capsys.readouterr().out
    assert "Aviso: `sigmoide` todavía no pasa sus pruebas: Divides entre cero" in salida
    assert "una versión de prueba" in salida


def test_las_herramientas_y_la_autocomprobacion_van_plegadas_en_los_cuadernos():
    import nbformat

    from conftest import RAIZ
    from solutions.talleres import TALLERES

    for taller in TALLERES.values():
        nb = nbformat.read(RAIZ / "exercises" / taller.id / taller.cuaderno, as_version=4)
        plegadas = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
                    if c.metadata.get("jupyter", {}).get("source_hidden")}
        assert plegadas == {"dado_comprobaciones", "autocomprobacion"}, (taller.id, plegadas)
        assert nb.cells[-1].metadata["nbgrader"]["grade_id"] == "autocomprobacion"
        assert "comprueba tu taller" in nb.cells[-2].source
