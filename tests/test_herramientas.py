"""El paquete público `herramientas` y la independencia de los capítulos respecto a `solutions`.

Los capítulos del libro se publican sin `solutions/` (la referencia privada del profesor):
solo pueden importar numpy, matplotlib, scikit-learn y `herramientas`. Y `herramientas` no
resuelve ningún taller: su comprobación del gradiente nunca calcula el gradiente numérico.
"""
import re
import sys

import numpy as np
import pytest

from conftest import RAIZ
from herramientas.datos import puntos_xor
from herramientas.numerico import error_del_gradiente, error_relativo

CAPITULOS = sorted((RAIZ / "book").glob("0[1-7]-*.md"))
IMPORTACION = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][\w.]*)", re.MULTILINE)
PERMITIDOS = {"numpy", "matplotlib", "sklearn", "herramientas", "time", "myst_nb"}


def _celdas(ruta):
    return re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", ruta.read_text(encoding="utf-8"), re.S)


def test_hay_capitulos():
    assert len(CAPITULOS) == 7, [r.name for r in CAPITULOS]


@pytest.mark.parametrize("ruta", CAPITULOS, ids=lambda r: r.stem)
def test_los_capitulos_solo_importan_paquetes_publicos(ruta):
    for celda in _celdas(ruta):
        assert "solutions" not in celda, f"{ruta.name}: una celda menciona el paquete privado `solutions`"
        assert "sys.path" not in celda, f"{ruta.name}: una celda modifica sys.path"
        for modulo in IMPORTACION.findall(celda):
            raiz = modulo.split(".")[0]
            assert raiz in PERMITIDOS, f"{ruta.name}: importa `{modulo}`, que no está en {sorted(PERMITIDOS)}"


def test_error_relativo():
    assert error_relativo([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert error_relativo(np.zeros(3), np.zeros(3)) == 0.0
    assert error_relativo([1.0, 0.0], [0.0, 0.0]) == pytest.approx(1.0)
    assert error_relativo([2.0], [1.0]) == pytest.approx(0.5)


def test_error_del_gradiente_distingue_un_gradiente_correcto_de_uno_erroneo():
    A = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    y = np.array([1.0, -2.0, 0.3])
    coste = lambda w: float(np.sum((A @ w - y) ** 2) / 6)
    w = np.array([0.7, -0.4])
    correcto = A.T @ (A @ w - y) / 3
    copia = w.copy()
    error = error_del_gradiente(coste, w, correcto)
    assert isinstance(error, float) and error < 1e-8
    assert np.array_equal(w, copia), "error_del_gradiente no debe modificar el punto"
    assert error_del_gradiente(coste, w, correcto / 3) > 0.5
    # También con un punto de dimensión 0 (un número) y con matrices.
    assert error_del_gradiente(lambda t: float(np.sin(t)), 0.3, np.cos(0.3)) < 1e-8
    M = np.arange(6.0).reshape(2, 3) / 5
    assert error_del_gradiente(lambda t: float(np.sum(t ** 3)), M, 3 * M ** 2) < 1e-8


def test_puntos_xor():
    X, Y = puntos_xor()
    assert X.shape == (2, 4) and Y.shape == (1, 4)
    esperado = np.logical_xor(X[0] > 0.5, X[1] > 0.5).astype(float)
    assert np.array_equal(Y[0], esperado)


def test_error_del_gradiente_detecta_una_sola_componente_equivocada():
    rng = np.random.default_rng(5)
    A, y = rng.normal(size=(8, 6)), rng.normal(size=8)
    coste = lambda w: float(np.sum((A @ w - y) ** 2) / 16)
    w = rng.normal(size=6)
    correcto = A.T @ (A @ w - y) / 8
    erroneo = correcto.copy()
    erroneo[4] *= 1.5
    assert error_del_gradiente(coste, w, correcto) < 1e-8
    assert error_del_gradiente(coste, w, erroneo) > 1e-3
    with pytest.raises(ValueError, match="deben coincidir"):
        error_del_gradiente(coste, w, correcto[:5])


def _valores_vistos(funcion, *args):
    """Todo valor que tiene cualquier variable local de herramientas al terminar cada llamada.

    Es lo que vería un «espía» (un sys.settrace o una función de herramientas sustituida).
    """
    vistos = []

    def rastrear(marco, evento, arg):
        if "herramientas" not in marco.f_code.co_filename:
            return None
        def local(marco, evento, arg):
            if evento == "return":
                for valor in list(marco.f_locals.values()) + [arg]:
                    vistos.append(valor)
                    if isinstance(valor, (list, tuple)):
                        vistos.extend(valor)
            return local
        return local

    sys.settrace(rastrear)
    try:
        funcion(*args)
    finally:
        sys.settrace(None)
    return vistos


@pytest.mark.parametrize("punto", [np.linspace(-1, 1, 6), np.arange(6.0).reshape(2, 3) / 5],
                         ids=["vector", "matriz"])
def test_el_gradiente_numerico_nunca_existe_dentro_de_herramientas(punto):
    """Nada de lo que calcula error_del_gradiente sirve como gradienteNumerico (taller 2)."""
    coste = lambda t: float(np.sum(np.sin(t) * t ** 2))
    analitico = np.cos(punto) * punto ** 2 + 2 * punto * np.sin(punto)
    for valor in _valores_vistos(error_del_gradiente, coste, punto, analitico):
        try:
            arreglo = np.asarray(valor, dtype=float)
        except (TypeError, ValueError):
            continue
        entradas = (punto, analitico)  # lo que recibe no cuenta; lo que calcula, sí
        if arreglo.shape == punto.shape and not any(np.array_equal(arreglo, e) for e in entradas):
            assert not np.allclose(arreglo, analitico, rtol=1e-5, atol=1e-8), (
                "un valor interno de error_del_gradiente es el gradiente numérico completo")
