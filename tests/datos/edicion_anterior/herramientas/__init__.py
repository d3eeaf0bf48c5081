"""Herramientas públicas del libro «Entrenamiento de redes neuronales».

Lo que los capítulos necesitan y no es materia de los talleres: datos de ejemplo
(``herramientas.datos``) y utilidades numéricas genéricas (``herramientas.numerico``).
Ninguna función de este paquete resuelve un ejercicio calificado.
"""
