"""Banco de velocidad y entregas de muestra: herramientas de medida, fuera del producto.

    velocidad -- ``python -m autograder bench``: el calificador frente a ``nbgrader autograde``
    muestras  -- entregas de muestra (correctas y con errores) para el banco y las pruebas
"""
