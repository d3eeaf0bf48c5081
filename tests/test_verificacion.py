"""Las pruebas ocultas aceptan la referencia y rechazan errores típicos."""
import numpy as np
import pytest

from solutions import regresion, verificacion, xor
from solutions.talleres import TALLERES

FUNCIONES = [f for t in TALLERES.values() for f in t.funciones]


def test_cada_funcion_calificada_tiene_casos_y_referencia():
    assert sorted(FUNCIONES) == sorted(verificacion.REFERENCIA)
    for taller in TALLERES.values():
        assert taller.puntos_max == 10


@pytest.mark.parametrize("funcion", FUNCIONES)
def test_la_referencia_supera_sus_casos(funcion):
    lista = verificacion.casos(funcion)
    assert len(lista) >= 3
    verificacion.verificar(funcion, dict(verificacion.REFERENCIA))


def test_los_casos_son_reproducibles():
    a, b = verificacion.casos("backProp"), verificacion.casos("backProp")
    assert all(np.array_equal(x, y) for ca, cb in zip(a, b) for x, y in zip(ca.args, cb.args))


def test_un_costo_sumado_en_vez_de_promediado_falla():
    espacio = dict(verificacion.REFERENCIA)
    espacio["costoGlobal"] = lambda y_est, y: float(-np.sum(y * np.log(y_est) + (1 - y) * np.log(1 - y_est)))
    with pytest.raises(AssertionError, match="no coincide"):
        verificacion.verificar("costoGlobal", espacio)


def test_la_inyeccion_aisla_cada_funcion_y_se_deshace():
    espacio = dict(verificacion.REFERENCIA)
    roto = lambda *a: (_ for _ in ()).throw(ValueError("roto"))  # noqa: E731
    espacio["backProp"] = roto
    verificacion.verificar("entrenarRed", espacio)  # usa la backProp de referencia
    assert espacio["backProp"] is roto
    with pytest.raises(AssertionError, match="ValueError"):
        verificacion.verificar("backProp", espacio)


def test_un_resultado_traspuesto_da_una_pista():
    espacio = dict(verificacion.REFERENCIA)
    espacio["feedForward"] = lambda X, w1, w2, b1, b2: tuple(a.T for a in xor.feedForward(X, w1, w2, b1, b2))
    with pytest.raises(AssertionError, match="traspuesto.*las columnas son los ejemplos"):
        verificacion.verificar("feedForward", espacio)


def test_la_pista_de_orientacion_depende_del_taller():
    """En la regresión los ejemplos son filas: la pista no debe decir lo contrario."""
    espacio = dict(verificacion.REFERENCIA)
    espacio["normalizar"] = lambda X: tuple(np.atleast_2d(v).T for v in regresion.normalizar(X))
    with pytest.raises(AssertionError) as error:
        verificacion.verificar("normalizar", espacio)
    assert "las filas son los ejemplos" in str(error.value)
    assert "columnas" not in str(error.value)
