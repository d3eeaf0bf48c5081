"""Registro de los talleres: cuaderno, funciones calificadas y puntos.

El orden del diccionario es el de los capítulos que practica cada taller y da su número
(«taller 1», «taller 2»…) en el libro, los cuadernos y los mensajes: no lo cambies sin
renumerarlos.

Cada función calificada tiene una celda de pruebas de nbgrader cuyo
``grade_id`` empieza por el nombre de la función seguido de ``_``
(por ejemplo ``feedForward_pruebas``). Los puntos de cada taller suman 10.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Taller:
    """Un taller calificado con nbgrader."""

    id: str
    titulo: str
    cuaderno: str
    puntos: dict  # función calificada -> puntos

    @property
    def funciones(self):
        return tuple(self.puntos)

    @property
    def puntos_max(self):
        return sum(self.puntos.values())


TALLERES = {
    t.id: t
    for t in (
        Taller("descenso-gradiente", "Descenso de gradiente para regresión lineal",
               "descenso-gradiente.ipynb",
               {"costo": 2, "gradiente": 3, "descensoGradiente": 3, "normalizar": 2}),
        Taller("regla-cadena", "Regla de la cadena y grafos computacionales", "regla-cadena.ipynb",
               {"PuertaSuma": 1, "PuertaMultiplicacion": 2, "PuertaMax": 2,
                "derivadaSigmoide": 2, "gradienteNumerico": 3}),
        Taller("xor-propagacion", "XOR: paso hacia delante", "xor-propagacion.ipynb",
               {"sigmoide": 2, "feedForward": 4, "costoGlobal": 4}),
        Taller("xor-retropropagacion", "XOR: retropropagación y entrenamiento",
               "xor-retropropagacion.ipynb",
               {"backProp": 6, "entrenarRed": 4}),
        Taller("sgd-minilotes", "SGD por minilotes y parada temprana", "sgd-minilotes.ipynb",
               {"minilotes": 2, "gradienteMinilote": 2, "epocaSGD": 3, "entrenarSGD": 3}),
    )
}


def funcion_de_grade_id(grade_id):
    """Nombre de la función calificada a la que pertenece una celda de pruebas."""
    return grade_id.split("_", 1)[0]
