"""Calificación de una entrega: programa, fases de casos y veredictos.

Los textos de la retroalimentación salen de ``solutions.retroalimentacion`` (los comparte la prueba
oculta del cuaderno).

    cuaderno      -- lee el cuaderno como JSON y construye el programa que se ejecuta
    fases         -- casos ocultos de un taller agrupados en fases, con sus auxiliares
    veredictos    -- ejecuta las fases, compara en el calificador y da los puntos
    referencias   -- auxiliares de referencia que calcula el calificador (apoderados)
    texto_acotado -- qué texto del proceso aislado llega a la retroalimentación
"""
