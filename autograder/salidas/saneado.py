"""Respuestas escritas del estudiante (Markdown) aptas para el navegador del profesor y del estudiante.

formgrader y ``nbgrader generate_feedback`` convierten el Markdown a HTML tal cual (nbconvert deja
pasar ``javascript:`` en los enlaces). ``markdown_seguro``:

- recorta la respuesta a ``MAX_RESPUESTA`` caracteres;
- quita el HTML que no está en una lista corta de etiquetas sin atributos, con bleach. El analizador
  de HTML (html5lib) tarda un tiempo cuadrático en el número de etiquetas anidadas (8000 ``<ul><li>``:
  casi un minuto), así que con más de ``MAX_ETIQUETAS`` etiquetas no se analiza nada: se escapan
  todas (se ven como texto). Ambas cosas son lineales a partir de ahí;
- neutraliza todo destino de enlace o de imagen de Markdown cuyo esquema no sea http, https o mailto
  (``javascript:``, ``data:``, ``vbscript:``…, en cualquier caja y con espacios, barras invertidas o
  entidades intercaladas): se convierte en un ancla de la propia página (``#``).
"""
import html
import re

from ..texto import sin_sustitutos

MAX_RESPUESTA = 64 * 1024  # caracteres de una respuesta escrita
MAX_ETIQUETAS = 256  # etiquetas que se analizan con bleach (256 anidadas: unos 20 ms)
ETIQUETAS = {"b", "i", "em", "strong", "code", "pre", "br", "p", "ul", "ol", "li", "sub", "sup", "blockquote"}
ESQUEMAS = {"http", "https", "mailto"}

_ETIQUETA = re.compile(r"<[A-Za-z/!?]")
# Donde empieza el destino de un enlace o imagen de Markdown: «](» en línea, «]:» en una definición
# de referencia (con espacios o saltos de línea en medio y un «<» opcional) y «<» de un enlace automático.
_DESTINO = re.compile(r"\]\s*[(:]\s*<?|<")
_ESQUEMA = re.compile(r"([a-z][a-z0-9+.\-]*):")
_ENTIDAD = re.compile(r"&(?:#[0-9]{1,10}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});?")
# Lo que un navegador o un intérprete de Markdown quitan antes del esquema o dentro de él: espacios,
# controles, caracteres invisibles y las barras invertidas de escape de Markdown.
_DEL_ESQUEMA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-:&#;")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\\]")


def esquema(destino, i=0):
    """Esquema del destino de enlace que empieza en ``destino[i]``, tal como lo leería un navegador (en
    minúsculas), o ``None``.

    Se decodifican las entidades y se saltan los caracteres invisibles, por largos que sean, hasta
    leer el primer «:», un carácter que no puede estar en un esquema o 40 caracteres visibles.
    """
    visibles = []
    while i < len(destino) and len(visibles) < 40:
        entidad = _ENTIDAD.match(destino, i)
        parte = html.unescape(entidad[0]) if entidad else destino[i]
        i = entidad.end() if entidad else i + 1
        visibles += [c for c in parte if not _INVISIBLE.match(c)]
        if ":" in parte or (visibles and visibles[-1] not in _DEL_ESQUEMA):
            break
    texto = "".join(visibles)
    for _ in range(2):  # entidades dobles («&amp;#106;»)
        texto = _INVISIBLE.sub("", html.unescape(texto))
    coincide = _ESQUEMA.match(texto.lower())
    return coincide[1] if coincide else None


def sin_enlaces_peligrosos(texto):
    """``texto`` (Markdown) con cada destino de enlace o imagen de esquema no permitido convertido en ancla."""
    partes, inicio = [], 0
    for coincide in _DESTINO.finditer(texto):
        fin = coincide.end()
        actual = esquema(texto, fin)
        if actual is not None and actual not in ESQUEMAS:
            partes += [texto[inicio:fin], "#"]
            inicio = fin
    return "".join(partes) + texto[inicio:]


def _sin_html(texto):
    """Cada «<» que abre una etiqueta, escapado: el HTML del estudiante se ve como texto."""
    return _ETIQUETA.sub(lambda m: "&lt;" + m[0][1:], texto)


def markdown_seguro(texto):
    """Respuesta escrita del estudiante lista para formgrader (en tiempo lineal en su tamaño)."""
    import bleach

    texto = sin_sustitutos(texto)
    if len(texto) > MAX_RESPUESTA:
        texto = texto[:MAX_RESPUESTA] + "\n\n[Respuesta recortada por el calificador: era demasiado larga.]"
    if len(_ETIQUETA.findall(texto)) > MAX_ETIQUETAS:
        texto = _sin_html(texto)
    else:
        texto = bleach.clean(texto, tags=ETIQUETAS, attributes={}, strip=True)
    return sin_enlaces_peligrosos(texto)
