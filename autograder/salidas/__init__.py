"""Salidas: lo que el calificador escribe para el profesor, el LMS y el estudiante.

    lms          -- lista de clase y datos del LMS en cada resultado; escribe los ficheros de abajo
    hoja_calculo -- calificaciones.xlsx
    moodle       -- hoja de calificaciones y zip de retroalimentación de Moodle
    canvas       -- CSV de importación del libro de Canvas
    libro_notas  -- gradebook de nbgrader (y cuadernos para formgrader)
    informes     -- retroalimentación por estudiante y resumen del lote en HTML
    saneado      -- respuestas escritas en Markdown seguras para el navegador
    ficheros     -- escritura atómica y calificaciones.csv
"""
