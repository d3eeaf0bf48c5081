"""Configuración de nbgrader para los talleres del curso.

Esta carpeta (``solutions/``) es el directorio de curso de nbgrader:

    source/<taller>/<taller>.ipynb   cuadernos del profesor (los genera construccion/generar_cuadernos.py)
    release/, submitted/, autograded/, feedback/, gradebook.db
                                      carpetas de trabajo de nbgrader (nunca en git)

Los cuadernos del estudiante se publican en ``exercises/`` con ``make exercises``.
Las órdenes de nbgrader se ejecutan desde esta carpeta, con el ``bin/`` del
entorno en PATH (nbgrader llama a ``alembic``) y la raíz del repositorio en
PYTHONPATH (las pruebas ocultas importan ``solutions.verificacion``).
"""
import os

c = get_config()  # noqa: F821 (nbgrader define get_config al cargar este fichero)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "redes-neuronales"

# Lo que ve el estudiante en lugar de cada solución.
c.ClearSolutions.code_stub = {"python": "# ESCRIBE TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ESCRIBE TU RESPUESTA AQUÍ"

# Segundos máximos por celda al validar y al autocalificar (el entrenamiento del XOR tarda ~1 s).
c.Execute.timeout = 120
