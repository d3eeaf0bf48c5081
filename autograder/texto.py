"""Texto apto para cualquier salida del calificador: el único sitio que limpia nombres y mensajes.

Lo que escribe el calificador (CSV, xlsx, HTML, hojas de Moodle y Canvas, gradebook, zip de
retroalimentación, avisos en la terminal) mezcla textos que no controla: nombres de carpetas y
ficheros de la descarga del LMS, nombres de la lista de clase, mensajes de error del proceso
aislado. ``limpio`` les quita los caracteres de control (un ``\\x0b`` hace fallar openpyxl; un
``\\r`` parte filas del CSV), los de formato invisibles (un U+202E da la vuelta a lo que se lee)
y los sustitutos sueltos (``\\ud800`` no se puede escribir en UTF-8).

``cifra`` es también el único sitio que escribe un número para quien lee (puntos, notas,
porcentajes, cocientes del banco): con coma decimal, como se escribe en español.
"""
import unicodedata

# Control, formato, sustitutos y separadores de línea y de párrafo de Unicode.
_FUERA = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def sin_sustitutos(texto):
    """``texto`` escribible en UTF-8 (cada sustituto suelto pasa a «?»); conserva saltos de línea."""
    return str(texto).encode("utf-8", "replace").decode("utf-8")


def limpio(texto):
    """``texto`` en una línea, sin caracteres de control, de formato ni sustitutos (cada uno, un espacio)."""
    texto = str(texto)
    if texto.isprintable():  # lo normal: nada que cambiar
        return texto
    return "".join(" " if unicodedata.category(c) in _FUERA else c for c in sin_sustitutos(texto))


def limpios(valor):
    """``valor`` (un resultado: dict, lista, texto…) con cada texto, claves incluidas, pasado por ``limpio``."""
    if isinstance(valor, str):
        return limpio(valor)
    if isinstance(valor, (list, tuple)):
        return [limpios(v) for v in valor]
    if isinstance(valor, dict):
        return {limpios(k): limpios(v) for k, v in valor.items()}
    return valor


def cifra(valor, formato="g", coma=True):
    """``valor`` con ``formato`` (``"g"``, ``".2f"``…) y coma decimal: 2,5 puntos; 9,75; 12,2×.

    ``coma=False`` solo para una hoja del LMS que usa el punto (salidas.moodle la lee antes).
    """
    texto = format(valor, formato)
    return texto.replace(".", ",") if coma else texto
