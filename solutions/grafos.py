"""Grafos computacionales: puertas con paso hacia delante y hacia atrás.

Cada puerta guarda sus entradas en ``forward`` y, en ``backward``, recibe
dz = ∂f/∂z (el gradiente que llega desde la salida) y devuelve
(∂f/∂x, ∂f/∂y) aplicando la regla de la cadena a su derivada local.
Funcionan con números y con arreglos de numpy de la misma forma.
"""
import numpy as np

from .xor import sigmoide


def _como_escalar(valor):
    """Un arreglo de dimensión 0 se devuelve como ``float``."""
    return float(valor) if np.ndim(valor) == 0 else valor


class PuertaSuma:
    """z = x + y.  Derivadas locales: ∂z/∂x = ∂z/∂y = 1 (la suma copia el gradiente)."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y

    def backward(self, dz):
        uno = np.ones_like(np.asarray(self.x + self.y, dtype=float))
        return _como_escalar(dz * uno), _como_escalar(dz * uno)


class PuertaMultiplicacion:
    """z = x · y.  Derivadas locales: ∂z/∂x = y, ∂z/∂y = x (el producto intercambia)."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dz):
        return _como_escalar(dz * self.y), _como_escalar(dz * self.x)


class PuertaMax:
    """z = max(x, y).  ∂z/∂x = 1 si x ≥ y (si no, 0); ∂z/∂y = 1 si y > x.

    La derivada es un indicador: el gradiente entero va a la entrada mayor.
    En un empate va entero a x, nunca a las dos.
    """

    def forward(self, x, y):
        self.x, self.y = x, y
        return _como_escalar(np.maximum(x, y))

    def backward(self, dz):
        gana_x = np.asarray(self.x) >= np.asarray(self.y)
        dx = np.where(gana_x, dz, 0.0)
        dy = np.where(gana_x, 0.0, dz)
        return _como_escalar(dx), _como_escalar(dy)


def derivadaSigmoide(z):
    """σ'(z) = σ(z) (1 − σ(z)), elemento a elemento."""
    s = sigmoide(z)
    return s * (1.0 - s)


def gradienteNumerico(f, x, h=1e-5):
    """Gradiente de f (función escalar) en x por diferencias centrales.

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h). Devuelve un resultado con la
    forma de x (un ``float`` si x es un número) y no modifica x.
    """
    punto = np.array(x, dtype=float)
    grad = np.zeros_like(punto)
    for i in np.ndindex(punto.shape):
        original = punto[i]
        punto[i] = original + h
        f_mas = f(punto.copy())
        punto[i] = original - h
        f_menos = f(punto.copy())
        punto[i] = original
        grad[i] = (f_mas - f_menos) / (2 * h)
    return _como_escalar(grad)
