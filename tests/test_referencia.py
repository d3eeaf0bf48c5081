"""Pruebas de la implementación de referencia (paquete ``solutions``)."""
import numpy as np
import pytest

from solutions import grafos, regresion, sgd, xor
from solutions.grafos import gradienteNumerico

RNG = np.random.default_rng(2026)
ERRORES_RELATIVOS = []  # se informa del mayor al final de la sesión


def error_relativo(analitico, numerico):
    analitico, numerico = np.asarray(analitico, float), np.asarray(numerico, float)
    return float(np.linalg.norm(analitico - numerico)
                 / max(np.linalg.norm(analitico) + np.linalg.norm(numerico), 1e-12))


def comprobar_gradiente(analitico, f, x):
    err = error_relativo(analitico, gradienteNumerico(f, x))
    ERRORES_RELATIVOS.append(err)
    assert err < 1e-6, f"error relativo {err:.2e}"


def red_aleatoria(n_x, n_h, n_y, m):
    X = RNG.normal(size=(n_x, m))
    y = RNG.integers(0, 2, (n_y, m)).astype(float)
    return X, y, RNG.normal(size=(n_h, n_x)), RNG.normal(size=(n_y, n_h)), \
        RNG.normal(size=(n_h, 1)), RNG.normal(size=(n_y, 1))


FORMAS = [(3, 4, 1, 4), (2, 5, 1, 9), (5, 3, 2, 1), (4, 7, 3, 16)]


@pytest.mark.parametrize("n_x,n_h,n_y,m", FORMAS)
def test_backprop_coincide_con_gradiente_numerico(n_x, n_h, n_y, m):
    X, y, w1, w2, b1, b2 = red_aleatoria(n_x, n_h, n_y, m)
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    dw1, db1, dw2, db2 = xor.backProp(X, y, w1, w2, b1, b2, a2, a1)
    for analitico, param in ((dw1, "w1"), (db1, "b1"), (dw2, "w2"), (db2, "b2")):
        params = dict(w1=w1, w2=w2, b1=b1, b2=b2)

        def costo(valor, param=param, params=params):
            p = dict(params, **{param: valor})
            return xor.costoGlobal(xor.feedForward(X, p["w1"], p["w2"], p["b1"], p["b2"])[1], y)

        assert analitico.shape == params[param].shape
        comprobar_gradiente(analitico, costo, params[param])


@pytest.mark.parametrize("n_x,n_h,n_y,m", FORMAS)
def test_formas_de_la_propagacion(n_x, n_h, n_y, m):
    X, y, w1, w2, b1, b2 = red_aleatoria(n_x, n_h, n_y, m)
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    assert a1.shape == (n_h, m) and a2.shape == (n_y, m)
    assert np.all((a1 > 0) & (a1 < 1))


def test_costo_global_valores_conocidos():
    y = np.array([[1.0, 0.0]])
    assert xor.costoGlobal(np.array([[0.5, 0.5]]), y) == pytest.approx(np.log(2))
    assert xor.costoGlobal(np.array([[0.9, 0.2]]), y) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    assert isinstance(xor.costoGlobal(np.array([[0.9, 0.2]]), y), float)


def test_sigmoide_estable_y_simetrica(recwarn):
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    s = xor.sigmoide(z)
    assert np.allclose(s + xor.sigmoide(-z), 1.0)
    assert s[2] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_el_xor_se_aprende_desde_la_inicializacion_documentada():
    X, y = xor.datosXOR()
    assert X.shape == (3, 4) and np.all(X[2] == 1)
    w1, b1, w2, b2 = xor.inicializarParametros(xor.SEMILLA)
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    w1, b1, w2, b2, costos = xor.entrenarRed(xor.EPOCAS, xor.TASA_APRENDIZAJE, X, y, w1, b1, w2, b2, a1, a2)
    assert len(costos) == xor.EPOCAS
    assert costos[-1] < costos[0] / 10
    prediccion = np.round(xor.feedForward(X, w1, w2, b1, b2)[1])
    assert prediccion.tolist() == [[0, 1, 1, 0]]


def test_entrenar_red_guarda_el_costo_antes_de_cada_actualizacion():
    X, y, w1, w2, b1, b2 = red_aleatoria(3, 4, 1, 6)
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    *_, costos = xor.entrenarRed(3, 0.5, X, y, w1, b1, w2, b2, a1, a2)
    assert costos[0] == pytest.approx(xor.costoGlobal(a2, y))
    w1_1, b1_1, w2_1, b2_1, _ = xor.entrenarRed(1, 0.5, X, y, w1, b1, w2, b2, a1, a2)
    assert costos[1] == pytest.approx(xor.costoGlobal(xor.feedForward(X, w1_1, w2_1, b1_1, b2_1)[1], y))


@pytest.mark.parametrize("m,n", [(1, 1), (8, 2), (30, 5)])
def test_gradiente_de_regresion_coincide_con_el_numerico(m, n):
    X, y, theta = RNG.normal(size=(m, n)), RNG.normal(size=m), RNG.normal(size=n + 1)
    g = regresion.gradiente(X, y, theta)
    assert g.shape == (n + 1,)
    comprobar_gradiente(g, lambda t: regresion.costo(X, y, t), theta)


def test_costo_tabla_de_theta1():
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 2.0, 3.0])
    tabla = {t1: regresion.costo(X, y, np.array([0.0, t1])) for t1 in (0, 0.5, 1, 1.5, 2)}
    assert tabla == pytest.approx({0: 1.75, 0.5: 0.4375, 1: 0.0, 1.5: 0.4375, 2: 1.75})


@pytest.mark.parametrize("semilla", range(3))
def test_descenso_converge_a_minimos_cuadrados(semilla):
    rng = np.random.default_rng(semilla)
    X = rng.normal(size=(60, 3))
    y = X @ rng.normal(size=3) + 2.0 + 0.1 * rng.normal(size=60)
    theta, historial = regresion.descensoGradiente(X, y, np.zeros(4), 0.1, 2000)
    exacta = np.linalg.lstsq(np.column_stack([np.ones(60), X]), y, rcond=None)[0]
    assert np.allclose(theta, exacta, atol=1e-6)
    assert len(historial) == 2000 and historial[0] == pytest.approx(regresion.costo(X, y, np.zeros(4)))
    assert np.all(np.diff(historial) <= 1e-12), "el costo debe bajar en cada iteración"


def test_normalizar():
    X = RNG.normal(size=(20, 3)) * [1, 10, 1000] + [5, -3, 100]
    X_norm, media, desviacion = regresion.normalizar(X)
    assert np.allclose(X_norm.mean(axis=0), 0) and np.allclose(X_norm.std(axis=0), 1)
    assert np.allclose(X_norm * desviacion + media, X)
    constante = regresion.normalizar(np.ones((4, 1)))[0]
    assert np.all(np.isfinite(constante)) and np.allclose(constante, 0)


def test_puertas_ejemplo_del_curso():
    # f(x, y, z) = (x + y)·z con x = −2, y = 5, z = −4
    suma, producto = grafos.PuertaSuma(), grafos.PuertaMultiplicacion()
    q = suma.forward(-2.0, 5.0)
    f = producto.forward(q, -4.0)
    dq, dz = producto.backward(1.0)
    dx, dy = suma.backward(dq)
    assert (q, f, dz, dq, dx, dy) == (3.0, -12.0, 3.0, -4.0, -4.0, -4.0)


def test_puerta_max_es_un_indicador_y_el_empate_va_a_x():
    puerta = grafos.PuertaMax()
    assert puerta.forward(2.0, 7.0) == 7.0 and puerta.backward(3.0) == (0.0, 3.0)
    assert puerta.forward(4.0, 4.0) == 4.0 and puerta.backward(3.0) == (3.0, 0.0)
    x, y = np.array([1.0, 5.0, 2.0]), np.array([3.0, 1.0, 2.0])
    puerta.forward(x, y)
    dx, dy = puerta.backward(np.array([1.0, 2.0, 3.0]))
    assert dx.tolist() == [0.0, 2.0, 3.0] and dy.tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize("z", [0.0, np.linspace(-6, 6, 13), RNG.normal(size=(3, 4))])
def test_derivada_sigmoide_coincide_con_la_numerica(z):
    analitica = grafos.derivadaSigmoide(z)
    for i in np.ndindex(np.shape(z)):
        numerica = gradienteNumerico(lambda t: float(xor.sigmoide(t)), float(np.asarray(z)[i]))
        ERRORES_RELATIVOS.append(error_relativo(np.asarray(analitica)[i], numerica))
        assert ERRORES_RELATIVOS[-1] < 1e-6
    assert grafos.derivadaSigmoide(0.0) == pytest.approx(0.25)


def test_gradiente_numerico_forma_y_entrada_intacta():
    x = RNG.normal(size=(2, 3))
    copia = x.copy()
    g = gradienteNumerico(lambda v: float(np.sum(v ** 2)), x)
    assert g.shape == x.shape and np.allclose(g, 2 * x, atol=1e-8)
    assert np.array_equal(x, copia)
    assert gradienteNumerico(lambda t: np.exp(np.sin(t ** 2)), 1.5) == pytest.approx(
        np.exp(np.sin(2.25)) * np.cos(2.25) * 3.0, rel=1e-8)


def test_ninguna_funcion_modifica_sus_entradas():
    X, y, w1, w2, b1, b2 = red_aleatoria(3, 4, 1, 5)
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    args = (X, y, w1, w2, b1, b2, a1, a2)
    copias = [a.copy() for a in args]
    xor.backProp(X, y, w1, w2, b1, b2, a2, a1)
    xor.entrenarRed(4, 1.0, X, y, w1, b1, w2, b2, a1, a2)
    xor.costoGlobal(a2, y)
    Xr, yr, theta = RNG.normal(size=(6, 2)), RNG.normal(size=6), RNG.normal(size=3)
    copias_r = [Xr.copy(), yr.copy(), theta.copy()]
    regresion.descensoGradiente(Xr, yr, theta, 0.1, 5)
    regresion.normalizar(Xr)
    for original, copia in zip(args + (Xr, yr, theta), copias + copias_r):
        assert np.array_equal(original, copia)


# --- Taller 5: SGD por minilotes (solutions/sgd.py) ------------------------------------------

def datos_softmax(n, K, m):
    X = RNG.normal(size=(n, m))
    Y = np.eye(K)[RNG.integers(0, K, m)].T
    return X, Y, RNG.normal(size=(K, n)), RNG.normal(size=(K, 1))


@pytest.mark.parametrize("m,tam", [(10, 4), (12, 3), (5, 8), (7, 1)])
def test_minilotes_recorre_orden_una_vez_en_trozos_de_tam_lote(m, tam):
    orden = RNG.permutation(m)
    lotes = sgd.minilotes(orden, tam)
    assert len(lotes) == -(-m // tam)
    assert all(len(l) == tam for l in lotes[:-1]) and 1 <= len(lotes[-1]) <= tam
    assert np.array_equal(np.concatenate(lotes), orden)


@pytest.mark.parametrize("n,K,m,m_B", [(4, 3, 10, 3), (2, 5, 7, 7), (6, 2, 9, 1)])
def test_gradiente_minilote_coincide_con_el_numerico_del_coste_del_minilote(n, K, m, m_B):
    X, Y, W, b = datos_softmax(n, K, m)
    lote = RNG.permutation(m)[:m_B]
    dW, db = sgd.gradienteMinilote(W, b, X, Y, lote)
    assert dW.shape == W.shape and db.shape == b.shape
    comprobar_gradiente(dW, lambda p: sgd.costeEntropia(p, b, X[:, lote], Y[:, lote]), W)
    comprobar_gradiente(db, lambda p: sgd.costeEntropia(W, p, X[:, lote], Y[:, lote]), b)


def test_una_epoca_con_un_solo_minilote_es_un_paso_de_descenso_de_gradiente():
    X, Y, W, b = datos_softmax(3, 4, 8)
    W1, b1 = sgd.epocaSGD(W, b, X, Y, RNG.permutation(8), 20, 0.3)
    dW, db = sgd.gradienteMinilote(W, b, X, Y, np.arange(8))
    assert np.allclose(W1, W - 0.3 * dW) and np.allclose(b1, b - 0.3 * db)


def test_una_epoca_da_un_paso_por_minilote_con_los_parametros_ya_actualizados():
    X, Y, W, b = datos_softmax(3, 3, 5)
    orden = np.array([4, 1, 0, 3, 2])
    W_esp, b_esp = W, b
    for lote in ([4, 1], [0, 3], [2]):
        dW, db = sgd.gradienteMinilote(W_esp, b_esp, X, Y, np.array(lote))
        W_esp, b_esp = W_esp - 0.5 * dW, b_esp - 0.5 * db
    W1, b1 = sgd.epocaSGD(W, b, X, Y, orden, 2, 0.5)
    assert np.allclose(W1, W_esp) and np.allclose(b1, b_esp)


def test_entrenar_sgd_baraja_cada_epoca_con_el_generador_de_la_semilla(monkeypatch):
    X, Y, W, b = datos_softmax(3, 3, 9)
    ordenes = []
    original = sgd.epocaSGD

    def espia(W, b, X, Y, orden, tam_lote, eta):
        ordenes.append(orden.copy())
        return original(W, b, X, Y, orden, tam_lote, eta)

    monkeypatch.setattr(sgd, "epocaSGD", espia)
    sgd.entrenarSGD(W, b, X, Y, X, Y, 0.1, 4, 4, 5, 10)
    rng = np.random.default_rng(5)
    assert [o.tolist() for o in ordenes] == [rng.permutation(9).tolist() for _ in range(4)]
    assert len({tuple(o) for o in ordenes}) == 4


def test_entrenar_sgd_devuelve_la_mejor_epoca_y_para_con_la_paciencia():
    X, Y, W, b = datos_softmax(4, 3, 14)
    X_val, Y_val = np.random.default_rng(3).normal(size=(4, 9)), np.eye(3)[RNG.integers(0, 3, 9)].T
    copias = [a.copy() for a in (W, b, X, Y)]
    W_m, b_m, ent, val = sgd.entrenarSGD(W, b, X, Y, X_val, Y_val, 0.8, 4, 40, 2, 3)
    assert all(np.array_equal(a, c) for a, c in zip((W, b, X, Y), copias)), "no debe modificar sus entradas"
    mejor = int(np.argmin(val))
    assert len(ent) == len(val) and (len(val) == 40 or len(val) - 1 - mejor == 3)
    assert all(v >= val[mejor] for v in val[mejor + 1:])
    assert sgd.costeEntropia(W_m, b_m, X_val, Y_val) == pytest.approx(val[mejor])
    # Repetir con las mismas entradas da lo mismo (la semilla fija el barajado).
    assert sgd.entrenarSGD(W, b, X, Y, X_val, Y_val, 0.8, 4, 40, 2, 3)[3] == val
    assert sgd.entrenarSGD(W, b, X, Y, X_val, Y_val, 0.8, 4, 0, 2, 3)[2:] == ([], [])


def test_la_curva_de_los_digitos_es_la_que_anuncia_el_taller():
    """El cuaderno dice: mínimo de validación cerca de 0.59 en la época 17, parada tras la 27, ~82 %."""
    X, Y, X_val, Y_val = sgd.datosDigitos()
    assert X.shape == (64, 60) and Y.shape == (10, 60) and X_val.shape == (64, 500)
    assert 0 <= X.min() and X.max() <= 1 and np.all(Y.sum(axis=0) == 1)
    W0, b0 = np.zeros((10, 64)), np.zeros((10, 1))
    _, _, ent, val = sgd.entrenarSGD(W0, b0, X, Y, X_val, Y_val, 1.0, 10, 150, 0, 150)
    assert int(np.argmin(val)) + 1 == 17 and min(val) == pytest.approx(0.59, abs=0.01)
    assert val[-1] == pytest.approx(0.66, abs=0.01) and ent[-1] < 0.02
    W, b, _, val_pt = sgd.entrenarSGD(W0, b0, X, Y, X_val, Y_val, 1.0, 10, 150, 0, 10)
    assert len(val_pt) == 27
    assert sgd.exactitud(W, b, X_val, Y_val) == pytest.approx(0.82, abs=0.01)
