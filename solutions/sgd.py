"""Descenso de gradiente estocástico (SGD) por minilotes, con parada temprana.

El modelo es una regresión softmax (una red de una sola capa con salida softmax) que
clasifica los dígitos de 8 × 8 píxeles. Convención: **las columnas son ejemplos**. Con
n entradas, K clases y m ejemplos:

    X (n, m)    Y (K, m), en one-hot    W (K, n)    b (K, 1)

``orden`` y ``lote`` son arreglos de índices enteros de columnas (``rng.permutation(m)``
y trozos suyos).
"""
import numpy as np


def softmax(Z):
    """Softmax por columnas; restar el máximo de cada columna no cambia el resultado y evita desbordar exp."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def costeEntropia(W, b, X, Y):
    """Entropía cruzada media de la regresión softmax sobre los m ejemplos de X (un ``float``).

    J = −(1/m) Σ_i Σ_k Y_ki ln P_ki,  con P = softmax(W X + b) recortada a [1e-12, 1].
    """
    P = np.clip(softmax(W @ X + b), 1e-12, 1.0)
    return float(-np.sum(Y * np.log(P)) / X.shape[1])


def exactitud(W, b, X, Y):
    """Proporción de ejemplos cuya clase más probable es la correcta."""
    return float(np.mean(np.argmax(W @ X + b, axis=0) == np.argmax(Y, axis=0)))


def datosDigitos(n_entrenamiento=60, n_validacion=500, semilla=0):
    """Dígitos de 8 × 8 de scikit-learn: ``(X_ent, Y_ent, X_val, Y_val)``, un ejemplo por columna.

    Los píxeles (de 0 a 16) se dividen entre 16 para que queden en [0, 1] y las etiquetas se
    codifican en one-hot. Los ejemplos se reparten al azar (con ``semilla``): los
    ``n_entrenamiento`` primeros para entrenar y los ``n_validacion`` siguientes para validar.
    """
    from sklearn.datasets import load_digits

    digitos = load_digits()
    orden = np.random.default_rng(semilla).permutation(len(digitos.target))
    X = digitos.data[orden].T / 16.0                  # (64, 1797)
    Y = np.eye(10)[digitos.target[orden]].T           # (10, 1797)
    ent = slice(0, n_entrenamiento)
    val = slice(n_entrenamiento, n_entrenamiento + n_validacion)
    return X[:, ent], Y[:, ent], X[:, val], Y[:, val]


def minilotes(orden, tam_lote):
    """Parte ``orden`` en minilotes consecutivos de ``tam_lote`` índices; el último puede tener menos.

    Devuelve la lista ``[orden[0:t], orden[t:2t], …]`` (con t = ``tam_lote``): ⌈m / t⌉ arreglos
    que, uno tras otro, recorren ``orden`` entero y sin repetir ningún índice.
    """
    return [orden[inicio:inicio + tam_lote] for inicio in range(0, len(orden), tam_lote)]


def gradienteMinilote(W, b, X, Y, lote):
    """Gradiente del coste medio del minilote ``lote`` (índices de columnas): ``(dW, db)``.

    Con X_B = X[:, lote], Y_B = Y[:, lote], P = softmax(W X_B + b) y Δ = P − Y_B:
    dW = Δ X_Bᵀ / m_B y db = Σ_i Δ_:,i / m_B, con m_B = len(lote) (no el m de todo X).
    """
    lote = np.asarray(lote, dtype=int)  # admite también una lista de índices
    X_B, Y_B = X[:, lote], Y[:, lote]
    m_B = len(lote)
    Z = W @ X_B + b
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    Delta = E / E.sum(axis=0, keepdims=True) - Y_B     # softmax(Z) − Y_B, forma (K, m_B)
    return Delta @ X_B.T / m_B, np.sum(Delta, axis=1, keepdims=True) / m_B


def epocaSGD(W, b, X, Y, orden, tam_lote, eta):
    """Una época de SGD por minilotes: un paso por cada minilote de ``minilotes(orden, tam_lote)``.

    Para cada minilote, en ese orden, calcula su gradiente con los parámetros **actuales**
    (ya actualizados por el minilote anterior) y da el paso W ← W − η dW, b ← b − η db.
    Devuelve ``(W, b)``; no modifica sus argumentos.
    """
    for lote in minilotes(orden, tam_lote):
        dW, db = gradienteMinilote(W, b, X, Y, lote)
        W = W - eta * dW
        b = b - eta * db
    return W, b


def entrenarSGD(W, b, X, Y, X_val, Y_val, eta, tam_lote, epocas, semilla, paciencia):
    """SGD por minilotes durante como mucho ``epocas`` épocas, con parada temprana.

    Crea un único generador, ``rng = np.random.default_rng(semilla)``, antes del bucle. Cada
    época: ``orden = rng.permutation(m)`` (una vez), ``epocaSGD`` con ese orden y, después, los
    costes ``costeEntropia`` en entrenamiento y en validación, que se añaden a sus listas. Se
    guardan los parámetros de la época con el menor coste de validación (la primera, si hay
    empate) y se para cuando pasan ``paciencia`` épocas seguidas sin mejorarlo.
    Devuelve ``(W, b, costes_ent, costes_val)`` con los parámetros de esa mejor época (o los
    iniciales, si ``epocas`` es 0); no modifica sus argumentos.
    """
    rng = np.random.default_rng(semilla)
    m = X.shape[1]
    costes_ent, costes_val = [], []
    mejor_W, mejor_b, mejor_coste, sin_mejora = W, b, np.inf, 0
    for _ in range(epocas):
        orden = rng.permutation(m)                        # barajar al empezar cada época
        W, b = epocaSGD(W, b, X, Y, orden, tam_lote, eta)
        costes_ent.append(costeEntropia(W, b, X, Y))
        costes_val.append(costeEntropia(W, b, X_val, Y_val))
        if costes_val[-1] < mejor_coste:
            mejor_W, mejor_b, mejor_coste, sin_mejora = W, b, costes_val[-1], 0
        else:
            sin_mejora += 1
            if sin_mejora == paciencia:
                break
    return mejor_W, mejor_b, costes_ent, costes_val
