"""Moodle: hoja de calificaciones rellenada y zip de archivos de retroalimentación.

Hoja: la «hoja de calificaciones para calificación offline» que exporta una tarea de Moodle
(«Descargar hoja de calificaciones»), en español o en inglés. El importador de Moodle («Subir
hoja de calificaciones») localiza las columnas por su nombre en el idioma del profesor
(``Identificador``, ``Calificación``, ``Última modificación (calificación)``), toma el número que
sigue a ``Participante `` y lee la calificación con el separador decimal de su idioma. Por eso se
conservan la cabecera, el orden de las filas, el BOM y el fin de línea, y solo se escribe la
columna de calificación, con el separador decimal que usa la propia hoja.

Zip: el importador de «Subir varios archivos de retroalimentación en un zip» busca en cada ruta
una carpeta ``<nombre completo>_<participante>_<tipo>_<plugin>[_]`` y asigna los ficheros que
contiene a ese participante; aquí ``Nombre Apellido_123456_assignfeedback_file_/``.
"""
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import comentario_moodle
from ..recogida.lista import leer_texto_csv
from ..texto import cifra, limpio

# Cabeceras de la hoja en español y en inglés (cadenas de Moodle: recordid, fullname, email, status, grade,
# maxgrade, lastmodifiedsubmission, lastmodifiedgrade).
COLUMNAS = {
    "id": ("identificador", "identifier"),
    "nombre": ("nombre completo", "full name"),
    "correo": ("direccion de correo", "direccion email", "correo electronico", "email address", "email"),
    "estado": ("estado", "status"),
    "calificacion": ("calificacion", "grade"),
    "maxima": ("calificacion maxima", "maximum grade"),
    "modificada": ("ultima modificacion (calificacion)", "last modified (grade)"),
    "entregada": ("ultima modificacion (entrega)", "last modified (submission)"),
    "comentarios": ("comentarios de retroalimentacion", "feedback comments"),
}
_TARDE = re.compile(r"\btarde\b|\blate\b", re.I)


class HojaInvalida(Exception):
    """La hoja de Moodle no se puede usar (mensaje en español)."""


def _normal(texto):
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return " ".join(sin_tildes.lower().split())


@dataclass
class Hoja:
    ruta: Path
    cabecera: list
    filas: list
    bom: bool
    fin_linea: str
    columnas: dict = field(default_factory=dict)
    coma_decimal: bool = False

    def valor(self, fila, clave):
        i = self.columnas.get(clave)
        return fila[i] if i is not None and i < len(fila) else ""

    def participante(self, fila):
        coincide = re.search(r"(\d+)\s*$", self.valor(fila, "id"))
        return coincide[1] if coincide else None

    def por_participante(self):
        return {p: fila for fila in self.filas if (p := self.participante(fila))}

    def maxima(self):
        """Calificación máxima de la tarea (de la columna «Calificación máxima»), o ``None``."""
        for fila in self.filas:
            numero = a_numero(self.valor(fila, "maxima"))
            if numero is not None:
                return numero
        return None


def a_numero(texto):
    texto = texto.strip().replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+(?:[.,]\d+)?", texto):
        return None
    return float(texto.replace(",", "."))


def leer_hoja(ruta):
    """Lee la hoja de Moodle; lanza ``HojaInvalida`` si no tiene las columnas que Moodle necesita."""
    ruta = Path(ruta)
    try:
        texto, bom = leer_texto_csv(ruta)
    except OSError as error:
        raise HojaInvalida(f"no se pudo leer la hoja de Moodle «{ruta}» ({error.strerror}).") from None
    fin_linea = "\r\n" if "\r\n" in texto[:10000] else "\n"
    filas = list(csv.reader(io.StringIO(texto, newline="")))
    if not filas:
        raise HojaInvalida(f"la hoja de Moodle «{ruta}» está vacía.")
    cabecera = filas[0]
    normales = [_normal(c) for c in cabecera]
    columnas = {clave: next((i for i, c in enumerate(normales) if c in nombres), None)
                for clave, nombres in COLUMNAS.items()}
    faltan = [nombres[0] for clave, nombres in COLUMNAS.items()
              if clave in ("id", "calificacion", "modificada") and columnas[clave] is None]
    if faltan:
        raise HojaInvalida(
            f"«{ruta}» no parece una hoja de calificaciones de Moodle: le faltan las columnas "
            + ", ".join(f"«{c}»" for c in faltan)
            + ". Descárgala en la tarea con «Ver todos los envíos» → «Acción sobre las calificaciones» → "
              "«Descargar hoja de calificaciones» (activa antes «Hoja de calificaciones fuera de línea» en los "
              "ajustes de retroalimentación de la tarea).")
    hoja = Hoja(ruta, cabecera, [f for f in filas[1:] if any(c.strip() for c in f)], bom, fin_linea, columnas)
    muestras = [hoja.valor(f, c) for f in hoja.filas for c in ("maxima", "calificacion")]
    hoja.coma_decimal = any(re.fullmatch(r"\s*-?\d+,\d+\s*", m) for m in muestras)
    return hoja


def formato_nota(valor, coma):
    """Dos decimales, como los muestra Moodle, con el separador de la hoja."""
    return cifra(valor, ".2f", coma)


NO_SE_SUBEN = ("sin_entrega", "sospechosa")


def rellenar(hoja, resultados, escala, destino):
    """Escribe ``destino`` con la calificación de cada entrega; devuelve un informe (dict).

    Las filas sin entrega (o con una entrega «sospechosa», que se revisa a mano) se dejan como
    estaban; el resto de columnas no cambia.
    """
    filas = hoja.por_participante()
    informe = {"escritas": 0, "sin_fila": [], "sin_cambiar": []}
    columna = hoja.columnas["calificacion"]
    for r in resultados:
        fila = filas.get(r["estudiante"])
        if fila is None:
            if r["estado"] != "sin_entrega":
                informe["sin_fila"].append(r["estudiante"])
            continue
        if r["estado"] in NO_SE_SUBEN:
            if r["estado"] == "sospechosa":
                informe["sin_cambiar"].append(r["estudiante"])
            continue
        while len(fila) <= columna:
            fila.append("")
        if r["puntos"] is None:  # sin nota final (nota-final, revisión manual pendiente): Moodle salta las vacías
            fila[columna] = ""
            informe.setdefault("pendientes", []).append(r["estudiante"])
            continue
        fila[columna] = formato_nota(r["puntos"] / r["puntos_max"] * escala, hoja.coma_decimal)
        comentarios = hoja.columnas.get("comentarios")
        if comentarios is not None and "funciones" in r:
            fila += [""] * (comentarios + 1 - len(fila))
            fila[comentarios] = comentario_moodle.combinar(
                fila[comentarios], comentario_moodle.resumen(r, hoja.coma_decimal))
        informe["escritas"] += 1
    buffer = io.StringIO()
    escritor = csv.writer(buffer, lineterminator=hoja.fin_linea)
    escritor.writerow(hoja.cabecera)
    escritor.writerows(hoja.filas)
    destino = Path(destino)
    destino.parent.mkdir(parents=True, exist_ok=True)
    destino.write_bytes((b"\xef\xbb\xbf" if hoja.bom else b"") + buffer.getvalue().encode("utf-8"))
    return informe


def datos_de_hoja(hoja):
    """{participante: {nombre, correo, tarde}} a partir de la hoja (para el CSV y el gradebook)."""
    datos = {}
    for participante, fila in hoja.por_participante().items():
        datos[participante] = {"nombre": hoja.valor(fila, "nombre").strip(),
                               "correo": hoja.valor(fila, "correo").strip(),
                               "tarde": bool(_TARDE.search(hoja.valor(fila, "estado"))),
                               "entregada": hoja.valor(fila, "entregada")}
    return datos


def _carpeta(nombre, participante):
    sin_separadores = re.sub(r"[_/\\:*?\"<>|]", " ", limpio(nombre or "")).strip() or "Participante"
    return f"{' '.join(sin_separadores.split())}_{participante}_assignfeedback_file_"


def zip_retroalimentacion(resultados, nombres, carpeta_html, taller, destino):
    """Zip para «Subir varios archivos de retroalimentación en un zip»; devuelve cuántos ficheros lleva.

    ``nombres``: {participante: nombre completo}. Solo entran las entregas con id de participante
    de Moodle (un número) y con retroalimentación.
    """
    destino = Path(destino)
    destino.parent.mkdir(parents=True, exist_ok=True)
    temporal = destino.with_name("." + destino.name + ".tmp")
    n = 0
    with zipfile.ZipFile(temporal, "w", zipfile.ZIP_DEFLATED) as archivo:
        for r in sorted(resultados, key=lambda r: r["estudiante"]):
            html = Path(carpeta_html) / f"{r['estudiante']}.html"
            if r["estado"] == "sin_entrega" or not r["estudiante"].isdigit() or not html.is_file():
                continue
            nombre = f"{_carpeta(nombres.get(r['estudiante'], ''), r['estudiante'])}/retroalimentacion-{taller.id}.html"
            info = zipfile.ZipInfo(nombre, date_time=(2000, 1, 1, 0, 0, 0))  # zip reproducible
            info.compress_type = zipfile.ZIP_DEFLATED
            archivo.writestr(info, html.read_bytes())
            n += 1
    if n == 0:  # nada que subir: ni zip vacío ni carpeta moodle/ vacía
        temporal.unlink()
        if not any(destino.parent.iterdir()):
            destino.parent.rmdir()
        return 0
    temporal.replace(destino)
    return n
