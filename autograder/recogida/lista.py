"""Lista de clase (``--lista alumnos.csv``): identificador, nombre y correo de cada estudiante.

Se aceptan las cabeceras en español o en inglés (``id``/``identificador``/``estudiante``,
``nombre``/``nombre completo``, ``correo``/``email``/``dirección de correo``), con coma o punto y
coma como separador y en UTF-8 (con o sin BOM) o Latin-1 (Excel en Windows).
"""
import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .entregas import id_de_estudiante


class ListaInvalida(Exception):
    """El fichero de la lista no se puede usar (mensaje en español)."""


@dataclass
class Alumno:
    id: str
    nombre: str = ""
    correo: str = ""
    nombre_pila: str = ""  # solo si la lista trae columnas separadas: nunca se adivina partiendo el nombre
    apellidos: str = ""


_CLAVES = {
    "id": ("id", "identificador", "estudiante", "usuario", "student_id", "participante"),
    "nombre": ("nombre", "nombre completo", "name", "full name", "alumno"),
    "nombre_pila": ("nombre de pila", "nombre propio", "first name", "firstname"),
    "apellidos": ("apellidos", "apellido", "last name", "lastname", "surname"),
    "correo": ("correo", "email", "e-mail", "correo electronico", "direccion de correo", "email address"),
}


def _normal(texto):
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return " ".join(sin_tildes.lower().replace("_", " ").split())


def leer_texto_csv(ruta):
    """Texto de un CSV en UTF-8 (con o sin BOM) o Latin-1, y si llevaba BOM."""
    datos = Path(ruta).read_bytes()
    bom = datos.startswith(b"\xef\xbb\xbf")
    try:
        return datos.decode("utf-8-sig"), bom
    except UnicodeDecodeError:
        return datos.decode("latin-1"), False


def separador(texto):
    primera = texto.split("\n", 1)[0]
    return ";" if primera.count(";") > primera.count(",") else ","


def leer(ruta):
    """Alumnos de la lista, en su orden; lanza ``ListaInvalida`` con un mensaje que dice qué hacer."""
    try:
        texto, _ = leer_texto_csv(ruta)
    except OSError as error:
        raise ListaInvalida(f"no se pudo leer la lista «{ruta}» ({error.strerror}).") from None
    filas = list(csv.reader(io.StringIO(texto), delimiter=separador(texto)))
    if not filas:
        raise ListaInvalida(f"la lista «{ruta}» está vacía.")
    cabecera = [_normal(c) for c in filas[0]]
    columnas = {clave: next((i for i, c in enumerate(cabecera) if c in nombres), None)
                for clave, nombres in _CLAVES.items()}
    if columnas["id"] is None:
        raise ListaInvalida(f"la lista «{ruta}» no tiene una columna «id» en la primera fila. "
                            "La primera fila debe ser la cabecera: id,nombre,correo.")
    alumnos, vistos = [], set()
    for numero, fila in enumerate(filas[1:], start=2):
        if not any(c.strip() for c in fila):
            continue

        def valor(clave):
            i = columnas[clave]
            return fila[i].strip() if i is not None and i < len(fila) else ""

        bruto = valor("id")
        if not bruto:
            raise ListaInvalida(f"la fila {numero} de «{ruta}» no tiene id.")
        ident = id_de_estudiante(bruto)
        if ident in vistos:
            raise ListaInvalida(f"el id «{bruto}» aparece dos veces en «{ruta}» (fila {numero}).")
        vistos.add(ident)
        pila, apellidos = valor("nombre_pila"), valor("apellidos")
        nombre = valor("nombre") or " ".join(p for p in (pila, apellidos) if p)
        alumnos.append(Alumno(ident, nombre, valor("correo"), pila, apellidos))
    return alumnos
