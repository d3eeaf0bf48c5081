"""Implementación de referencia del curso «Entrenamiento de redes neuronales».

Es la única copia de cada función calificada: la usan las figuras del libro,
los cuadernos del profesor, las pruebas ocultas y el calificador automático.

Módulos:
    grafos     -- puertas de un grafo computacional, derivada de la sigmoide y
                  gradiente numérico (taller «regla-cadena»).
    regresion  -- regresión lineal por descenso de gradiente
                  (taller «descenso-gradiente»).
    xor        -- red 3-4-1 con sigmoides para el XOR
                  (talleres «xor-propagacion» y «xor-retropropagacion»).
    sgd        -- SGD por minilotes con parada temprana para una regresión
                  softmax de los dígitos 8 × 8 (taller «sgd-minilotes»).
"""
