"""Leer cualquier fichero de la edición pública como texto, y sacar sus bloques de código.

Las comprobaciones de la edición pública (material del profesor, respuestas filtradas) leen
todos los ficheros, no solo los que están en UTF-8: una nota en UTF-16 bajo ``book/_static/``
se lee igual que un capítulo. Solo se admiten como binarios las imágenes y las fuentes, que
se reconocen por su cabecera; un fichero que no es ni lo uno ni lo otro no se puede revisar,
y se rechaza en vez de saltarlo.
"""
import codecs
import re

#: Cabeceras de los binarios que puede llevar un libro: imágenes y fuentes.
BINARIOS = (
    (b"\x89PNG\r\n\x1a\n", "imagen PNG"), (b"\xff\xd8\xff", "imagen JPEG"), (b"GIF87a", "imagen GIF"),
    (b"GIF89a", "imagen GIF"), (b"\x00\x00\x01\x00", "icono"), (b"BM", "imagen BMP"),
    (b"wOFF", "fuente WOFF"), (b"wOF2", "fuente WOFF2"), (b"\x00\x01\x00\x00", "fuente TrueType"),
    (b"OTTO", "fuente OpenType"),
)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class NoSePuedeLeer(Exception):
    """Un fichero que no es texto (en ninguna codificación reconocible) ni una imagen o una fuente."""


def tipo_binario(datos):
    """Nombre del formato si ``datos`` empieza como una imagen o una fuente; si no, None."""
    if datos[:4] == b"RIFF" and datos[8:12] == b"WEBP":
        return "imagen WebP"
    return next((nombre for cabecera, nombre in BINARIOS if datos.startswith(cabecera)), None)


def _parece_texto(texto):
    return not texto or len(_CONTROL.findall(texto)) <= len(texto) // 100


def decodificar(datos):
    """El texto de ``datos`` en la codificación que tenga (BOM, UTF-8, UTF-16/32 o un juego de 8 bits).

    Lanza NoSePuedeLeer si no es texto.
    """
    for bom, codificacion in _BOMS:
        if datos.startswith(bom):
            try:
                return datos.decode(codificacion)
            except UnicodeDecodeError:
                raise NoSePuedeLeer(f"empieza como {codificacion.upper()} pero no lo es") from None
    if b"\x00" in datos:  # UTF-16 o UTF-32 sin BOM: bytes nulos entre los caracteres ASCII
        for codificacion in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
            try:
                texto = datos.decode(codificacion)
            except UnicodeDecodeError:
                continue
            if _parece_texto(texto):
                return texto
        raise NoSePuedeLeer("tiene bytes nulos y no es texto en UTF-16 ni en UTF-32")
    try:
        return datos.decode("utf-8")
    except UnicodeDecodeError:
        texto = datos.decode("latin-1")  # un juego de 8 bits (Latin-1, Windows-1252…): el ASCII no cambia
        if _parece_texto(texto):
            return texto
    raise NoSePuedeLeer("no es texto en ninguna codificación reconocible")


def leer(ruta):
    """(texto, None) de un fichero de texto o (None, formato) de una imagen o una fuente.

    Lanza NoSePuedeLeer con el motivo si no es ninguna de las dos cosas.
    """
    datos = ruta.read_bytes()
    formato = tipo_binario(datos)
    if formato:
        return None, formato
    return decodificar(datos), None


# --- Bloques de código de un texto -------------------------------------------------------------

#: Lenguajes de un bloque ```lenguaje que se tratan como Python.
PYTHON = {"python", "python3", "py", "ipython", "ipython3", "py3"}
_APERTURA = re.compile(r"^(?P<sangria>[ \t]*)(?P<valla>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")


def _lenguaje(info):
    """Lenguaje de la línea de información de un bloque: «python», «{code-cell} ipython3»…"""
    info = info.strip()
    directiva = re.match(r"\{([\w-]+)\}\s*(\S*)", info)
    if directiva:
        nombre, argumento = directiva.groups()
        if nombre in ("code-cell", "code-block", "code", "sourcecode", "jupyter-execute", "ipython"):
            return (argumento or "python").lower() if nombre != "ipython" else "ipython"
        return "directiva"
    return (info.split()[0].lower() if info else "")


def bloques(texto):
    """Bloques con valla (``` o ~~~) de un texto Markdown: lista de (línea, lenguaje, código).

    El código de un bloque con opciones de MyST (``:tags:``, una cabecera ``---``) va sin ellas.
    Los bloques anidados en otros (una directiva con código dentro) también se devuelven.
    """
    lineas = texto.splitlines()
    encontrados = []

    def recorrer(inicio, fin):
        i = inicio
        while i < fin:
            apertura = _APERTURA.match(lineas[i])
            if not apertura:
                i += 1
                continue
            valla = apertura.group("valla")
            cierre = re.compile(rf"^[ \t]*{re.escape(valla[0])}{{{len(valla)},}}[ \t]*$")
            j = i + 1
            while j < fin and not cierre.match(lineas[j]):
                j += 1
            cuerpo = lineas[i + 1:j]
            lenguaje = _lenguaje(apertura.group("info"))
            if lenguaje == "directiva":
                recorrer(i + 1, j)
            else:
                encontrados.append((i + 1, lenguaje, "\n".join(_sin_opciones(cuerpo))))
            i = j + 1

    recorrer(0, len(lineas))
    return encontrados


def _sin_opciones(cuerpo):
    if cuerpo and cuerpo[0].strip() == "---":
        fin = next((k for k in range(1, len(cuerpo)) if cuerpo[k].strip() == "---"), None)
        if fin is not None:
            return cuerpo[fin + 1:]
    k = 0
    while k < len(cuerpo) and re.match(r"^:[\w-]+:", cuerpo[k].strip()):
        k += 1
    return cuerpo[k:]
