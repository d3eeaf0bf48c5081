"""El paquete público `herramientas` y la independencia de los capítulos respecto a `solutions`.

Los capítulos del libro se publican sin `solutions/` (la referencia privada del profesor):
solo pueden importar numpy, matplotlib, scikit-learn y `herramientas`.
"""
import re

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
