"""Calificación de una entrega: programa, fases de casos, veredictos y textos de la retroalimentación.

    cuaderno      -- lee el cuaderno como JSON y construye el programa que se ejecuta
    veredictos    -- casos ocultos por fases, comparación en el calificador y puntos
    referencias   -- auxiliares de referencia que calcula el calificador (apoderados)
    texto_acotado -- qué texto del proceso aislado llega a la retroalimentación
"""
