"""Herramientas de construcción del curso: generan ficheros que se commitean.

    generar_cuadernos -- cuadernos de los talleres: del profesor (solutions/source/) y del
                         estudiante (exercises/); lo ejecuta ``make exercises``

No forman parte de la referencia (``solutions/``) ni del calificador (``autograder/``): solo se
usan al preparar el curso, nunca al calificar.
"""
