"""La página de retroalimentación que lee el estudiante (``retroalimentacion/<id>.html``).

Se construye con jinja2 (plantilla ``pagina_estudiante.html``, con el escape automático activado:
todo texto del resultado, venga de la entrega, del LMS o del proceso aislado, se escapa). La
página no añade texto del proceso aislado: reordena el que ya está en el resultado, que
``texto_acotado`` y ``calificacion.limpiar`` ya acotaron. Lo que hace:

- saluda por su nombre al estudiante cuando la lista de clase o el LMS lo dan (``resultado["nombre"]``);
- agrupa los fallos de una función que tienen la misma causa (``causa``) y la dice una vez, con
  cuántas comprobaciones afecta; lo mismo con las celdas que fallan igual;
- separa el mensaje original de Python de la explicación y lo deja en un «detalle técnico» plegado;
- muestra un error de sintaxis con su línea, un acento circunflejo debajo y la pista de
  ``sintaxis.diagnosticar``;
- con la nota máxima, ánimo y qué probar después (``SIGUIENTE``).
"""
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from solutions import comprobaciones
from solutions import retroalimentacion as textos
from solutions.talleres import TALLERES

from ..calificacion import credito
from ..texto import cifra, limpio

PLANTILLA = "pagina_estudiante.html"

NOMBRES_ESTADO = {
    "ok": "calificada", "error": "con error", "tiempo_agotado": "tiempo agotado",
    "sin_entrega": "sin entrega", "sospechosa": "pendiente de revisión",
    "fuera_de_plazo": "fuera de plazo",  # autograder.retraso
}

#: Qué probar después de un taller con la nota máxima: (capítulo, título, idea para seguir).
#: Una prueba comprueba que el número y el título son los del libro (``_toc.yml`` y su «# »).
SIGUIENTE = {
    "descenso-gradiente": (3, "Descenso de gradiente",
                           "prueba en tu cuaderno tasas de aprendizaje más grandes y más pequeñas y mira "
                           "cómo cambia la curva del coste, y por qué hace falta normalizar"),
    "regla-cadena": (5, "Derivadas, regla de la cadena y grafos computacionales",
                     "dibuja en papel el grafo de otra función y comprueba tus derivadas con tu "
                     "`gradienteNumerico`"),
    "xor-propagacion": (6, "Retropropagación",
                        "prueba tu `feedForward` con otros pesos y mira cómo cambia el coste"),
    "xor-retropropagacion": (7, "Entrenamiento de la red",
                             "entrena tu red con otras tasas de aprendizaje, otras semillas o más neuronas "
                             "ocultas y compara las curvas del coste"),
    "sgd-minilotes": (4, "Descenso de gradiente estocástico",
                      "cambia el tamaño del minilote y la paciencia y mira dónde se detiene la parada "
                      "temprana"),
}

_ORIGINAL = re.compile(r"\s*\((?:M|m)ensaje original: ")
# Lo que sigue al mensaje original en un texto: el aviso de que un aviso cuenta como fallo, dónde salta
# el error (``comprobaciones._donde``), la nota de las pruebas públicas, un punto final o nada.
_TRAS_ORIGINAL = re.compile(r"\)(?=\s*(?:\(un aviso cuenta como fallo\))?\s*(?:El error salta en|`\w+` recibe|"
                            r"\.?\s*$))", re.S)
_LANZADO = re.compile(rf"^{textos.LANZADO}(?: \(`\w+`\))?\.\s*")
_CIFRAS = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
# Lo que dicen las pruebas de un error sin pista: la frase de ahora y la de los cuadernos repartidos antes.
SIN_PISTA = (comprobaciones.SIN_PISTA, "Error de Python sin pista en español")


def separar_original(texto):
    """(texto sin «(Mensaje original: …)», mensaje original o ``None``)."""
    texto = str(texto)
    inicio = _ORIGINAL.search(texto)
    if inicio is None:
        return texto, None
    resto = texto[inicio.end():]
    fin = _TRAS_ORIGINAL.search(resto)
    corte = fin.start() if fin else len(resto.rstrip(").").rstrip())
    original = resto[:corte].strip()
    despues = resto[corte + 1:] if fin else ""
    return (texto[:inicio.start()] + despues).strip(), original or None


def _tipo(original):
    tipo = (original or "").split(":", 1)[0].strip()
    return tipo if tipo.isidentifier() else ""


def explicado(texto, funcion=None):
    """(texto para el estudiante, mensaje original o ``None``) de un problema o del error de una celda.

    Quita el nombre de la función delante de un mensaje de sus pruebas públicas (ya va en el título)
    y cambia la frase de las pruebas para un error sin pista (``SIN_PISTA``) por la de la página.
    """
    texto, original = separar_original(texto)
    if funcion and texto.startswith(f"`{funcion}`: "):
        texto = texto[len(funcion) + 4:]
    tipo = _tipo(original)
    cita = f" (`{tipo}`)" if tipo else ""
    marca = next((m for m in SIN_PISTA if texto.startswith(m)), None)
    if marca:
        texto = textos.error_sin_explicacion(cita) + texto[len(marca):]
    elif texto in (textos.LANZADO + ".", textos.LANZADO):
        texto = textos.lanzado_sin_explicacion(cita)
    return texto.strip(), original


def causa(texto, funcion=None):
    """Clave con la que se agrupan los fallos: la explicación sin el mensaje original, sin «lanzó un
    error», sin dónde salta el error y con las cifras igualadas (dos casos con formas distintas y la
    misma pista tienen la misma causa)."""
    texto, _ = explicado(texto, funcion)
    texto = _LANZADO.sub("", texto)
    texto = re.split(r"\s*(?:\(un aviso cuenta como fallo\)\s*)?El error salta en ", texto)[0]
    return _CIFRAS.sub("#", texto).strip(" .")


@dataclass
class Grupo:
    """Fallos de una función con la misma causa."""

    texto: str
    original: str = None
    publica: bool = False
    casos: list = field(default_factory=list)  # descripciones de los casos ocultos
    iguales: bool = True  # todos dicen exactamente lo mismo (si no, las cifras son las del primero)


def agrupar(fallos, funcion=None):
    """Grupos (en el orden en que aparecen) de los fallos ``[{descripcion, problemas, publica?}]``."""
    grupos = {}
    for fallo in fallos:
        completo = " ".join(fallo["problemas"])
        clave = causa(completo, funcion)
        texto, original = explicado(completo, funcion)
        grupo = grupos.get(clave)
        if grupo is None:
            grupo = grupos[clave] = Grupo(texto, original)
        elif fallo.get("publica") and not grupo.publica:
            grupo.iguales = grupo.iguales and not grupo.casos  # el texto pasa a ser el de las públicas
            grupo.texto, grupo.original = texto, original or grupo.original
        elif texto != grupo.texto and not grupo.publica:
            grupo.iguales = False
        if fallo.get("publica"):
            grupo.publica = True
        else:
            grupo.casos.append(fallo["descripcion"])
    # Primero las causas; al final, los casos que no se ejecutaron por culpa de otra cosa.
    return sorted(grupos.values(), key=lambda g: (g.texto.startswith(textos.SIN_EJECUTAR), not g.publica))


@dataclass
class GrupoCeldas:
    """Celdas con el mismo error (o una sola, con su error de sintaxis)."""

    celdas: list
    texto: str
    original: str = None
    sintaxis: dict = None
    tiempo: bool = False


def _sin_terminar(error):
    """Explicación de una celda que no terminó a tiempo (el límite sale del texto del calificador)."""
    segundos = re.search(r"\((\d+(?:\.\d+)?) s\)|en (\d+(?:\.\d+)?) s", str(error))
    cifra = (segundos.group(1) or segundos.group(2)) if segundos else None
    if "tiempo total" in str(error):
        return ("no terminó: se acabó el tiempo total de la entrega" + (f" ({cifra} s)" if cifra else "")
                + ", que se gastó en lo que se ejecutó antes.")
    return (f"no terminó en {cifra} s" if cifra else "no terminó a tiempo") + \
        ": ¿hay un bucle cuya condición nunca cambia?"


def agrupar_celdas(celdas):
    grupos, por_clave = [], {}
    for celda in celdas:
        if celda.get("sintaxis"):
            grupos.append(GrupoCeldas([celda["celda"]], celda["sintaxis"]["pista"],
                                      celda["sintaxis"]["original"], celda["sintaxis"]))
            continue
        if celda.get("tiempo"):
            texto, original = _sin_terminar(celda["error"]), None
        else:
            texto, original = explicado(celda["error"])
        clave = (causa(celda["error"]), bool(celda.get("tiempo")))
        if clave in por_clave:
            por_clave[clave].celdas.append(celda["celda"])
        else:
            por_clave[clave] = GrupoCeldas([celda["celda"]], texto, original, tiempo=bool(celda.get("tiempo")))
            grupos.append(por_clave[clave])
    return grupos


def _codigo(texto):
    """Texto escapado en el que lo que va entre `comillas invertidas` se muestra como código."""
    return Markup(re.sub(r"`([^`<>]{1,80})`", r"<code>\1</code>", str(escape(limpio(texto)))))


def _plural(n, singular, plural=None):
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _lista(partes):
    partes = [str(p) for p in partes]
    return partes[0] if len(partes) == 1 else ", ".join(partes[:-1]) + " y " + partes[-1]


@functools.lru_cache(maxsize=1)
def _entorno():
    entorno = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
                                 autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                 undefined=jinja2.StrictUndefined)
    entorno.filters.update(codigo=_codigo, pts=cifra, limpio=limpio)
    entorno.globals.update(plural=_plural, lista=_lista, texto_credito=credito.texto_funcion)
    return entorno


def _sin_definir(resultado, celdas):
    """{función que falta: etiqueta de la celda con un error de sintaxis donde se define}."""
    faltan = {}
    for nombre, info in resultado["funciones"].items():
        if info.get("falta"):
            faltan[nombre] = next((c["celda"] for c in celdas
                                   if nombre in (c.get("sintaxis") or {}).get("define", ())), None)
    return faltan


def datos(resultado, taller):
    """Lo que necesita la plantilla (sin HTML: la plantilla escapa)."""
    funciones = resultado["funciones"]
    sin_calificar = bool(resultado.get("sin_calificar"))
    completa = (resultado["estado"] == "ok" and resultado["puntos"] >= resultado["puntos_max"]
                and all(not f["fallos"] and not f.get("falta") for f in funciones.values()))
    numero = list(TALLERES).index(taller.id) + 1 if taller.id in TALLERES else None
    return {
        "taller": taller, "numero": numero, "r": resultado,
        "nombre": limpio(resultado.get("nombre") or "").strip(),
        "estado": NOMBRES_ESTADO.get(resultado["estado"], resultado["estado"]),
        "completa": completa,
        "siguiente": SIGUIENTE.get(taller.id),
        "grupos": {f: agrupar(info["fallos"], f) for f, info in funciones.items()
                   if info["fallos"] and not info.get("falta")},
        # Sin ejecutar el cuaderno no se sabe qué define: no se dice que falte nada.
        "sin_calificar": sin_calificar,
        "error_interno": bool(resultado.get("error_interno")),
        "faltan": {} if sin_calificar else _sin_definir(resultado, resultado.get("celdas", [])),
        "celdas": agrupar_celdas(resultado.get("celdas", [])),
    }


def pagina(resultado, taller):
    """Página HTML de retroalimentación de una entrega."""
    return _entorno().get_template(PLANTILLA).render(**datos(resultado, taller))


def reescribir_con_nombre(resultados, taller, salida, escribir_atomico):
    """Rehace la página de las entregas a las que el LMS o la lista de clase ponen nombre.

    Las páginas se escriben durante el lote, antes de saber los nombres (``lms.Destinos.anotar``);
    esta llamada va después, y antes de empaquetar la retroalimentación para Moodle.
    """
    carpeta = Path(salida) / "retroalimentacion"
    for resultado in resultados:
        ruta = carpeta / f"{resultado['estudiante']}.html"
        if resultado.get("nombre") and ruta.is_file():
            try:
                escribir_atomico(ruta, pagina(resultado, taller))
            except Exception:  # queda la página sin el nombre, escrita durante el lote: nada se detiene
                pass
