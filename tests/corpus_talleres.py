"""Corpus de entregas para probar la calificación de los talleres con nbgrader real.

MUTANTES: taller -> función calificada -> {nombre del error: código de la celda de solución}.
    Cada mutante es una implementación errónea típica de UNA función; al autocalificar
    debe perder puntos exactamente en esa función y conservar todos los de las demás
    (el resto del cuaderno lleva las soluciones de referencia).

CORRECTAS: taller -> lista de juegos {función: código}. Implementaciones correctas pero
    distintas de la referencia (bucles, np.dot, np.clip, fórmulas equivalentes); cada
    juego sustituye a la vez varias funciones y debe obtener todos los puntos.

El código es el contenido completo de la celda de solución (``solucion_<función>``).
"""

MUTANTES = {
    "regla-cadena": {
        "PuertaSuma": {
            "olvida multiplicar por dz": '''
class PuertaSuma:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y

    def backward(self, dz):
        return np.ones_like(np.asarray(self.x + self.y, dtype=float)), np.ones_like(np.asarray(self.x + self.y, dtype=float))
''',
        },
        "PuertaMultiplicacion": {
            "derivadas intercambiadas": '''
class PuertaMultiplicacion:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dz):
        return dz * self.x, dz * self.y
''',
        },
        "PuertaMax": {
            "empate envía el gradiente a las dos entradas": '''
class PuertaMax:
    def forward(self, x, y):
        self.x, self.y = x, y
        return np.maximum(x, y)

    def backward(self, dz):
        dx = np.where(np.asarray(self.x) >= np.asarray(self.y), dz, 0.0)
        dy = np.where(np.asarray(self.y) >= np.asarray(self.x), dz, 0.0)
        return dx, dy
''',
            "max de Python (no funciona con arreglos)": '''
class PuertaMax:
    def forward(self, x, y):
        self.x, self.y = x, y
        return max(x, y)

    def backward(self, dz):
        if self.x >= self.y:
            return dz, 0.0
        return 0.0, dz
''',
        },
        "derivadaSigmoide": {
            "devuelve σ en vez de σ(1 − σ)": '''
def derivadaSigmoide(z):
    return sigmoide(z)
''',
            "σ(z)(1 − z) en vez de σ(z)(1 − σ(z))": '''
def derivadaSigmoide(z):
    return sigmoide(z) * (1 - z)
''',
        },
        "gradienteNumerico": {
            "diferencias hacia delante": '''
def gradienteNumerico(f, x, h=1e-5):
    punto = np.array(x, dtype=float)
    grad = np.zeros_like(punto)
    base = f(punto.copy())
    for i in np.ndindex(punto.shape):
        original = punto[i]
        punto[i] = original + h
        grad[i] = (f(punto.copy()) - base) / h
        punto[i] = original
    return float(grad) if grad.ndim == 0 else grad
''',
            "ignora el h que recibe": '''
def gradienteNumerico(f, x, h=1e-5):
    paso = 1e-5
    punto = np.array(x, dtype=float)
    grad = np.zeros_like(punto)
    for i in np.ndindex(punto.shape):
        original = punto[i]
        punto[i] = original + paso
        f_mas = f(punto.copy())
        punto[i] = original - paso
        f_menos = f(punto.copy())
        punto[i] = original
        grad[i] = (f_mas - f_menos) / (2 * paso)
    return float(grad) if grad.ndim == 0 else grad
''',
            "modifica x y lo deshace con aritmética": '''
def gradienteNumerico(f, x, h=1e-5):
    es_numero = np.ndim(x) == 0
    x = np.asarray(x, dtype=float) if es_numero else x
    grad = np.zeros(np.shape(x))
    for i in np.ndindex(np.shape(x)):
        x[i] += h
        f_mas = f(x)
        x[i] -= 2 * h
        f_menos = f(x)
        x[i] += h
        grad[i] = (f_mas - f_menos) / (2 * h)
    return float(grad) if es_numero else grad
''',
        },
    },
    "descenso-gradiente": {
        "costo": {
            "suma en vez de promediar": '''
def costo(X, y, theta):
    r = theta[0] + X @ theta[1:] - y
    return float(np.sum(r ** 2) / 2)
''',
            "olvida el 1/2": '''
def costo(X, y, theta):
    r = theta[0] + X @ theta[1:] - y
    return float(np.mean(r ** 2))
''',
            "bucle que solo funciona con m = 4": '''
def costo(X, y, theta):
    total = 0.0
    for i in range(4):
        total += (theta[0] + X[i] @ theta[1:] - y[i]) ** 2
    return float(total / (2 * 4))
''',
            "m = 4 escrito a mano": '''
def costo(X, y, theta):
    r = theta[0] + X @ theta[1:] - y
    return float(np.sum(r ** 2) / (2 * 4))
''',
            "olvida el término independiente θ0": '''
def costo(X, y, theta):
    r = X @ theta[1:] - y
    return float(np.sum(r ** 2) / (2 * len(y)))
''',
            "aún sin escribir": '''
def costo(X, y, theta):
    # ESCRIBE TU CÓDIGO AQUÍ
    raise NotImplementedError()
''',
        },
        "gradiente": {
            "signo cambiado (y − ŷ)": '''
def gradiente(X, y, theta):
    r = y - (theta[0] + X @ theta[1:])
    return np.concatenate(([r.mean()], X.T @ r / len(y)))
''',
            "falta 1/m": '''
def gradiente(X, y, theta):
    r = theta[0] + X @ theta[1:] - y
    return np.concatenate(([r.sum()], X.T @ r))
''',
            "m = 4 escrito a mano": '''
def gradiente(X, y, theta):
    r = theta[0] + X @ theta[1:] - y
    return np.concatenate(([r.sum() / 4], X.T @ r / 4))
''',
        },
        "descensoGradiente": {
            "signo equivocado en la actualización": '''
def descensoGradiente(X, y, theta, alpha, iteraciones):
    theta = np.array(theta, dtype=float)
    historial = []
    for _ in range(iteraciones):
        historial.append(costo(X, y, theta))
        theta = theta + alpha * gradiente(X, y, theta)
    return theta, historial
''',
            "ignora la tasa de aprendizaje": '''
def descensoGradiente(X, y, theta, alpha, iteraciones):
    theta = np.array(theta, dtype=float)
    historial = []
    for _ in range(iteraciones):
        historial.append(costo(X, y, theta))
        theta = theta - gradiente(X, y, theta)
    return theta, historial
''',
            "historial guarda el costo después de actualizar": '''
def descensoGradiente(X, y, theta, alpha, iteraciones):
    theta = np.array(theta, dtype=float)
    historial = []
    for _ in range(iteraciones):
        theta = theta - alpha * gradiente(X, y, theta)
        historial.append(costo(X, y, theta))
    return theta, historial
''',
            "theta -= … modifica el theta recibido": '''
def descensoGradiente(X, y, theta, alpha, iteraciones):
    historial = []
    for _ in range(iteraciones):
        historial.append(costo(X, y, theta))
        theta -= alpha * gradiente(X, y, theta)
    return theta, historial
''',
            "gradiente como columna (theta cambia de forma)": '''
def descensoGradiente(X, y, theta, alpha, iteraciones):
    historial = []
    for _ in range(iteraciones):
        historial.append(costo(X, y, theta))
        theta = theta - alpha * gradiente(X, y, theta).reshape(-1, 1)
    return theta, historial
''',
        },
        "normalizar": {
            "desviación con ddof=1": '''
def normalizar(X):
    media = X.mean(axis=0)
    desviacion = X.std(axis=0, ddof=1)
    desviacion = np.where(desviacion == 0, 1.0, desviacion)
    return (X - media) / desviacion, media, desviacion
''',
            "normaliza por filas": '''
def normalizar(X):
    media = X.mean(axis=1, keepdims=True)
    desviacion = X.std(axis=1, keepdims=True)
    desviacion = np.where(desviacion == 0, 1.0, desviacion)
    return (X - media) / desviacion, media.ravel(), desviacion.ravel()
''',
            "normaliza en el sitio (X -= media)": '''
def normalizar(X):
    media = X.mean(axis=0)
    desviacion = X.std(axis=0)
    desviacion[desviacion == 0] = 1.0
    X -= media
    X /= desviacion
    return X, media, desviacion
''',
        },
    },
    "xor-propagacion": {
        "sigmoide": {
            "olvida el signo menos": '''
def sigmoide(z):
    return 1.0 / (1.0 + np.exp(z))
''',
            "math.exp (no funciona con arreglos)": '''
import math


def sigmoide(z):
    return 1.0 / (1.0 + math.exp(-z))
''',
        },
        "feedForward": {
            "olvida la sigmoide de salida": '''
def feedForward(X, w1, w2, b1, b2):
    a1 = sigmoide(w1 @ X + b1)
    a2 = w2 @ a1 + b2
    return a1, a2
''',
            "pesos traspuestos (filas como ejemplos)": '''
def feedForward(X, w1, w2, b1, b2):
    a1 = sigmoide(X.T @ w1.T + b1.T)
    a2 = sigmoide(a1 @ w2.T + b2.T)
    return a1, a2
''',
            "olvida el sesgo b1": '''
def feedForward(X, w1, w2, b1, b2):
    a1 = sigmoide(w1 @ X)
    a2 = sigmoide(w2 @ a1 + b2)
    return a1, a2
''',
            "producto elemento a elemento (*) en vez de @": '''
def feedForward(X, w1, w2, b1, b2):
    a1 = sigmoide(w1 * X + b1)
    a2 = sigmoide(w2 * a1 + b2)
    return a1, a2
''',
        },
        "costoGlobal": {
            "suma en vez de promediar": '''
def costoGlobal(y_est, y):
    return float(-np.sum(y * np.log(y_est) + (1 - y) * np.log(1 - y_est)))
''',
            "olvida el signo menos": '''
def costoGlobal(y_est, y):
    m = y.shape[1]
    return float(np.sum(y * np.log(y_est) + (1 - y) * np.log(1 - y_est)) / m)
''',
            "bucle que solo funciona con m = 4": '''
def costoGlobal(y_est, y):
    total = 0.0
    for i in range(4):
        total += y[0, i % y.shape[1]] * np.log(y_est[0, i % y.shape[1]]) \\
            + (1 - y[0, i % y.shape[1]]) * np.log(1 - y_est[0, i % y.shape[1]])
    return float(-total / 4)
''',
            "respuesta codificada para el ejemplo público": '''
def costoGlobal(y_est, y):
    if y.shape[1] in (2, 6):
        return 0.164252033486018
    return 0.001
''',
            "m = len(y) con y de forma (1, m)": '''
def costoGlobal(y_est, y):
    m = len(y)
    return float(-np.sum(y * np.log(y_est) + (1 - y) * np.log(1 - y_est)) / m)
''',
            "m = 4 escrito a mano": '''
def costoGlobal(y_est, y):
    return float(-np.sum(y * np.log(y_est) + (1 - y) * np.log(1 - y_est)) / 4)
''',
            "float() de un arreglo de forma (1,)": '''
def costoGlobal(y_est, y):
    m = y.shape[1]
    return float(-np.sum(y * np.log(y_est) + (1 - y) * np.log(1 - y_est), axis=1) / m)
''',
        },
    },
    "xor-retropropagacion": {
        "backProp": {
            "derivada de la sigmoide escrita como σ": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1
    return dz1 @ X.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1, keepdims=True) / m
''',
            "falta 1/m": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return dz1 @ X.T, np.sum(dz1, axis=1, keepdims=True), dz2 @ a1.T, np.sum(dz2, axis=1, keepdims=True)
''',
            "dw1 traspuesto": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return X @ dz1.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1, keepdims=True) / m
''',
            "sesgos sin keepdims": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return dz1 @ X.T / m, np.sum(dz1, axis=1) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1) / m
''',
            "signo cambiado (y − a2)": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    dz2 = y - a2
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return dz1 @ X.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1, keepdims=True) / m
''',
            "bucle que solo funciona con m = 4": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    dw1, db1 = np.zeros_like(w1), np.zeros_like(b1)
    dw2, db2 = np.zeros_like(w2), np.zeros_like(b2)
    for i in range(4):
        j = i % X.shape[1]
        dz2 = a2[:, [j]] - y[:, [j]]
        dz1 = (w2.T @ dz2) * a1[:, [j]] * (1 - a1[:, [j]])
        dw2 += dz2 @ a1[:, [j]].T / 4
        db2 += dz2 / 4
        dw1 += dz1 @ X[:, [j]].T / 4
        db1 += dz1 / 4
    return dw1, db1, dw2, db2
''',
            "m = 4 escrito a mano": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = 4
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return dz1 @ X.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1, keepdims=True) / m
''',
            "m = len(y) con y de forma (1, m)": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = len(y)
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return dz1 @ X.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1, keepdims=True) / m
''',
            "factores de dw2 en otro orden (a1ᵀ @ δ2)": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    dz2 = a2 - y
    dz1 = (w2.T @ dz2) * a1 * (1 - a1)
    return dz1 @ X.T / m, np.sum(dz1, axis=1, keepdims=True) / m, a1.T @ dz2 / m, np.sum(dz2, axis=1, keepdims=True) / m
''',
        },
        "entrenarRed": {
            "signo equivocado en la actualización": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1, w2, b2 = w1 + lr * dw1, b1 + lr * db1, w2 + lr * dw2, b2 + lr * db2
    return w1, b1, w2, b2, costos
''',
            "ignora la tasa de aprendizaje": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1, w2, b2 = w1 - dw1, b1 - db1, w2 - dw2, b2 - db2
    return w1, b1, w2, b2, costos
''',
            "guarda el costo después de actualizar": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
        costos.append(costoGlobal(feedForward(X, w1, w2, b1, b2)[1], y))
    return w1, b1, w2, b2, costos
''',
            "no recalcula feedForward en cada época": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
    return w1, b1, w2, b2, costos
''',
            "w1 -= lr * dw1 modifica los parámetros recibidos": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1 -= lr * dw1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2
    return w1, b1, w2, b2, costos
''',
            "llama a backProp con a1 y a2 intercambiados": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a1, a2)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
    return w1, b1, w2, b2, costos
''',
            "llama a feedForward con los parámetros en el orden w1, b1, w2, b2": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, b1, w2, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
    return w1, b1, w2, b2, costos
''',
        },
    },
    "sgd-minilotes": {
        "minilotes": {
            "pierde el último minilote incompleto": '''
def minilotes(orden, tam_lote):
    return [orden[i * tam_lote:(i + 1) * tam_lote] for i in range(len(orden) // tam_lote)]
''',
            "completa el último minilote con orden[-tam_lote:]": '''
def minilotes(orden, tam_lote):
    lotes = []
    for inicio in range(0, len(orden), tam_lote):
        if inicio + tam_lote > len(orden):
            lotes.append(orden[-tam_lote:])
        else:
            lotes.append(orden[inicio:inicio + tam_lote])
    return lotes
''',
            "np.array_split en trozos casi iguales": '''
def minilotes(orden, tam_lote):
    return np.array_split(orden, int(np.ceil(len(orden) / tam_lote)))
''',
            "posiciones en vez de los índices de orden": '''
def minilotes(orden, tam_lote):
    m = len(orden)
    return [np.arange(inicio, min(inicio + tam_lote, m)) for inicio in range(0, m, tam_lote)]
''',
            "devuelve un generador": '''
def minilotes(orden, tam_lote):
    return (orden[inicio:inicio + tam_lote] for inicio in range(0, len(orden), tam_lote))
''',
        },
        "gradienteMinilote": {
            "promedia entre m en vez de m_B": '''
def gradienteMinilote(W, b, X, Y, lote):
    m = X.shape[1]
    X_B, Y_B = X[:, lote], Y[:, lote]
    Delta = softmax(W @ X_B + b) - Y_B
    return Delta @ X_B.T / m, np.sum(Delta, axis=1, keepdims=True) / m
''',
            "no promedia (falta 1/m_B)": '''
def gradienteMinilote(W, b, X, Y, lote):
    X_B, Y_B = X[:, lote], Y[:, lote]
    Delta = softmax(W @ X_B + b) - Y_B
    return Delta @ X_B.T, np.sum(Delta, axis=1, keepdims=True)
''',
            "signo cambiado (Y − P)": '''
def gradienteMinilote(W, b, X, Y, lote):
    X_B, Y_B = X[:, lote], Y[:, lote]
    Delta = Y_B - softmax(W @ X_B + b)
    return Delta @ X_B.T / len(lote), np.sum(Delta, axis=1, keepdims=True) / len(lote)
''',
            "usa todos los ejemplos y no los del minilote": '''
def gradienteMinilote(W, b, X, Y, lote):
    Delta = softmax(W @ X + b) - Y
    return Delta @ X.T / len(lote), np.sum(Delta, axis=1, keepdims=True) / len(lote)
''',
            "db sin keepdims": '''
def gradienteMinilote(W, b, X, Y, lote):
    X_B, Y_B = X[:, lote], Y[:, lote]
    Delta = softmax(W @ X_B + b) - Y_B
    return Delta @ X_B.T / len(lote), np.sum(Delta, axis=1) / len(lote)
''',
        },
        "epocaSGD": {
            "gradientes viejos: todos con los parámetros del principio de la época": '''
def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    gradientes = [gradienteMinilote(W, b, X, Y, lote) for lote in minilotes(orden, tam_lote)]
    for dW, db in gradientes:
        W = W - eta * dW
        b = b - eta * db
    return W, b
''',
            "un solo gradiente para toda la época": '''
def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    lotes = minilotes(orden, tam_lote)
    dW, db = gradienteMinilote(W, b, X, Y, lotes[0])
    for lote in lotes:
        W = W - eta * dW
        b = b - eta * db
    return W, b
''',
            "W -= eta * dW modifica los parámetros recibidos": '''
def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    for lote in minilotes(orden, tam_lote):
        dW, db = gradienteMinilote(W, b, X, Y, lote)
        W -= eta * dW
        b -= eta * db
    return W, b
''',
            "signo equivocado en la actualización": '''
def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    for lote in minilotes(orden, tam_lote):
        dW, db = gradienteMinilote(W, b, X, Y, lote)
        W = W + eta * dW
        b = b + eta * db
    return W, b
''',
            "ignora orden (recorre los ejemplos sin barajar)": '''
def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    for lote in minilotes(np.arange(X.shape[1]), tam_lote):
        dW, db = gradienteMinilote(W, b, X, Y, lote)
        W = W - eta * dW
        b = b - eta * db
    return W, b
''',
        },
        "entrenarSGD": {
            "no vuelve a barajar: una sola permutación antes del bucle": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    orden = rng.permutation(X.shape[1])
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        W, b = epocaSGD(W, b, X, Y, orden, tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor, mejor_coste, sin_mejora = (W, b), costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return mejor[0], mejor[1], costes_ent, costes_val
''',
            "crea el generador dentro del bucle (la misma permutación cada época)": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        rng = np.random.default_rng(semilla)
        W, b = epocaSGD(W, b, X, Y, rng.permutation(X.shape[1]), tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor, mejor_coste, sin_mejora = (W, b), costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return mejor[0], mejor[1], costes_ent, costes_val
''',
            "baraja con np.random.permutation (sin el generador de la semilla)": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    np.random.seed(semilla)
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        W, b = epocaSGD(W, b, X, Y, np.random.permutation(X.shape[1]), tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor, mejor_coste, sin_mejora = (W, b), costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return mejor[0], mejor[1], costes_ent, costes_val
''',
            "devuelve los parámetros de la última época": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    costes_ent, costes_val = [], []
    mejor_coste, sin_mejora = np.inf, 0
    for _ in range(epocas):
        W, b = epocaSGD(W, b, X, Y, rng.permutation(X.shape[1]), tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor_coste, sin_mejora = costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return W, b, costes_ent, costes_val
''',
            "no pone a cero la cuenta al mejorar": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        W, b = epocaSGD(W, b, X, Y, rng.permutation(X.shape[1]), tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor, mejor_coste = (W, b), costes_val[-1]
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return mejor[0], mejor[1], costes_ent, costes_val
''',
            "un empate cuenta como mejora (<=)": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        W, b = epocaSGD(W, b, X, Y, rng.permutation(X.shape[1]), tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] <= mejor_coste:
            mejor, mejor_coste, sin_mejora = (W, b), costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return mejor[0], mejor[1], costes_ent, costes_val
''',
            "para una época tarde (cuenta > paciencia)": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        W, b = epocaSGD(W, b, X, Y, rng.permutation(X.shape[1]), tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor, mejor_coste, sin_mejora = (W, b), costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora > paciencia:
                break
    return mejor[0], mejor[1], costes_ent, costes_val
''',
            "mide los costes antes de la época": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    costes_ent, costes_val = [], []
    mejor, mejor_coste, sin_mejora = (W, b), np.inf, 0
    for _ in range(epocas):
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor, mejor_coste, sin_mejora = (W, b), costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
        W, b = epocaSGD(W, b, X, Y, rng.permutation(X.shape[1]), tam_lote, eta)
    return mejor[0], mejor[1], costes_ent, costes_val
''',
        },
    },
}

CORRECTAS = {
    "regla-cadena": [
        {
            "PuertaSuma": '''
class PuertaSuma:
    def forward(self, x, y):
        self.guardado = (x, y)
        return np.add(x, y)

    def backward(self, dz):
        forma = np.shape(np.add(*self.guardado))
        return dz * np.ones(forma), dz * np.ones(forma)
''',
            "PuertaMultiplicacion": '''
class PuertaMultiplicacion:
    def forward(self, x, y):
        self.entradas = x, y
        return np.multiply(x, y)

    def backward(self, dz):
        x, y = self.entradas
        return np.multiply(dz, y), np.multiply(dz, x)
''',
            "PuertaMax": '''
class PuertaMax:
    def forward(self, x, y):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return np.maximum(self.x, self.y)

    def backward(self, dz):
        gana_x = (self.x >= self.y).astype(float)
        return dz * gana_x, dz * (1.0 - gana_x)
''',
            "derivadaSigmoide": '''
def derivadaSigmoide(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-z) / (1.0 + np.exp(-z)) ** 2
''',
            "gradienteNumerico": '''
def gradienteNumerico(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    plano = x.ravel()
    grad = np.empty(plano.size)
    for k in range(plano.size):
        e = np.zeros(plano.size)
        e[k] = h
        grad[k] = (f((plano + e).reshape(x.shape)) - f((plano - e).reshape(x.shape))) / (2 * h)
    return grad.reshape(x.shape)
''',
        },
    ],
    "descenso-gradiente": [
        {
            "costo": '''
def costo(X, y, theta):
    m = X.shape[0]
    prediccion = np.dot(X, theta[1:]) + theta[0]
    return np.mean((prediccion - y) ** 2) / 2
''',
            "gradiente": '''
def gradiente(X, y, theta):
    m, n = X.shape
    g = np.zeros(n + 1)
    for i in range(m):
        r = theta[0] + sum(X[i, j] * theta[j + 1] for j in range(n)) - y[i]
        g[0] += r / m
        for j in range(n):
            g[j + 1] += r * X[i, j] / m
    return g
''',
            "descensoGradiente": '''
def descensoGradiente(X, y, theta, alpha, iteraciones):
    theta = theta.copy()
    historial = [0.0] * iteraciones
    for k in range(iteraciones):
        historial[k] = costo(X, y, theta)
        theta = np.subtract(theta, alpha * gradiente(X, y, theta))
    return theta, historial
''',
            "normalizar": '''
def normalizar(X):
    media = np.mean(X, axis=0)
    desviacion = np.sqrt(np.mean((X - media) ** 2, axis=0))
    desviacion[desviacion == 0] = 1.0
    return (X - media) / desviacion, media, desviacion
''',
        },
    ],
    "xor-propagacion": [
        {
            "sigmoide": '''
def sigmoide(z):
    return 1 / (1 + np.exp(-z))
''',
            "feedForward": '''
def feedForward(X, w1, w2, b1, b2):
    a1 = sigmoide(np.dot(w1, X) + b1)
    a2 = sigmoide(np.dot(w2, a1) + b2)
    return a1, a2
''',
            "costoGlobal": '''
def costoGlobal(y_est, y):
    y_est = np.clip(y_est, 1e-15, 1 - 1e-15)
    return -np.mean(y * np.log(y_est) + (1 - y) * np.log(1 - y_est))
''',
        },
        {
            "sigmoide": '''
def sigmoide(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))
''',
            "feedForward": '''
def feedForward(X, w1, w2, b1, b2):
    m = X.shape[1]
    a1 = np.zeros((w1.shape[0], m))
    a2 = np.zeros((w2.shape[0], m))
    for i in range(m):
        a1[:, i] = sigmoide(w1 @ X[:, i] + b1[:, 0])
        a2[:, i] = sigmoide(w2 @ a1[:, i] + b2[:, 0])
    return a1, a2
''',
            "costoGlobal": '''
def costoGlobal(y_est, y):
    m = y.shape[1]
    total = 0.0
    for i in range(m):
        p, t = y_est[0, i], y[0, i]
        total += t * np.log(p) + (1 - t) * np.log(1 - p)
    return -total / m
''',
        },
    ],
    "xor-retropropagacion": [
        {
            "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = y.shape[1]
    delta2 = (a2 - y) / m
    z1 = np.dot(w1, X) + b1
    s1 = 1 / (1 + np.exp(-z1))
    delta1 = np.multiply(np.dot(w2.T, delta2), s1 * (1 - s1))
    return (np.dot(delta1, X.T), delta1.sum(axis=1).reshape(-1, 1),
            np.dot(delta2, a1.T), delta2.sum(axis=1).reshape(-1, 1))
''',
            "entrenarRed": '''
def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    w1, b1, w2, b2 = w1.copy(), b1.copy(), w2.copy(), b2.copy()
    costos = []
    for epoca in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        gradientes = backProp(X, y, w1, w2, b1, b2, a2, a1)
        for p, g in zip((w1, b1, w2, b2), gradientes):
            p -= lr * g
    return w1, b1, w2, b2, costos
''',
        },
        {
            "backProp": '''
def backProp(X, y, w1, w2, b1, b2, a2, a1):
    m = X.shape[1]
    dw1, db1 = np.zeros(w1.shape), np.zeros(b1.shape)
    dw2, db2 = np.zeros(w2.shape), np.zeros(b2.shape)
    for i in range(m):
        x_i, y_i = X[:, i:i + 1], y[:, i:i + 1]
        a1_i, a2_i = a1[:, i:i + 1], a2[:, i:i + 1]
        d2 = a2_i - y_i
        d1 = (w2.T @ d2) * a1_i * (1 - a1_i)
        dw2 += d2 @ a1_i.T
        db2 += d2
        dw1 += d1 @ x_i.T
        db1 += d1
    return dw1 / m, db1 / m, dw2 / m, db2 / m
''',
        },
    ],
    "sgd-minilotes": [
        {
            "minilotes": '''
def minilotes(orden, tam_lote):
    return np.split(orden, np.arange(tam_lote, len(orden), tam_lote))
''',
            "gradienteMinilote": '''
def gradienteMinilote(W, b, X, Y, lote):
    m_B = X[:, lote].shape[1]
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    for i in lote:
        x = X[:, i:i + 1]
        p = softmax(np.dot(W, x) + b)
        dW += np.dot(p - Y[:, i:i + 1], x.T)
        db += p - Y[:, i:i + 1]
    return dW / m_B, db / m_B
''',
            "epocaSGD": '''
def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    W, b = W.copy(), b.copy()
    lotes = minilotes(orden, tam_lote)
    k = 0
    while k < len(lotes):
        dW, db = gradienteMinilote(W, b, X, Y, lotes[k])
        W -= eta * dW
        b -= eta * db
        k += 1
    return W, b
''',
            "entrenarSGD": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    rng = np.random.default_rng(semilla)
    m = len(Y[0])
    historial_ent, historial_val = [], []
    mejor_epoca, parametros = -1, [(W, b)]
    for epoca in range(epocas):
        W, b = epocaSGD(W, b, X, Y, rng.permutation(m), tam_lote, eta)
        parametros.append((W.copy(), b.copy()))
        historial_ent.append(costeEntropia(W, b, X, Y))
        historial_val.append(costeEntropia(W, b, X_val, Y_val))
        if mejor_epoca < 0 or historial_val[-1] < historial_val[mejor_epoca]:
            mejor_epoca = epoca
        elif epoca - mejor_epoca >= paciencia:
            break
    W_mejor, b_mejor = parametros[mejor_epoca + 1]
    return W_mejor, b_mejor, historial_ent, historial_val
''',
        },
        {
            "minilotes": '''
def minilotes(orden, tam_lote):
    lotes, resto = [], np.asarray(orden)
    while len(resto) > 0:
        lotes.append(resto[:tam_lote])
        resto = resto[tam_lote:]
    return lotes
''',
            "gradienteMinilote": '''
def gradienteMinilote(W, b, X, Y, lote):
    X_B = np.take(X, lote, axis=1)
    Y_B = np.take(Y, lote, axis=1)
    Z = W @ X_B + b
    P = np.exp(Z) / np.sum(np.exp(Z), axis=0)
    Delta = (P - Y_B) / len(lote)
    return Delta @ X_B.T, Delta.sum(axis=1).reshape(-1, 1)
''',
            "entrenarSGD": '''
def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    generador = np.random.default_rng(semilla)
    costes_ent, costes_val = [], []
    mejores = (W, b)
    epocas_sin_mejorar = 0
    for _ in range(epocas):
        orden = generador.permutation(X.shape[1])
        W, b = epocaSGD(W, b, X, Y, orden, tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < min(costes_val[:-1], default=np.inf):
            mejores = (W, b)
            epocas_sin_mejorar = 0
        else:
            epocas_sin_mejorar += 1
        if epocas_sin_mejorar == paciencia:
            break
    return mejores[0], mejores[1], costes_ent, costes_val
''',
        },
    ],
}

#: Pista que debe dar la celda de pruebas que falla con cada mutante (un fragmento del
#: mensaje de error). Los que pasan las pruebas públicas los detectan las ocultas, cuyo
#: mensaje empieza por «`función` falla N de M casos ocultos».
OCULTAS = "casos ocultos"
PISTAS = {
    ("PuertaSuma", "olvida multiplicar por dz"): "falta multiplicarlas por el gradiente que llega",
    ("PuertaMultiplicacion", "derivadas intercambiadas"): "dx y dy están intercambiados",
    ("PuertaMax", "empate envía el gradiente a las dos entradas"): "envías el gradiente a las dos entradas",
    ("PuertaMax", "max de Python (no funciona con arreglos)"): "`np.maximum(x, y)` en vez de `max(x, y)`",
    ("derivadaSigmoide", "devuelve σ en vez de σ(1 − σ)"): "devuelve σ(z): la derivada es σ(z)(1 − σ(z))",
    ("derivadaSigmoide", "σ(z)(1 − z) en vez de σ(z)(1 − σ(z))"): "el segundo factor es 1 − σ(z), no 1 − z",
    ("gradienteNumerico", "diferencias hacia delante"): "¿usaste diferencias hacia delante?",
    ("gradienteNumerico", "ignora el h que recibe"): "¿usas el h que recibe la función?",
    ("gradienteNumerico", "modifica x y lo deshace con aritmética"): "modificó el arreglo `x` que recibió",
    ("costo", "suma en vez de promediar"): "¿olvidaste dividir entre m (promediar)?",
    ("costo", "olvida el 1/2"): "¿olvidaste el 1/2",
    ("costo", "bucle que solo funciona con m = 4"): OCULTAS,
    ("costo", "m = 4 escrito a mano"): "divides entre 4 y no entre m = 8",
    ("costo", "olvida el término independiente θ0"): "¿olvidaste el término independiente theta[0]?",
    ("costo", "aún sin escribir"): "Aún no has escrito esta función",
    ("gradiente", "signo cambiado (y − ŷ)"): "el signo cambiado",
    ("gradiente", "falta 1/m"): "¿olvidaste dividir entre m (promediar)?",
    ("gradiente", "m = 4 escrito a mano"): "divides entre 4 y no entre m = 3",
    ("descensoGradiente", "signo equivocado en la actualización"): "hay que restar α·∇J",
    ("descensoGradiente", "ignora la tasa de aprendizaje"): "no usa la tasa de aprendizaje",
    ("descensoGradiente", "historial guarda el costo después de actualizar"): "guarda el coste antes",
    ("descensoGradiente", "theta -= … modifica el theta recibido"): "modificó el arreglo `theta` que recibió",
    ("descensoGradiente", "gradiente como columna (theta cambia de forma)"):
        "tiene forma (2, 2) y se esperaba (2,). θ ← θ − α ∇J(θ).",
    ("normalizar", "desviación con ddof=1"): "¿usaste ddof=1",
    ("normalizar", "normaliza por filas"): "usa axis=0",
    ("normalizar", "normaliza en el sitio (X -= media)"): "modificó el arreglo `X` que recibió",
    ("sigmoide", "olvida el signo menos"): "¿olvidaste el signo menos",
    ("sigmoide", "math.exp (no funciona con arreglos)"): "Usa las de numpy, que trabajan elemento a elemento",
    ("feedForward", "olvida la sigmoide de salida"): "¿olvidaste aplicar la sigmoide en la salida?",
    ("feedForward", "pesos traspuestos (filas como ejemplos)"): "¿estás usando columnas como ejemplos?",
    ("feedForward", "olvida el sesgo b1"): "sumas b1",
    ("feedForward", "producto elemento a elemento (*) en vez de @"): "¿Querías un producto de matrices (`@`)?",
    ("costoGlobal", "suma en vez de promediar"): "¿olvidaste dividir entre m (promediar)?",
    ("costoGlobal", "olvida el signo menos"): "¿olvidaste el signo menos",
    ("costoGlobal", "bucle que solo funciona con m = 4"): OCULTAS,
    ("costoGlobal", "respuesta codificada para el ejemplo público"): OCULTAS,
    ("costoGlobal", "m = len(y) con y de forma (1, m)"): "con y de forma (1, m), `len(y)` vale 1",
    ("costoGlobal", "m = 4 escrito a mano"): "divides entre 4 y no entre m = 2",
    ("costoGlobal", "float() de un arreglo de forma (1,)"): "Conviertes en número (con `float()`",
    ("backProp", "derivada de la sigmoide escrita como σ"): "¿usaste la derivada de la sigmoide",
    ("backProp", "falta 1/m"): "¿olvidaste dividir entre m",
    ("backProp", "dw1 traspuesto"): "¿has traspuesto",
    ("backProp", "sesgos sin keepdims"): "keepdims=True",
    ("backProp", "signo cambiado (y − a2)"): "Δ2 = a2 − y",
    ("backProp", "bucle que solo funciona con m = 4"): OCULTAS,
    ("backProp", "m = 4 escrito a mano"): "divides entre 4 y no entre m = 1",
    ("backProp", "m = len(y) con y de forma (1, m)"): "con y de forma (1, m), `len(y)` vale 1",
    ("backProp", "factores de dw2 en otro orden (a1ᵀ @ δ2)"): "Un producto de matrices (`@` o `np.dot`) con dimensiones que no encajan",
    ("entrenarRed", "signo equivocado en la actualización"): "¿restas el gradiente (no lo sumas)?",
    ("entrenarRed", "ignora la tasa de aprendizaje"): "¿multiplicas el gradiente por lr?",
    ("entrenarRed", "guarda el costo después de actualizar"): "¿guardas el coste después de actualizar?",
    ("entrenarRed", "no recalcula feedForward en cada época"): "¿recalculas a1, a2 = feedForward(X, w1, w2, b1, b2) al empezar cada época",
    ("entrenarRed", "w1 -= lr * dw1 modifica los parámetros recibidos"): "modificó el arreglo `w1` que recibió",
    ("entrenarRed", "llama a backProp con a1 y a2 intercambiados"): "llama a `backProp` con los argumentos en otro orden",
    ("entrenarRed", "llama a feedForward con los parámetros en el orden w1, b1, w2, b2"):
        "llama a `feedForward` con los argumentos en otro orden",
    ("minilotes", "pierde el último minilote incompleto"): "pierdes el último minilote, el incompleto",
    ("minilotes", "completa el último minilote con orden[-tam_lote:]"): "¿lo completas con índices de otro minilote",
    ("minilotes", "np.array_split en trozos casi iguales"): "`np.array_split` reparte en trozos casi iguales",
    ("minilotes", "posiciones en vez de los índices de orden"): "son las posiciones, no los índices de `orden`",
    ("minilotes", "devuelve un generador"): "no un generador",
    ("gradienteMinilote", "promedia entre m en vez de m_B"):
        "divides entre m = 4, los ejemplos de todo X, en vez de entre m_B = len(lote) = 2",
    ("gradienteMinilote", "no promedia (falta 1/m_B)"): "¿olvidaste dividir entre m_B = len(lote)",
    ("gradienteMinilote", "signo cambiado (Y − P)"): "tiene el signo cambiado",
    ("gradienteMinilote", "usa todos los ejemplos y no los del minilote"): "usa todos los ejemplos y no solo los del minilote",
    ("gradienteMinilote", "db sin keepdims"): "keepdims=True",
    ("epocaSGD", "gradientes viejos: todos con los parámetros del principio de la época"): "es un gradiente viejo",
    ("epocaSGD", "un solo gradiente para toda la época"): "aplicas un gradiente viejo en los demás pasos",
    ("epocaSGD", "W -= eta * dW modifica los parámetros recibidos"): "modificó el arreglo `W` que recibió",
    ("epocaSGD", "signo equivocado en la actualización"): "hay que restar eta · dW, no sumarlo",
    ("epocaSGD", "ignora orden (recorre los ejemplos sin barajar)"): "deben ser, en este orden, los de minilotes(orden, tam_lote)",
    ("entrenarSGD", "no vuelve a barajar: una sola permutación antes del bucle"): "no vuelves a barajar entre épocas",
    ("entrenarSGD", "crea el generador dentro del bucle (la misma permutación cada época)"):
        "no vuelves a barajar entre épocas",
    ("entrenarSGD", "baraja con np.random.permutation (sin el generador de la semilla)"):
        "con rng = np.random.default_rng(semilla)",
    ("entrenarSGD", "devuelve los parámetros de la última época"): "Devuelves los parámetros de la última época",
    ("entrenarSGD", "no pone a cero la cuenta al mejorar"): "¿pones a cero la cuenta de épocas sin mejora",
    ("entrenarSGD", "un empate cuenta como mejora (<=)"): "Un empate no es una mejora",
    ("entrenarSGD", "para una época tarde (cuenta > paciencia)"): "Se detiene tras la 6.ª época y debía hacerlo tras la 5.ª",
    ("entrenarSGD", "mide los costes antes de la época"): "Guardas el coste de los parámetros de antes de la época",
}
