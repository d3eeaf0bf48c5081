"""Calificador automático de los talleres del curso.

Trata cada entrega como datos: lee el cuaderno como JSON, ejecuta el código
del estudiante en un proceso aislado (``python -I``, carpeta temporal, entorno
mínimo, límites de recursos, sin crear procesos, Landlock si el núcleo lo
admite) y compara en el proceso calificador los resultados con la
implementación de referencia.

Módulos:
    cli           -- línea de órdenes (``python -m autograder calificar ...``)
    entregas      -- localiza una entrega por estudiante en una carpeta o un .zip
    cuaderno      -- lee cuadernos como JSON y construye el programa a ejecutar
    aislamiento   -- lanza y dirige el proceso aislado (lado del calificador)
    corredor      -- programa que se ejecuta dentro del proceso aislado
    codec         -- valores como datos JSON entre ambos procesos (sin pickle)
    restricciones -- Landlock, capacidades y seccomp para el proceso aislado
    calificacion  -- casos ocultos, comparación y puntos de una entrega
    lote          -- lote en paralelo, resultados atómicos, CSV
    informes      -- retroalimentación y resumen en HTML con figuras
    libro_notas   -- actualización del gradebook de nbgrader
    progreso      -- barra de progreso
    banco         -- banco de velocidad frente a ``nbgrader autograde``
    muestras      -- entregas de muestra (correctas y con errores) para el banco y las pruebas
"""
