"""Las pruebas ocultas aceptan la referencia y rechazan errores típicos."""
import numpy as np
import pytest

from corpus_talleres import MUTANTES
from solutions import regresion, sgd, verificacion, xor
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


# --- Taller 5: los casos ocultos de SGD por minilotes --------------------------------------

def test_los_indices_de_los_casos_llegan_enteros_al_proceso_aislado():
    """Como datos, el codec manda los arreglos con reales, que no sirven para X[:, lote]."""
    from autograder.aislamiento import codec
    from solutions.ejecucion import FuncionPrueba, copias_de

    for funcion in ("minilotes", "gradienteMinilote", "epocaSGD"):
        for caso in verificacion.casos(funcion):
            enviados = [codec.decodificar(codec.codificar(a, FuncionPrueba), FuncionPrueba) for a in caso.args]
            indices = [a for a in copias_de(enviados) if isinstance(a, np.ndarray) and a.ndim == 1]
            assert indices and all(a.dtype.kind == "i" for a in indices), (funcion, caso.descripcion)


def _mutante(funcion, nombre):
    """Espacio con la referencia, las funciones dadas del taller 5 y el mutante ``nombre`` de ``funcion``."""
    espacio = dict(verificacion.REFERENCIA, softmax=sgd.softmax, costeEntropia=sgd.costeEntropia, np=np)
    exec(MUTANTES["sgd-minilotes"][funcion][nombre], espacio)
    return espacio


@pytest.mark.parametrize("funcion,nombre", [
    (f, n) for f, mutantes in MUTANTES["sgd-minilotes"].items() for n in mutantes])
def test_los_casos_ocultos_del_taller_5_detectan_cada_error_tipico(funcion, nombre):
    """Cada error típico cuesta sus puntos también por las pruebas ocultas, no solo por las públicas."""
    with pytest.raises(AssertionError, match="casos ocultos"):
        verificacion.verificar(funcion, _mutante(funcion, nombre))


def test_la_pista_oculta_de_un_minilote_perdido_lo_nombra():
    with pytest.raises(AssertionError, match="¿Pierdes el último minilote, el incompleto") as error:
        verificacion.verificar("minilotes", _mutante("minilotes", "pierde el último minilote incompleto"))
    assert "con m = 7 y tam_lote = 10, debían ser 1" in str(error.value)  # el tam_lote del caso
    assert "con el índice que sobra" in str(error.value)


def test_la_pista_oculta_de_una_parada_a_destiempo_habla_de_la_paciencia():
    with pytest.raises(AssertionError, match="se para cuando pasan `paciencia` épocas seguidas"):
        verificacion.verificar("entrenarSGD", _mutante("entrenarSGD", "para una época tarde (cuenta > paciencia)"))


def test_la_parada_temprana_de_los_casos_ocultos_no_depende_del_redondeo():
    """Ningún coste de validación queda a menos de 1e-6 del mejor anterior (salvo con tasa 0, empates exactos)."""
    for caso in verificacion.casos("entrenarSGD"):
        *_, costes_val = verificacion.esperado(caso)
        if caso.args[6] == 0:
            assert len(set(costes_val)) == 1
            continue
        for i in range(1, len(costes_val)):
            assert abs(costes_val[i] - min(costes_val[:i])) > 1e-6, caso.descripcion
