"""Calificador automático de los talleres del curso.

Trata cada entrega como datos: lee el cuaderno como JSON, ejecuta el código
del estudiante en un proceso aislado (``python -I``, carpeta temporal, entorno
mínimo, límites de recursos, sin crear procesos, Landlock si el núcleo lo
admite) y compara en el proceso calificador los resultados con la
implementación de referencia.

Un subpaquete por etapa de una entrega, en el orden en que la recorre
(el mapa completo está en el README, «Cómo está hecho»):

    recogida     -- de la descarga del LMS a una entrega por estudiante
    aislamiento  -- el proceso aislado que ejecuta el código del estudiante
    calificacion -- fases de casos ocultos, veredictos y textos de la retroalimentación
    lote         -- muchas entregas: ejecutor local o en Dask
    salidas      -- CSV, xlsx, Moodle, Canvas, gradebook de nbgrader, HTML
    banco        -- banco de velocidad y entregas de muestra (fuera del producto)
    cli          -- línea de órdenes (``python -m autograder calificar ...``): analiza e imprime
    calificar    -- la orden ``calificar`` como la lista de sus pasos
"""
import sys

from .banco import muestras

# ``autograder.muestras`` sigue importable con su nombre de antes (herramientas de fuera lo usan)
# aunque el módulo vive en ``banco/``. Es un alias y no un fichero de reexportación para que git
# siga el cambio de nombre de ``muestras.py`` al fusionar ramas que lo editan.
sys.modules[__name__ + ".muestras"] = muestras
