"""``ast.parse`` que se puede llamar a la vez desde varios hilos del calificador.

En CPython 3.11, la versión del curso, ``ast.parse`` lleva la cuenta de su profundidad en un
estado del intérprete que comparten todos los hilos. Si mientras construye el árbol el recolector
de basura ejecuta código Python (un ``__del__``), otro hilo puede entrar en ``ast.parse`` y la
cuenta deja de cuadrar: ``SystemError: AST constructor recursion depth mismatch`` (CPython
gh-106905). El calificador analiza código en los hilos de un lote (y en los de un trabajador de
Dask): sin el cerrojo, una entrega correcta salía a veces como «Error interno del calificador».

Es código propio porque el fallo está en el intérprete: ninguna biblioteca lo evita. Analizar una
celda tarda milisegundos, así que esperar al cerrojo no cuesta nada que se note.
"""
import ast
import threading

_CERROJO = threading.Lock()


def arbol_de(codigo):
    """El árbol de ``codigo`` (``ast.parse``), de un hilo en uno. Lanza lo mismo que ``ast.parse``."""
    with _CERROJO:
        return ast.parse(codigo)
