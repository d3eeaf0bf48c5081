"""Clase de xor-retropropagacion para probar la detección de posibles copias.

HONESTAS: soluciones correctas escritas de forma independiente (estilos distintos de verdad:
matmul, dot, bucles, diccionarios, convenio traspuesto…); el entrenamiento de «fabio» es el
bucle canónico que dicta el enunciado, como el de la referencia. COPIAS: cada una copia una honesta
y la disfraza (variables renombradas, funciones en otro orden y en otras celdas, comentarios
cambiados). Las claves son los estudiantes; el código va en las celdas de solución. Las de
«gema» y la retropropagación de «hugo» son correctas de ``corpus_talleres.CORRECTAS``.
"""
from corpus_talleres import CORRECTAS

HONESTAS = {
    "ana": {
        "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    n = X.shape[1]
    error_salida = a2 - y
    grad_w2 = np.matmul(error_salida, a1.T) / n
    grad_b2 = error_salida.mean(axis=1, keepdims=True)
    # derivada de la sigmoide: a(1 - a) = a - a²
    error_oculta = np.matmul(w2.T, error_salida) * (a1 - a1 ** 2)
    grad_w1 = np.matmul(error_oculta, X.T) / n
    grad_b1 = error_oculta.mean(axis=1, keepdims=True)
    return grad_w1, grad_b1, grad_w2, grad_b2
''',
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    historia = []
    params = [w1.copy(), b1.copy(), w2.copy(), b2.copy()]
    for e in range(epocas):
        act1, act2 = feedForward(X, params[0], params[2], params[1], params[3])
        historia.append(costoGlobal(act2, y))
        grads = backProp(X, y, params[0], params[2], params[1], params[3], act2, act1)
        params = [p - lr * g for p, g in zip(params, grads)]
    return params[0], params[1], params[2], params[3], historia
''',
    },
    "bruno": {
        "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = len(X[0])
    e2 = a2 - y
    e1 = w2.T.dot(e2) * a1 * (1 - a1)
    gw1 = e1.dot(X.T) / m
    gb1 = np.sum(e1, axis=1).reshape(b1.shape) / m
    gw2 = e2.dot(a1.T) / m
    gb2 = np.sum(e2, axis=1).reshape(b2.shape) / m
    return gw1, gb1, gw2, gb2
''',
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    epoca = 0
    while epoca < epocas:
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costo = costoGlobal(a2, y)
        costos.append(costo)
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1 = w1 - lr * dw1, b1 - lr * db1
        w2, b2 = w2 - lr * dw2, b2 - lr * db2
        epoca += 1
    return w1, b1, w2, b2, costos
''',
    },
    "carla": {
        "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    ejemplos = X.shape[-1]

    def promedio_filas(M):
        return M.sum(axis=1, keepdims=True) / ejemplos

    d_salida = a2 - y
    d_oculta = (w2.T @ d_salida) * (a1 * (1.0 - a1))
    return (d_oculta @ X.T) / ejemplos, promedio_filas(d_oculta), (d_salida @ a1.T) / ejemplos, promedio_filas(d_salida)
''',
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = [0.0] * epocas
    W1, B1, W2, B2 = np.array(w1), np.array(b1), np.array(w2), np.array(b2)
    for t in range(epocas):
        A1, A2 = feedForward(X, W1, W2, B1, B2)
        costos[t] = costoGlobal(A2, y)
        dW1, dB1, dW2, dB2 = backProp(X, y, W1, W2, B1, B2, A2, A1)
        W1 = W1 - lr * dW1
        W2 = W2 - lr * dW2
        B1 = B1 - lr * dB1
        B2 = B2 - lr * dB2
    return W1, B1, W2, B2, costos
''',
    },
    "diego": {
        "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = float(X.shape[1])
    dZ2 = a2 - y
    dW2 = (1 / m) * dZ2.dot(a1.T)
    dB2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = w2.T.dot(dZ2)
    dZ1 = dA1 * a1 * (1 - a1)
    dW1 = (1 / m) * dZ1.dot(X.T)
    dB1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, dB1, dW2, dB2
''',
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    p = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, p["w1"], p["w2"], p["b1"], p["b2"])
        costos.append(costoGlobal(a2, y))
        g = dict(zip(("w1", "b1", "w2", "b2"), backProp(X, y, p["w1"], p["w2"], p["b1"], p["b2"], a2, a1)))
        p = {k: p[k] - lr * g[k] for k in p}
    return p["w1"], p["b1"], p["w2"], p["b2"], costos
''',
    },
    "elena": {
        "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    delta_salida = (a2 - y).T  # una fila por ejemplo
    delta_oculta = (delta_salida @ w2) * (a1 * (1 - a1)).T
    dw2 = (delta_salida.T @ a1.T) / m
    db2 = delta_salida.sum(axis=0).reshape(-1, 1) / m
    dw1 = (delta_oculta.T @ X.T) / m
    db1 = delta_oculta.sum(axis=0).reshape(-1, 1) / m
    return dw1, db1, dw2, db2
''',
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for i in range(epocas):
        capa1, salida = feedForward(X, w1, w2, b1, b2)
        costos += [costoGlobal(salida, y)]
        gradientes = backProp(X, y, w1, w2, b1, b2, salida, capa1)
        w1, b1, w2, b2 = [p - lr * d for p, d in zip((w1, b1, w2, b2), gradientes)]
    return w1, b1, w2, b2, costos
''',
    },
    "fabio": {
        "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    delta2 = a2 - y
    delta1 = np.dot(w2.T, delta2) * a1 * (1.0 - a1)
    grad = []
    for delta, entrada in ((delta1, X), (delta2, a1)):
        grad.append(np.dot(delta, entrada.T) / m)
        grad.append(np.mean(delta, axis=1, keepdims=True))
    return tuple(grad)
''',
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1 = w1 - lr * dw1
        b1 = b1 - lr * db1
        w2 = w2 - lr * dw2
        b2 = b2 - lr * db2
    return w1, b1, w2, b2, costos
''',
    },
    "gema": dict(CORRECTAS["xor-retropropagacion"][0]),
    "hugo": {
        "backProp": CORRECTAS["xor-retropropagacion"][1]["backProp"],
        "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    registro = []
    pesos = (w1, b1, w2, b2)
    for _ in range(epocas):
        A1, A2 = feedForward(X, pesos[0], pesos[2], pesos[1], pesos[3])
        registro.append(float(costoGlobal(A2, y)))
        derivadas = backProp(X, y, pesos[0], pesos[2], pesos[1], pesos[3], A2, A1)
        pesos = tuple(np.subtract(p, np.multiply(lr, d)) for p, d in zip(pesos, derivadas))
    w1, b1, w2, b2 = pesos
    return w1, b1, w2, b2, registro
''',
    },
}

# Cada copia: (estudiante original, celdas {celda de solución: código}). Las funciones van
# cambiadas de celda (entrenarRed en la celda de backProp y al revés) o juntas en una sola.
COPIAS = {
    "iris": ("ana", {
        "backProp": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    # guardo los costes de cada época
    costes = []
    theta = [w1.copy(), b1.copy(), w2.copy(), b2.copy()]
    for it in range(epocas):
        h1, h2 = feedForward(X, theta[0], theta[2], theta[1], theta[3])
        costes.append(costoGlobal(h2, y))   # antes de actualizar
        derivs = backProp(X, y, theta[0], theta[2], theta[1], theta[3], h2, h1)
        theta = [t - lr * d for t, d in zip(theta, derivs)]
    return theta[0], theta[1], theta[2], theta[3], costes
''',
        "entrenarRed": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    """Gradientes de la red."""
    num = X.shape[1]   # número de ejemplos
    err2 = a2 - y
    g_w2 = np.matmul(err2, a1.T) / num
    g_b2 = err2.mean(axis=1, keepdims=True)
    err1 = np.matmul(w2.T, err2) * (a1 - a1 ** 2)
    g_w1 = np.matmul(err1, X.T) / num
    g_b1 = err1.mean(axis=1, keepdims=True)
    return g_w1, g_b1, g_w2, g_b2
''',
    }),
    "jorge": ("diego", {
        "backProp": '''
# Primero el entrenamiento y luego la retropropagación
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    par = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    hist = []
    for _ in range(epocas):
        s1, s2 = feedForward(X, par["w1"], par["w2"], par["b1"], par["b2"])
        hist.append(costoGlobal(s2, y))
        grad = dict(zip(("w1", "b1", "w2", "b2"), backProp(X, y, par["w1"], par["w2"], par["b1"], par["b2"], s2, s1)))
        par = {clave: par[clave] - lr * grad[clave] for clave in par}
    return par["w1"], par["b1"], par["w2"], par["b2"], hist


def backProp(X, y, w1, w2, b1, b2, a2, a1):
    M = float(X.shape[1])
    g2 = a2 - y  # error de la salida
    gW2 = (1 / M) * g2.dot(a1.T)
    gB2 = (1 / M) * np.sum(g2, axis=1, keepdims=True)
    gA1 = w2.T.dot(g2)
    g1 = gA1 * a1 * (1 - a1)  # error de la capa oculta
    gW1 = (1 / M) * g1.dot(X.T)
    gB1 = (1 / M) * np.sum(g1, axis=1, keepdims=True)
    return gW1, gB1, gW2, gB2
''',
        "entrenarRed": "# está arriba\n",
    }),
    "karen": ("carla", {
        "backProp": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    J = [0.0] * epocas
    P1, Q1, P2, Q2 = np.array(w1), np.array(b1), np.array(w2), np.array(b2)
    for k in range(epocas):
        H1, H2 = feedForward(X, P1, P2, Q1, Q2)
        J[k] = costoGlobal(H2, y)
        dP1, dQ1, dP2, dQ2 = backProp(X, y, P1, P2, Q1, Q2, H2, H1)
        P1 = P1 - lr * dP1
        P2 = P2 - lr * dP2
        Q1 = Q1 - lr * dQ1
        Q2 = Q2 - lr * dQ2
    return P1, Q1, P2, Q2, J
''',
        "entrenarRed": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    # m = número de columnas de X
    mm = X.shape[-1]

    def media(A):
        # suma por filas entre m
        return A.sum(axis=1, keepdims=True) / mm

    ds = a2 - y
    do = (w2.T @ ds) * (a1 * (1.0 - a1))
    return (do @ X.T) / mm, media(do), (ds @ a1.T) / mm, media(ds)
''',
    }),
}

# Una copia más disfrazada: además de renombrar y comentar, cambia el orden de dos líneas
# independientes y añade una línea que no hace nada.
COPIAS["lucia"] = ("elena", {
    "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    N = X.shape[1]  # ejemplos
    ds = (a2 - y).T
    dh = (ds @ w2) * (a1 * (1 - a1)).T
    gb2 = ds.sum(axis=0).reshape(-1, 1) / N
    gw2 = (ds.T @ a1.T) / N
    gw1 = (dh.T @ X.T) / N
    gb1 = dh.sum(axis=0).reshape(-1, 1) / N
    return gw1, gb1, gw2, gb2
''',
    "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    J = []
    for k in range(epocas):
        oculta, out = feedForward(X, w1, w2, b1, b2)
        J += [costoGlobal(out, y)]
        grads = backProp(X, y, w1, w2, b1, b2, out, oculta)
        w1, b1, w2, b2 = [p - lr * g for p, g in zip((w1, b1, w2, b2), grads)]
    J = list(J)
    return w1, b1, w2, b2, J
''',
})
