"""Nombres de los estudiantes tal como los escribe el libro de calificaciones exportado de Canvas.

La columna ``Student`` trae el nombre que Canvas usa para ordenar («García López, Ana»); se toma tal
cual, sin partirlo ni reordenarlo. Cada nombre se busca por las tres columnas que pueden identificar al
estudiante en una entrega: ``ID`` (el usuario de Canvas de la descarga), ``SIS User ID`` y
``SIS Login ID`` (si la lista de clase usa los de la universidad).
"""
import csv
import io

from .lista import leer_texto_csv

CLAVES = ("ID", "SIS User ID", "SIS Login ID")
SERVICIO = ("Points Possible", "Student, Test")  # filas de Canvas que no son estudiantes


def leer(ruta):
    """{identificador: nombre} del libro de Canvas en ``ruta`` (ya validado por ``canvas.leer_libro``)."""
    texto, _ = leer_texto_csv(ruta)
    filas = list(csv.reader(io.StringIO(texto, newline="")))
    cabecera = filas[0]
    columnas = [cabecera.index(c) for c in CLAVES if c in cabecera]
    alumno = cabecera.index("Student")
    nombres = {}
    for fila in filas[1:]:
        fila = fila + [""] * (len(cabecera) - len(fila))
        nombre = fila[alumno].strip()
        if not nombre or nombre in SERVICIO:
            continue
        for i in columnas:
            if fila[i].strip():
                nombres.setdefault(fila[i].strip(), nombre)
    return nombres
