"""Recogida: de la descarga del LMS (carpeta o .zip) a una entrega por estudiante.

    entregas -- localiza una entrega por estudiante (nbgrader, Moodle, Canvas, carpeta plana)
    fechas   -- fecha de cada entrega (timestamp.txt de nbgrader, zip del LMS o fichero)
    lista    -- lista de clase: identificador, nombre y correo
"""
